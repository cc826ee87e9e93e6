// The seed diamond with no sleeps: w0 -> (w1 || w2) -> summary, so a benchmark measures the runtime, not timers.
import { defineAgent } from 'agentd';

export default defineAgent('bench-diamond', (g) => {
  g.worker('w0', async ({ x }: { x: number }) => x + 1);
  g.worker('w1', async (n: number) => n * 2, { after: 'w0' });
  g.worker('w2', async (n: number) => n * 3, { after: 'w0' });
  g.worker('summary', async ({ w1, w2 }: { w1: number; w2: number }) => `w1=${w1}, w2=${w2}`, { after: ['w1', 'w2'] });
});
