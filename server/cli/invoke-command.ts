// `agentd invoke` and `agentd agents`: a running daemon's client on the terminal.
import { AgentdClient, RunFailedError, WorkerMode } from '../../clients/ts/src/index.js';
import type { RunEvent } from '../../clients/ts/src/index.js';

interface Flags {
  input?: string;
  stream?: boolean;
  session?: string;
  config?: string;
  address?: string;
}

function parseJson(flag: string, text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`--${flag} is not valid JSON: ${text}`);
  }
}

export function describeEvent(event: RunEvent): string {
  const at = event.time?.slice(11, 23) ?? '';
  if (event.runStarted) return `${at} run started      ${event.runId} agent=${event.runStarted.agent} session=${event.runStarted.sessionId}`;
  if (event.workerStarted) {
    const p = event.workerStarted.placement;
    return `${at} worker started   ${event.workerStarted.worker} (step ${event.workerStarted.superstep}, ${WorkerMode[p?.mode ?? 0]?.replace('WORKER_MODE_', '').toLowerCase()}, pid ${p?.pid}${p?.threadId ? ` thread ${p.threadId}` : ''})`;
  }
  if (event.workerFinished) {
    const f = event.workerFinished;
    const result = f.error ? `FAILED ${f.error.message}` : JSON.stringify(f.output);
    return `${at} worker finished  ${f.worker} (${f.durationMs.toFixed(1)} ms) ${result}`;
  }
  if (event.custom) return `${at} event            ${event.custom.worker}: ${event.custom.name} ${JSON.stringify(event.custom.data)}`;
  if (event.runFinished) {
    const f = event.runFinished;
    return f.error ? `${at} run ${statusWord(f.status)} ${f.error.message}` : `${at} run succeeded    ${JSON.stringify(f.output)}`;
  }
  return JSON.stringify(event);
}

function statusWord(status: number): string {
  return status === 6 ? 'cancelled' : 'failed   ';
}

export async function invokeCommand(command: string, positionals: string[], flags: Flags): Promise<number> {
  const client = new AgentdClient(flags.address ?? `localhost:${process.env.AGENTD_PORT || 50051}`);
  try {
    if (command === 'agents') {
      for (const agent of await client.listAgents()) {
        const workers = agent.workers.map((w) => `${w.name}[${WorkerMode[w.mode].replace('WORKER_MODE_', '').toLowerCase()}]`).join(' ');
        console.log(`${agent.name.padEnd(16)} ${agent.description}\n${''.padEnd(16)} workers: ${workers}`);
      }
      return 0;
    }
    const agent = positionals[0];
    if (!agent) throw new Error('usage: agentd invoke AGENT --input JSON');
    const options = { sessionId: flags.session, config: (flags.config === undefined ? undefined : parseJson('config', flags.config)) as Record<string, unknown> | undefined };
    const input = parseJson('input', flags.input);
    if (flags.stream) {
      let failed = false;
      for await (const event of client.stream(agent, input, options)) {
        console.log(describeEvent(event));
        if (event.runFinished?.error) failed = true;
      }
      return failed ? 1 : 0;
    }
    const run = await client.invoke(agent, input, options);
    console.log(JSON.stringify(run.output, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof RunFailedError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    client.close();
  }
}
