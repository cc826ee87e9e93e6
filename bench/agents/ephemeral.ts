// Ephemeral agents for measuring the runtime itself: no database work, only scheduling, dispatch and gRPC.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent } from 'agentd';

export const noop = defineAgent('bench-noop', (g) => void g.worker('echo', (input) => input), { durability: 'ephemeral' });

export const diamond = defineAgent(
  'bench-diamond-ephemeral',
  (g) => {
    g.worker('w0', async ({ x }: { x: number }) => x + 1);
    g.worker('w1', async (n: number) => n * 2, { after: 'w0' });
    g.worker('w2', async (n: number) => n * 3, { after: 'w0' });
    g.worker('summary', async ({ w1, w2 }: { w1: number; w2: number }) => `w1=${w1}, w2=${w2}`, { after: ['w1', 'w2'] });
  },
  { durability: 'ephemeral' },
);

/** Three sequential 50 ms awaits, like three tool calls: the ideal latency is 150 ms. */
export const fanout = defineAgent(
  'bench-io',
  (g) => {
    g.worker('call1', async (input: unknown) => (await sleep(50), input));
    g.worker('call2', async (input: unknown) => (await sleep(50), input), { after: 'call1' });
    g.worker('call3', async (input: unknown) => (await sleep(50), input), { after: 'call2' });
  },
  { durability: 'ephemeral' },
);
