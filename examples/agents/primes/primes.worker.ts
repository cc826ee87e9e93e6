// CPU-bound work: counts the primes below input.below by trial division.
export function countPrimes(input: { below: number }): { below: number; primes: number } {
  let primes = 0;
  for (let n = 2; n < input.below; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes++;
  }
  return { below: input.below, primes };
}
