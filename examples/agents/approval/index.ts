// Human in the loop: draft a reply, ask a human to approve it, then publish it or revise with their notes.
// Answer with `bin/agentd feedback` (or any client's Feedback stream) with {"approved": true} or {"approved": false, "notes": "..."}.
import { defineAgent } from 'agentd';

interface Verdict {
  approved: boolean;
  notes?: string;
}

export default defineAgent(
  'approval',
  (g) => {
    g.worker('draft', ({ topic }: { topic: string }) => `Dear customer, about ${topic}: we are on it and will write again within a day.`);
    g.worker(
      'review',
      async (draft: string, ctx) => {
        const verdict = await ctx.requestFeedback<Verdict>({ question: 'Approve this draft?', draft, answer: '{"approved": true} or {"approved": false, "notes": "..."}' });
        return { draft, verdict };
      },
      { after: 'draft' },
    );
    g.worker('publish', ({ draft, verdict }: { draft: string; verdict: Verdict }) =>
      verdict.approved ? { status: 'published', text: draft } : { status: 'revised', text: `${draft} (revised: ${verdict.notes ?? 'no notes'})` },
    { after: 'review' });
  },
  {
    description: 'drafts a reply, asks a human to approve it (Feedback), then publishes or revises it',
    validateInput: (input) => (typeof (input as { topic?: unknown })?.topic === 'string' ? undefined : 'expected {"topic": "..."}'),
  },
);
