// Measures two loads in the same run: one warm-up each, then `rounds` alternating rounds, so drift hits both alike.
import { median } from './stats.js';

export async function interleave(rounds: number, ours: () => Promise<number>, theirs: () => Promise<number>): Promise<{ ours: number[]; theirs: number[]; ratio: number }> {
  await ours();
  await theirs();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await ours());
    b.push(await theirs());
  }
  return { ours: a, theirs: b, ratio: median(a) / median(b) };
}
