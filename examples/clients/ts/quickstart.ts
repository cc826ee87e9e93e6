// agentd from TypeScript: invoke, stream, and answer a human-in-the-loop request with a handler.
//   node --import tsx examples/clients/ts/quickstart.ts localhost:50051
import { AgentdClient } from '../../../clients/ts/src/index.js';

const client = new AgentdClient(process.argv[2] ?? 'localhost:50051');
console.log('invoke:', (await client.invoke('diamond', { x: 1 })).output);
const kinds: string[] = [];
for await (const event of client.stream('diamond', { x: 1 })) kinds.push(Object.keys(event).find((k) => k !== 'runId' && k !== 'sequence' && k !== 'time' && (event as never)[k])!);
console.log('stream:', kinds.join(' '));
const approver = client.handleFeedback(() => ({ approved: true }), { agents: ['approval'] });
console.log('approval:', (await client.invoke('approval', { topic: 'the refund' })).output.status);
approver.stop();
client.close();
