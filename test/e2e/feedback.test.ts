// Human in the loop over the Feedback stream and AnswerFeedback: every mode, races, restarts, timeouts, cancellation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackOutcome, RunStatus, status, type FeedbackEvent, type FeedbackStream, type PendingFeedback } from '../../clients/ts/src/index.js';
import { collect, label } from '../support/collect.js';
import { expectStatus } from '../support/expect-status.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

/** Reads events from a Feedback stream until one matches. */
async function next<T>(iterator: AsyncIterator<FeedbackEvent>, pick: (e: FeedbackEvent) => T | undefined): Promise<T> {
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) throw new Error('feedback stream ended');
    const picked = pick(value);
    if (picked !== undefined) return picked;
  }
}

const requestOf = (e: FeedbackEvent) => ('request' in e ? e.request : undefined);

let daemon: DaemonProcess;
const counterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-feedback-'));
beforeAll(async () => {
  daemon = await startDaemon({ env: { AGENTD_TEST_COUNTER_DIR: counterDir, AGENTD_FEEDBACK_HEARTBEAT_MS: '300' } });
});
afterAll(async () => {
  await daemon?.stop();
});

async function waitingRequest(stream: FeedbackStream, runId: string): Promise<PendingFeedback> {
  return next(stream[Symbol.asyncIterator](), (e) => (requestOf(e)?.runId === runId ? requestOf(e) : undefined));
}

describe('asking and answering', () => {
  it.each([
    ['ask-async', 'ask', undefined],
    ['ask-thread', 'ask', 'thread'],
    ['ask-process', 'ask', 'process'],
  ])('%s: the worker asks, the run waits, the answer resumes it', async (agent, worker, where) => {
    const stream = daemon.client.openFeedback({ agents: [agent], clientName: 'reviewer' });
    const run = await daemon.client.submit(agent, { topic: 'the launch' });
    const request = await waitingRequest(stream, run.id);
    expect(request).toMatchObject({ runId: run.id, sessionId: run.sessionId, agent, worker });
    expect(request.payload).toMatchObject({ question: 'ok to publish the launch?' });
    expect((await daemon.client.getRun(run.id)).status).toBe(RunStatus.RUN_STATUS_WAITING_FEEDBACK);

    stream.answer(request.requestId, { approved: true });
    const result = await next(stream[Symbol.asyncIterator](), (e) => ('answerResult' in e ? e.answerResult : undefined));
    expect(result).toMatchObject({ requestId: request.requestId, accepted: true });
    const finished = await daemon.client.wait(run.id, 10_000);
    expect(finished.status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    expect(finished.output).toMatchObject(where ? { where, answer: { approved: true } } : { topic: 'the launch', answer: { approved: true } });
    stream.close();
  });

  it('shows the question and its answer on the run’s event stream', async () => {
    const stream = daemon.client.openFeedback({ agents: ['ask-async'] });
    const answering = (async () => {
      const request = await next(stream[Symbol.asyncIterator](), requestOf);
      await daemon.client.answerFeedback(request.requestId, 'yes', 'unary-bot');
    })();
    const labels = (await collect(daemon.client.stream('ask-async', { topic: 'x' }))).map((e) => (e.feedbackRequested ? 'feedback_requested' : e.feedbackResolved ? 'feedback_resolved' : label(e)));
    await answering;
    stream.close();
    expect(labels.indexOf('feedback_requested')).toBeGreaterThan(labels.indexOf('worker_started:ask'));
    expect(labels.indexOf('feedback_resolved')).toBe(labels.indexOf('feedback_requested') + 1);
    expect(labels.at(-1)).toBe('run_finished');
  });

  it('two subscribers race: exactly one answer is applied, both hear it was resolved', async () => {
    const alice = daemon.client.openFeedback({ agents: ['ask-async'], clientName: 'alice' });
    const bob = daemon.client.openFeedback({ agents: ['ask-async'], clientName: 'bob' });
    const run = await daemon.client.submit('ask-async', { topic: 'race' });
    const [a, b] = await Promise.all([waitingRequest(alice, run.id), waitingRequest(bob, run.id)]);
    expect(a.requestId).toBe(b.requestId);
    alice.answer(a.requestId, 'from alice');
    bob.answer(b.requestId, 'from bob');
    const results = await Promise.all(
      [alice, bob].map((s) => next(s[Symbol.asyncIterator](), (e) => ('answerResult' in e ? e.answerResult : undefined))),
    );
    expect(results.filter((r) => r.accepted)).toHaveLength(1);
    const loser = results.find((r) => !r.accepted)!;
    expect(loser.code).toBe(status.FAILED_PRECONDITION);
    const winner = results[0].accepted ? 'alice' : 'bob';
    expect(loser.message).toContain(`already answered by ${winner}`);
    expect((await daemon.client.wait(run.id, 10_000)).output.answer).toBe(`from ${winner}`);
    await expectStatus(daemon.client.answerFeedback(a.requestId, 'late'), status.FAILED_PRECONDITION, new RegExp(`already answered by ${winner}`));
    alice.close();
    bob.close();
  });

  it('a reconnecting client gets the requests still pending', async () => {
    const first = daemon.client.openFeedback({ agents: ['ask-async'] });
    const run = await daemon.client.submit('ask-async', { topic: 'reconnect' });
    const request = await waitingRequest(first, run.id);
    first.close();
    const again = daemon.client.openFeedback({ runIds: [run.id] });
    expect((await waitingRequest(again, run.id)).requestId).toBe(request.requestId);
    again.answer(request.requestId, 'ok');
    expect((await daemon.client.wait(run.id, 10_000)).status).toBe(RunStatus.RUN_STATUS_SUCCEEDED);
    again.close();
  });

  it('sends heartbeats on an idle stream', async () => {
    const stream = daemon.client.openFeedback({ runIds: ['00000000-0000-4000-8000-000000000000'] });
    const raw = (stream as unknown as { call: AsyncIterable<{ heartbeat?: object }> }).call;
    for await (const message of raw) if (message.heartbeat) break;
    stream.close();
  });
});

describe('timeouts and cancellation', () => {
  it('fails the run with a clear message when nobody answers in time', async () => {
    const stream = daemon.client.openFeedback({ agents: ['ask-timeout'] });
    const run = await daemon.client.submit('ask-timeout', null);
    const request = await waitingRequest(stream, run.id);
    const resolved = await next(stream[Symbol.asyncIterator](), (e) => ('resolved' in e && e.resolved.requestId === request.requestId ? e.resolved : undefined));
    expect(resolved.outcome).toBe(FeedbackOutcome.FEEDBACK_OUTCOME_EXPIRED);
    const finished = await daemon.client.wait(run.id, 10_000);
    expect(finished.status).toBe(RunStatus.RUN_STATUS_FAILED);
    expect(finished.error?.message).toMatch(/feedback request .* from worker 'ask' timed out after \d+ ms without an answer/);
    await expectStatus(daemon.client.answerFeedback(request.requestId, 'too late'), status.FAILED_PRECONDITION, /expired/);
    stream.close();
  });

  it('lets the worker handle the timeout', async () => {
    expect((await daemon.client.invoke('ask-timeout-handled', null)).output).toBe('carried on without an answer');
  });

  it('cancelling the run withdraws its request from every subscriber', async () => {
    const stream = daemon.client.openFeedback({ agents: ['ask-async'] });
    const run = await daemon.client.submit('ask-async', { topic: 'withdraw' });
    const request = await waitingRequest(stream, run.id);
    await daemon.client.cancel(run.id);
    const resolved = await next(stream[Symbol.asyncIterator](), (e) => ('resolved' in e && e.resolved.requestId === request.requestId ? e.resolved : undefined));
    expect(resolved.outcome).toBe(FeedbackOutcome.FEEDBACK_OUTCOME_WITHDRAWN);
    expect((await daemon.client.wait(run.id, 10_000)).status).toBe(RunStatus.RUN_STATUS_CANCELLED);
    await expectStatus(daemon.client.answerFeedback(request.requestId, 'too late'), status.FAILED_PRECONDITION, /withdrawn/);
    stream.close();
  });
});

describe('bad input', () => {
  it('gets a clear status and does not disturb the waiting run', async () => {
    const stream = daemon.client.openFeedback({ agents: ['ask-async'] });
    const run = await daemon.client.submit('ask-async', { topic: 'bad input' });
    const request = await waitingRequest(stream, run.id);

    await expectStatus(daemon.client.answerFeedback('00000000-0000-4000-8000-000000000000', 1), status.NOT_FOUND, /does not exist/);
    await expectStatus(daemon.client.answerFeedback('not-an-id', 1), status.INVALID_ARGUMENT, /is not a feedback request id/);
    await expectStatus(daemon.client.answerFeedback('', 1), status.INVALID_ARGUMENT, /request_id is required/);
    stream.answer('00000000-0000-4000-8000-000000000000', 'x');
    const refused = await next(stream[Symbol.asyncIterator](), (e) => ('answerResult' in e ? e.answerResult : undefined));
    expect(refused).toMatchObject({ accepted: false, code: status.NOT_FOUND });

    const badSubscribe = daemon.client.openFeedback({ runIds: ['not-a-run'] });
    await expectStatus(
      (async () => {
        for await (const _ of badSubscribe);
      })(),
      status.INVALID_ARGUMENT,
      /is not a run id/,
    );

    expect((await daemon.client.getRun(run.id)).status).toBe(RunStatus.RUN_STATUS_WAITING_FEEDBACK);
    await daemon.client.answerFeedback(request.requestId, 'fine', 'unary');
    await expectStatus(daemon.client.answerFeedback(request.requestId, 'again'), status.FAILED_PRECONDITION, /already answered by unary/);
    expect((await daemon.client.wait(run.id, 10_000)).output).toEqual({ topic: 'bad input', answer: 'fine' });
    stream.close();
  });
});

describe('durability', () => {
  it('a run waiting for feedback survives a daemon kill and finishes with the answer given afterwards', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentd-feedback-restart-'));
    const env = { AGENTD_TEST_COUNTER_DIR: counterDir };
    const first = await startDaemon({ dataDir, env });
    const stream = first.client.openFeedback({ agents: ['ask-async'] });
    const run = await first.client.submit('ask-async', { topic: 'restart' });
    const request = await waitingRequest(stream, run.id);
    await sleep(300); // the question is written in the background
    await first.kill('SIGKILL');

    const second = await startDaemon({ dataDir, env });
    try {
      const again = second.client.openFeedback({ agents: ['ask-async'], clientName: 'after-restart' });
      const pending = await waitingRequest(again, run.id);
      expect(pending.requestId).toBe(request.requestId);
      again.answer(pending.requestId, 'answered after the restart');
      const finished = await second.client.wait(run.id, 10_000);
      expect(finished).toMatchObject({ status: RunStatus.RUN_STATUS_SUCCEEDED, output: { topic: 'restart', answer: 'answered after the restart' } });
      // 'prepare' finished (and was checkpointed) before the question: it did not run again.
      expect(fs.readFileSync(path.join(counterDir, `prepare-${run.id}`), 'utf8')).toBe('ran\n');
      again.close();
    } finally {
      await second.stop();
    }
  });
});

describe('agentd feedback (CLI)', () => {
  it('shows a request and sends the answer typed on its input', async () => {
    const { spawn } = await import('node:child_process');
    const run = await daemon.client.submit('approval', { topic: 'the refund' });
    const cli = spawn(path.join(process.cwd(), 'bin/agentd'), ['feedback', '--agent', 'approval', '--address', daemon.address], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve) =>
      cli.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('answer (JSON)>')) resolve();
      }),
    );
    expect(output).toContain(`from approval/review (run ${run.id}`);
    expect(output).toContain('Approve this draft?');
    cli.stdin.write('{"approved": false, "notes": "mention the amount"}\n');
    const finished = await daemon.client.wait(run.id, 10_000);
    cli.stdin.end();
    cli.kill();
    expect(finished.output).toEqual({ status: 'revised', text: 'Dear customer, about the refund: we are on it and will write again within a day. (revised: mention the amount)' });
  });
});
