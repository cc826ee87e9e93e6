// feedback-roundtrip: from a worker asking to the worker resuming, with a client answering at once over the
// Feedback stream; next to a plain unary gRPC round trip (GetRun of a run held in memory) in the same run.
import { exampleAgents } from '../../test/support/daemon-process.js';
import { benchDatabase } from '../lib/postgres.js';
import { startBenchDaemon } from '../lib/processes.js';
import type { Scenario } from '../lib/scenario.js';
import { median, spread } from '../lib/stats.js';
import { benchAgents } from './durable-diamond.js';

export const feedbackRoundtrip: Scenario = {
  name: 'feedback-roundtrip',
  description: 'worker asks -> client answers on the bidi stream -> worker resumes, vs one unary gRPC round trip',
  async run({ quick, rounds }) {
    // PostgreSQL, as in production: with embedded PGlite the database work shares the main loop with the answer.
    const daemon = await startBenchDaemon({ agents: [exampleAgents, benchAgents], databaseUrl: await benchDatabase('agentd_feedback') });
    const handler = daemon.client.handleFeedback(() => 'pong', { agents: ['bench-ask'] });
    try {
      const asks = quick ? 40 : 150;
      const known = await daemon.client.invoke('echo', 1);
      const waits: number[] = [];
      const unary: number[] = [];
      for (let r = 0; r < rounds + 1; r++) {
        const roundWaits: number[] = [];
        for (let i = 0; i < asks; i++) roundWaits.push((await daemon.client.invoke('bench-ask', null)).output as number);
        const roundUnary: number[] = [];
        for (let i = 0; i < asks; i++) {
          const start = performance.now();
          await daemon.client.getRun(known.id);
          roundUnary.push(performance.now() - start);
        }
        if (r === 0) continue; // warm-up
        waits.push(median(roundWaits));
        unary.push(median(roundUnary));
      }
      const ratio = median(waits) / median(unary);
      return [
        {
          scenario: 'feedback-roundtrip',
          agentd: `${spread(waits, 2)} ms ask→resume`,
          comparison: `unary GetRun ${spread(unary, 2)} ms`,
          ratio,
          target: '<= 3x',
          pass: ratio <= 3,
          notes: `median of ${asks} sequential asks per round, on PostgreSQL; the worker itself times ask to resume`,
        },
      ];
    } finally {
      handler.stop();
      await daemon.stop();
    }
  },
};
