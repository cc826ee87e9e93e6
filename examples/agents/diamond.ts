// The seed example: w0 -> (w1 || w2) -> summary, where summary receives both branch results.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent } from 'agentd';

export default defineAgent(
  'diamond',
  (g) => {
    g.worker('w0', async ({ x }: { x: number }) => x + 1);
    g.worker('w1', async (n: number, ctx) => (await sleep(100, undefined, { signal: ctx.signal }), n * 2), { after: 'w0' });
    g.worker('w2', async (n: number, ctx) => (await sleep(100, undefined, { signal: ctx.signal }), n * 3), { after: 'w0' });
    g.worker('summary', async ({ w1, w2 }: { w1: number; w2: number }) => `w1=${w1}, w2=${w2}, total=${w1 + w2}`, { after: ['w1', 'w2'] });
  },
  {
    description: 'w0 -> (w1 || w2) -> summary: a fan-out of two 100 ms branches joined by a summary',
    validateInput: (input) => (typeof (input as { x?: unknown })?.x === 'number' ? undefined : 'expected an object like {"x": 1}'),
  },
);
