// Closed-loop load: `concurrency` callers issue `total` calls between them; returns calls per second.
export async function throughput(total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await call(next++);
    }),
  );
  return (total * 1000) / (performance.now() - start);
}
