// The same CPU-bound worker in each execution mode: compare them with `make bench` (scenario cpu-scaling).
import { defineAgent, type WorkerMode } from 'agentd';
import { countPrimes } from './primes.worker.js';

const primesModule = { module: new URL('./primes.worker.ts', import.meta.url), export: 'countPrimes' };

function primesAgent(mode: WorkerMode) {
  return defineAgent(`primes-${mode}`, (g) => void g.worker('count', mode === 'async' ? countPrimes : primesModule, { mode }), {
    description: `counts primes below input.below in a ${mode} worker`,
    validateInput: (input) => (Number.isInteger((input as { below?: unknown })?.below) ? undefined : 'expected {"below": <integer>}'),
  });
}

export const primesAsync = primesAgent('async');
export const primesThread = primesAgent('thread');
export const primesProcess = primesAgent('process');
