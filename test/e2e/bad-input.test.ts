// Every kind of bad request gets a clear status and message, and the daemon keeps serving.
import path from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status } from '../../clients/ts/src/index.js';
import { expectStatus } from '../support/expect-status.js';
import { repoRoot, startDaemon, type DaemonProcess } from '../support/daemon-process.js';

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemon({ env: { AGENTD_MAX_MESSAGE_BYTES: String(64 * 1024) } });
});
afterAll(async () => {
  await daemon?.stop();
});
afterEach(async () => {
  // Whatever the previous request did, the daemon still answers.
  expect((await daemon.client.invoke('echo', 'ok')).output).toBe('ok');
});

describe('bad input', () => {
  it('unknown agent: NOT_FOUND naming the known agents', async () => {
    await expectStatus(daemon.client.invoke('no-such-agent', {}), status.NOT_FOUND, /agent 'no-such-agent' is not registered; known agents: .*diamond.*echo/);
    await expectStatus(daemon.client.submit('no-such-agent', {}), status.NOT_FOUND, /known agents/);
  });

  it('unknown agent on Stream: NOT_FOUND before any event', async () => {
    const stream = (async () => {
      for await (const _ of daemon.client.stream('no-such-agent', {}));
    })();
    await expectStatus(stream, status.NOT_FOUND, /known agents/);
  });

  it('missing agent name: INVALID_ARGUMENT', async () => {
    await expectStatus(daemon.client.invoke('', {}), status.INVALID_ARGUMENT, /agent is required/);
  });

  it('malformed session id: INVALID_ARGUMENT saying what a session id may contain', async () => {
    await expectStatus(daemon.client.invoke('echo', 1, { sessionId: 'has spaces and /slashes' }), status.INVALID_ARGUMENT, /session_id .* is not valid: use 1-128 characters/);
    await expectStatus(daemon.client.invoke('echo', 1, { sessionId: 'x'.repeat(129) }), status.INVALID_ARGUMENT, /session_id/);
  });

  it('input the agent rejects: INVALID_ARGUMENT with the agent’s reason', async () => {
    await expectStatus(daemon.client.invoke('diamond', { y: 1 }), status.INVALID_ARGUMENT, /input for agent 'diamond' is not valid: expected an object like \{"x": 1\}/);
  });

  it('input larger than the configured limit: RESOURCE_EXHAUSTED', async () => {
    await expectStatus(daemon.client.invoke('echo', 'x'.repeat(100 * 1024)), status.RESOURCE_EXHAUSTED, /larger than max/);
  });

  it('malformed run id: INVALID_ARGUMENT; unknown run id: NOT_FOUND', async () => {
    await expectStatus(daemon.client.getRun('not-a-run'), status.INVALID_ARGUMENT, /is not a run id/);
    await expectStatus(daemon.client.getRun(''), status.INVALID_ARGUMENT, /run_id is required/);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expectStatus(daemon.client.getRun(unknown), status.NOT_FOUND, /run '00000000-0000-4000-8000-000000000000' does not exist/);
    await expectStatus(daemon.client.wait(unknown), status.NOT_FOUND);
    await expectStatus(daemon.client.cancel(unknown), status.NOT_FOUND);
  });

  it('bad paging: INVALID_ARGUMENT', async () => {
    await expectStatus(daemon.client.listRuns({ pageSize: 5000 }), status.INVALID_ARGUMENT, /page_size 5000 is out of range/);
    await expectStatus(daemon.client.listRuns({ pageToken: 'garbage!' }), status.INVALID_ARGUMENT, /page_token/);
  });

  it('bad idempotency key: INVALID_ARGUMENT', async () => {
    await expectStatus(daemon.client.submit('echo', 1, { idempotencyKey: 'has space' }), status.INVALID_ARGUMENT, /idempotency_key/);
  });
});

describe('standard services', () => {
  const protoDirs = [path.join(repoRoot, 'node_modules/grpc-health-check/proto'), path.join(repoRoot, 'node_modules/@grpc/reflection/build/proto')];

  it('answers grpc.health.v1.Health/Check with SERVING', async () => {
    const pkg = loadPackageDefinition(loadSync('health/v1/health.proto', { includeDirs: protoDirs, enums: String })) as any;
    const health = new pkg.grpc.health.v1.Health(daemon.address, credentials.createInsecure());
    const check = (service: string) =>
      new Promise<any>((resolve, reject) => health.Check({ service }, (e: ServiceError | null, r: any) => (e ? reject(e) : resolve(r))));
    expect((await check('')).status).toBe('SERVING');
    expect((await check('agentd.v1.AgentRuntime')).status).toBe('SERVING');
    health.close();
  });

  it('lists its services over server reflection, as grpcurl list does', async () => {
    const pkg = loadPackageDefinition(loadSync('grpc/reflection/v1alpha/reflection.proto', { includeDirs: protoDirs })) as any;
    const reflection = new pkg.grpc.reflection.v1alpha.ServerReflection(daemon.address, credentials.createInsecure());
    const call = reflection.ServerReflectionInfo();
    const answer = new Promise<any>((resolve) => call.once('data', resolve));
    call.write({ listServices: '' });
    const services = (await answer).listServicesResponse.service.map((s: { name: string }) => s.name);
    call.end();
    reflection.close();
    expect(services).toEqual(expect.arrayContaining(['agentd.v1.AgentRuntime', 'grpc.health.v1.Health']));
  });
});
