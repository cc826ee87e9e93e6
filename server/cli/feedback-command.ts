// `agentd feedback`: shows feedback requests as they come and answers them from the terminal.
//   agentd feedback [--agent NAME] [--session ID]        interactive: type an answer as JSON (or `ID JSON`)
//   agentd feedback --answer REQUEST_ID --data JSON      answer one request and exit
import readline from 'node:readline';
import { AgentdClient, FeedbackOutcome, type PendingFeedback } from '../../clients/ts/src/index.js';

interface Flags {
  address?: string;
  agent?: string;
  session?: string;
  answer?: string;
  data?: string;
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a bare word is taken as a string answer
  }
}

export async function feedbackCommand(flags: Flags): Promise<number> {
  const client = new AgentdClient(flags.address ?? `localhost:${process.env.AGENTD_PORT || 50051}`);
  if (flags.answer) {
    await client.answerFeedback(flags.answer, parseAnswer(flags.data ?? 'null'), `cli:${process.env.USER ?? 'terminal'}`);
    console.log(`answered ${flags.answer}`);
    client.close();
    return 0;
  }
  const stream = client.openFeedback({ agents: flags.agent ? [flags.agent] : [], sessionIds: flags.session ? [flags.session] : [], clientName: `cli:${process.env.USER ?? 'terminal'}` });
  const pending = new Map<string, PendingFeedback>();
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  const prompt = () => pending.size > 0 && process.stdout.write(pending.size === 1 ? 'answer (JSON)> ' : 'answer (REQUEST_ID JSON)> ');
  console.log('waiting for feedback requests (Ctrl-D to quit)');
  input.on('line', (line) => {
    const text = line.trim();
    if (!text) return prompt();
    const [first, ...rest] = text.split(/\s+/);
    const byPrefix = [...pending.keys()].filter((id) => id.startsWith(first));
    if (byPrefix.length === 1 && rest.length > 0) stream.answer(byPrefix[0], parseAnswer(rest.join(' ')));
    else if (pending.size === 1) stream.answer([...pending.keys()][0], parseAnswer(text));
    else console.log(pending.size === 0 ? 'nothing is waiting for an answer' : 'several requests wait: start the line with (a prefix of) the request id');
  });
  input.on('close', () => stream.close());
  for await (const event of stream) {
    if ('request' in event) {
      const r = event.request;
      pending.set(r.requestId, r);
      console.log(`\nrequest ${r.requestId}\n  from ${r.agent}/${r.worker} (run ${r.runId}, session ${r.sessionId})${r.deadline ? `\n  expires ${r.deadline}` : ''}\n  ${JSON.stringify(r.payload, null, 2).replace(/\n/g, '\n  ')}`);
      prompt();
    } else if ('resolved' in event) {
      pending.delete(event.resolved.requestId);
      const how = FeedbackOutcome[event.resolved.outcome].replace('FEEDBACK_OUTCOME_', '').toLowerCase();
      console.log(`resolved ${event.resolved.requestId}: ${how}${event.resolved.answeredBy ? ` by ${event.resolved.answeredBy}` : ''}`);
      prompt();
    } else if (!event.answerResult.accepted) {
      console.log(`refused: ${event.answerResult.message}`);
      prompt();
    }
  }
  client.close();
  return 0;
}
