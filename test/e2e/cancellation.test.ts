// A client that disconnects, or whose deadline passes, cancels its run; the worker's signal aborts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStatus, status } from '../../clients/ts/src/index.js';
import { expectStatus } from '../support/expect-status.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemon();
});
afterAll(async () => {
  await daemon?.stop();
});

async function onlyRunOf(sessionId: string) {
  const { runs } = await daemon.client.listRuns({ sessionId });
  expect(runs).toHaveLength(1);
  return daemon.client.wait(runs[0].id, 5000);
}

describe('cancellation', () => {
  it('cancels a streamed run when the client stops reading and disconnects', async () => {
    const sessionId = `disconnect-${Date.now()}`;
    let ticks = 0;
    for await (const event of daemon.client.stream('slow', { ms: 30_000 }, { sessionId })) {
      if (event.custom?.name === 'tick' && ++ticks === 3) break; // leaving the loop cancels the call
    }
    const run = await onlyRunOf(sessionId);
    expect(run.status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    expect(run.error).toMatchObject({ code: 'cancelled', message: 'cancelled: the client disconnected' });
  });

  it('cancels an invoked run when the client aborts the call', async () => {
    const sessionId = `abort-${Date.now()}`;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    await expectStatus(daemon.client.invoke('slow', { ms: 30_000 }, { sessionId, signal: abort.signal }), status.CANCELLED);
    const run = await onlyRunOf(sessionId);
    expect(run.status).toBe(RunStatus.RUN_STATUS_CANCELLED);
  });

  it('cancels an invoked run when the call deadline passes', async () => {
    const sessionId = `deadline-${Date.now()}`;
    await expectStatus(daemon.client.invoke('slow', { ms: 30_000 }, { sessionId, timeoutMs: 400 }), status.DEADLINE_EXCEEDED);
    const run = await onlyRunOf(sessionId);
    expect(run.status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    expect(run.error?.code).toBe('deadline_exceeded');
  });

  it('cancels a streamed run when the stream deadline passes', async () => {
    const sessionId = `stream-deadline-${Date.now()}`;
    const events = (async () => {
      for await (const _ of daemon.client.stream('slow', { ms: 30_000 }, { sessionId, timeoutMs: 400 }));
    })();
    await expectStatus(events, status.DEADLINE_EXCEEDED);
    const run = await onlyRunOf(sessionId);
    expect(run.error?.code).toBe('deadline_exceeded');
  });

  it('does not cancel a submitted run when the submitting client goes away', async () => {
    const run = await daemon.client.submit('slow', { ms: 300 });
    const finished = await daemon.client.wait(run.id, 5000);
    expect(finished.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
  });
});
