// Superstep planning: fan-out, fan-in joins across supersteps, ferryTo replacing static edges, run output.
import { describe, expect, it } from 'vitest';
import { AgentGraph, toWorkerDefinition } from '../../server/runtime/agent-graph.js';
import { advance, initialProgress, runOutput } from '../../server/runtime/frontier.js';

const noop = () => null;
const w = (name: string, after?: string | string[]) => toWorkerDefinition(name, noop, { after });
const done = (worker: string, output: unknown, ferried: { worker: string; input: unknown }[] = []) => ({ worker, output, ferried });

describe('frontier planning', () => {
  const diamond = new AgentGraph('diamond', [w('w0'), w('w1', 'w0'), w('w2', 'w0'), w('summary', ['w1', 'w2'])]);

  it('starts every start worker with the run input', () => {
    const graph = new AgentGraph('two-starts', [w('a'), w('b'), w('c', ['a', 'b'])]);
    expect(initialProgress(graph, 7).frontier).toEqual([{ worker: 'a', input: 7 }, { worker: 'b', input: 7 }]);
  });

  it('fans out to both branches, then joins them into one task keyed by predecessor', () => {
    let p = advance(diamond, initialProgress(diamond, 1), [done('w0', 2)]);
    expect(p.frontier).toEqual([{ worker: 'w1', input: 2 }, { worker: 'w2', input: 2 }]);
    p = advance(diamond, p, [done('w1', 4), done('w2', 6)]);
    expect(p.frontier).toEqual([{ worker: 'summary', input: { w1: 4, w2: 6 } }]);
    expect(p.joins).toEqual({});
    p = advance(diamond, p, [done('summary', 'ok')]);
    expect(p.frontier).toEqual([]);
    expect(p.superstep).toBe(3);
    expect(runOutput(diamond, p)).toBe('ok');
  });

  it('holds a join open across supersteps until every predecessor has arrived', () => {
    // a -> slowPath1 -> slowPath2 -> join ; a -> join
    const graph = new AgentGraph('uneven', [w('a'), w('p1', 'a'), w('p2', 'p1'), w('join', ['a', 'p2'])]);
    let p = advance(graph, initialProgress(graph, 0), [done('a', 'A')]);
    expect(p.frontier).toEqual([{ worker: 'p1', input: 'A' }]);
    expect(p.joins).toEqual({ join: { a: 'A' } });
    p = advance(graph, p, [done('p1', 'P1')]);
    expect(p.frontier).toEqual([{ worker: 'p2', input: 'P1' }]);
    p = advance(graph, p, [done('p2', 'P2')]);
    expect(p.frontier).toEqual([{ worker: 'join', input: { a: 'A', p2: 'P2' } }]);
  });

  it('replaces static successors with ferryTo targets', () => {
    const graph = new AgentGraph('router', [w('triage'), w('yes', 'triage'), w('no', 'triage')]);
    const p = advance(graph, initialProgress(graph, 'q?'), [done('triage', null, [{ worker: 'yes', input: 'q?' }])]);
    expect(p.frontier).toEqual([{ worker: 'yes', input: 'q?' }]);
  });

  it('takes the last superstep’s outputs when the output worker never ran', () => {
    const graph = new AgentGraph('router', [w('triage'), w('yes', 'triage'), w('no', 'triage')], 'no');
    let p = advance(graph, initialProgress(graph, 1), [done('triage', null, [{ worker: 'yes', input: 1 }])]);
    p = advance(graph, p, [done('yes', 'Y')]);
    expect(runOutput(graph, p)).toBe('Y');
  });

  it('rejects graphs that cannot run, saying why', () => {
    expect(() => new AgentGraph('x', [w('a'), w('a')])).toThrow(/defined twice/);
    expect(() => new AgentGraph('x', [w('a'), w('b', 'ghost')])).toThrow(/runs after 'ghost', which is not a worker/);
    expect(() => new AgentGraph('x', [w('a', 'b'), w('b', 'a')])).toThrow(/no start worker/);
    expect(() => new AgentGraph('x', [])).toThrow(/no workers/);
    expect(() => toWorkerDefinition('f', noop, { mode: 'thread' })).toThrow(/must be given as \{ module, export \}/);
  });
});
