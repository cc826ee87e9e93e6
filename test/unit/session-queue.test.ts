// A session runs its turns one at a time, in the order they arrived, whatever becomes of each.
import { describe, expect, it } from 'vitest';
import { defineAgent } from '../../server/sdk/index.js';
import { SessionPool } from '../../server/runtime/session-pool.js';
import type { SessionRows } from '../../server/store/session-rows.js';

const agent = defineAgent('echo', (g) => void g.worker('echo', (input) => input));
// Sessions the daemon creates itself never touch the database.
const noDatabase = undefined as unknown as SessionRows;

describe('session run queue', () => {
  it('runs turns one at a time in arrival order, and a failing or throwing turn does not stall the ones behind it', async () => {
    const pool = new SessionPool(noDatabase, 20, 60_000, 0);
    const session = pool.create('s1', agent, {});
    const log: string[] = [];
    let running = 0;
    const turn = (name: string, ms: number, fail = false) => async () => {
      running++;
      log.push(`start ${name} (running ${running})`);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      log.push(`end ${name}`);
      if (fail) throw new Error(`${name} failed`);
    };
    const finished = new Promise<void>((resolve) => {
      pool.enqueue(session, turn('a', 30));
      pool.enqueue(session, turn('b', 5, true));
      pool.enqueue(session, () => {
        log.push('throw at once');
        throw new Error('thrown before any promise');
      });
      pool.enqueue(session, turn('c', 10));
      pool.enqueue(session, () => turn('d', 1)().then(resolve));
    });
    expect(session.busy).toBe(5);
    await finished;
    expect(log).toEqual(['start a (running 1)', 'end a', 'start b (running 1)', 'end b', 'throw at once', 'start c (running 1)', 'end c', 'start d (running 1)', 'end d']);
    await new Promise((r) => setImmediate(r));
    expect(session.busy).toBe(0);
    pool.close();
  });
});
