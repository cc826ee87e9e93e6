// The smallest agent: one worker that returns its input. Used to measure the runtime's own overhead.
import { defineAgent } from 'agentd';

export default defineAgent('echo', (g) => void g.worker('echo', (input) => input), { description: 'returns its input unchanged' });
