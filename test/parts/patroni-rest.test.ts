import { describe, expect, it } from 'vitest';
import { PatroniRestCalls, REST_TIMEOUT_TIMER, type PatroniFailsafeReply, type PatroniQuery, type PatroniStatusReply } from '../../src/parts/patroni-rest.ts';
import type { MemberStatus } from '../../src/parts/patroni-sync.ts';
import type { Msg } from '../../src/world/actor.ts';
import { harness, LINK_US, MS, SECOND } from './harness.ts';

/**
 * Node a queries b and c; b and c answer as `answer` says (undefined: they stay silent).
 * Each result is [answers, allOk, virtual time].
 */
function cluster(answer: (node: string, q: PatroniQuery) => PatroniStatusReply | PatroniFailsafeReply | undefined) {
  let rest!: PatroniRestCalls;
  const h = harness(['a', 'b', 'c'], (ctx) => {
    if (ctx.id === 'a') rest = new PatroniRestCalls(ctx);
    return {
      onStart: () => {},
      onMessage: (from: string, msg: Msg) => {
        if (ctx.id === 'a') return rest.onReply(from, msg as PatroniStatusReply | PatroniFailsafeReply);
        const reply = answer(ctx.id, msg as PatroniQuery);
        if (reply) ctx.send(from, reply);
      },
      onTimer: (kind: string, data: unknown) => kind === REST_TIMEOUT_TIMER && rest.finish(data as number),
    };
  });
  h.runUntil(SECOND);
  const results: [MemberStatus[], boolean, number][] = [];
  const ask = (members: string[], type: PatroniQuery['type'] = 'patroni-status') => rest.query(members, type, (answers, ok) => results.push([answers, ok, h.sim.now]));
  return { rest: () => rest, results, ask, at: (t: number) => h.runUntil(t) };
}

const status = (node: string, q: PatroniQuery): PatroniStatusReply => ({ type: 'patroni-status-reply', queryId: q.queryId, role: node === 'b' ? 'primary' : 'replica', walBytes: node === 'b' ? 10 : 5 });

describe("Patroni's REST calls to the other members (PatroniRestCalls)", () => {
  it('ends when every member answered, one round trip later, with every answer', () => {
    const { results, ask, at } = cluster(status);
    ask(['b', 'c']);
    at(SECOND + 10 * MS);
    expect(results).toEqual([[[{ node: 'b', role: 'primary', walBytes: 10 }, { node: 'c', role: 'replica', walBytes: 5 }], true, SECOND + 2 * LINK_US]]);
  });
  it('asking nobody ends at once, all ok', () => {
    const { results, ask } = cluster(status);
    ask([]);
    expect(results).toEqual([[[], true, SECOND]]);
  });
  it('a silent member ends the query at the 2 s timeout, not ok, with the answers it had', () => {
    const { results, ask, at } = cluster((node, q) => (node === 'b' ? status(node, q) : undefined));
    ask(['b', 'c']);
    at(SECOND + 2 * SECOND - 1);
    expect(results).toEqual([]);
    at(SECOND + 2 * SECOND);
    expect(results).toEqual([[[{ node: 'b', role: 'primary', walBytes: 10 }], false, 3 * SECOND]]);
  });
  it('a refused member (its Patroni gone) ends the query at once, not ok', () => {
    const { rest, results, ask, at } = cluster((node, q) => (node === 'b' ? status(node, q) : undefined));
    ask(['b', 'c']);
    at(SECOND + 10 * MS);
    rest().refuse('c');
    expect(results.map(([answers, ok]) => [answers.length, ok])).toEqual([[1, false]]);
    at(4 * SECOND); // the timeout of a finished query does nothing
    expect(results).toHaveLength(1);
  });
  it('a failsafe POST is ok only if every member accepts it', () => {
    const { results, ask, at } = cluster((node, q) => ({ type: 'patroni-failsafe-reply', queryId: q.queryId, ok: node === 'b' }));
    ask(['b', 'c'], 'patroni-failsafe');
    at(SECOND + 10 * MS);
    expect(results).toEqual([[[], false, SECOND + 2 * LINK_US]]);
  });
  it("a query outstanding when Patroni dies never calls back, and a late answer is ignored", () => {
    const { rest, results, ask, at } = cluster(status);
    ask(['b', 'c']);
    rest().clear();
    at(4 * SECOND);
    expect(results).toEqual([]);
  });
});
