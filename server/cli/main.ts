// `agentd` command line: serve the daemon, or call a running one.
import { parseArgs } from 'node:util';
import { feedbackCommand } from './feedback-command.js';
import { invokeCommand } from './invoke-command.js';
import { serveCommand } from './serve-command.js';

const USAGE = `usage:
  agentd serve [--agents DIR]... [--port PORT] [--host HOST]
  agentd invoke AGENT [--input JSON] [--stream] [--session ID] [--config JSON] [--address HOST:PORT]
  agentd agents [--address HOST:PORT]
  agentd feedback [--agent NAME] [--session ID] [--address HOST:PORT]     answer feedback requests interactively
  agentd feedback --answer REQUEST_ID --data JSON [--address HOST:PORT]   answer one request`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      agents: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      input: { type: 'string' },
      stream: { type: 'boolean' },
      session: { type: 'string' },
      config: { type: 'string' },
      address: { type: 'string' },
      agent: { type: 'string' },
      answer: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'serve':
      return serveCommand({ agents: values.agents, port: values.port, host: values.host });
    case 'feedback':
      return feedbackCommand(values);
    case 'invoke':
    case 'agents':
      return invokeCommand(command, positionals, values);
    default:
      console.error(`unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

// Output piped into a reader that stops early (`agentd agents | head`) ends the command quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
