// Load from the TypeScript client: `ts-load.ts ADDRESS AGENT CONCURRENCY TOTAL` prints invokes per second.
import { AgentdClient } from '../../clients/ts/src/index.js';
import { throughput } from '../lib/load.js';

const [address, agent, concurrency, total] = process.argv.slice(2);
const client = new AgentdClient(address);
const payload = { hello: 'world', n: 1 };
await throughput(200, 1, () => client.invoke(agent, payload));
console.log((await throughput(Number(total), Number(concurrency), () => client.invoke(agent, payload))).toFixed(1));
client.close();
