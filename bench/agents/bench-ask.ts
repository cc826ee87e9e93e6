// Asks for feedback once and returns how long, in ms, the worker waited from asking to resuming.
import { defineAgent } from 'agentd';

export default defineAgent('bench-ask', (g) => {
  g.worker('ask', async (_input, ctx) => {
    const asked = performance.now();
    await ctx.requestFeedback('ping');
    return performance.now() - asked;
  });
});
