// One PostgreSQL cluster for the whole test run; each test file creates its own database in it.
import type { TestProject } from 'vitest/node';
import { startCluster, stopCluster, type ClusterInfo } from './support/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ClusterInfo;
  }
}

let cluster: ClusterInfo | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startCluster();
  project.provide('postgres', cluster);
}

export async function teardown(): Promise<void> {
  if (cluster) await stopCluster(cluster);
}
