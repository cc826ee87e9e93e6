// Dynamic topology: the triage worker picks the next worker at run time with ctx.ferryTo.
import { defineAgent } from 'agentd';

export default defineAgent(
  'router',
  (g) => {
    g.worker('triage', (input: { text: string }, ctx) => {
      ctx.ferryTo(/\?\s*$/.test(input.text) ? 'answer' : 'acknowledge', input.text);
      return { routed: true };
    });
    g.worker('answer', (text: string) => `Answering the question: ${text}`, { after: 'triage' });
    g.worker('acknowledge', (text: string) => `Noted: ${text}`, { after: 'triage' });
  },
  { description: 'routes a message to answer (questions) or acknowledge (statements) with ctx.ferryTo' },
);
