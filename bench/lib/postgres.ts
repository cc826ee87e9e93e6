// The benchmark's own throw-away PostgreSQL cluster (the same helper the tests use), started once per bench run.
import { createDatabase, startCluster, stopCluster, type ClusterInfo } from '../../test/support/postgres-cluster.js';

let cluster: Promise<ClusterInfo> | undefined;

export async function benchDatabase(prefix: string): Promise<string> {
  cluster ??= startCluster();
  return createDatabase(await cluster, prefix);
}

export async function stopBenchPostgres(): Promise<void> {
  if (cluster) await stopCluster(await cluster);
}
