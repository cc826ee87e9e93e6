// The raw baseline for cpu-scaling: the same prime counting in a bare piscina task.
import { countPrimes } from '../../examples/agents/primes/primes.worker.ts';

export default function primes(below) {
  return countPrimes({ below });
}
