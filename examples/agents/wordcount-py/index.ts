// A worker written in Python, run as a process worker over the stdio protocol (docs/worker-protocol.md).
import { fileURLToPath } from 'node:url';
import { defineAgent } from 'agentd';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineAgent(
  'wordcount-py',
  (g) => {
    g.worker('count', { command: ['python3', '-m', 'agentd.worker', 'wordcount:count'], cwd: here });
    g.worker('report', (r: { words: number; most_common: string[] }) => `${r.words} words; most common: ${r.most_common.join(', ')}`, { after: 'count' });
  },
  {
    description: 'counts words in a Python process worker, then reports in TypeScript',
    validateInput: (input) => (typeof input === 'string' ? undefined : 'expected a string of text'),
  },
);
