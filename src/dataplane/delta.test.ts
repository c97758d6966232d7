// delta() must turn the old table into the new one exactly: properties replay the
// transaction's element commands on the old elements and compare with the new plan's,
// for policy changes and for pod changes planned from the previous ruleset (where rows
// and arrays come back as the same objects and delta skips them); named cases pin the
// order (chains before the elements that use them, deletes before adds, chain removal
// last) and chunking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile } from '../engine/compile.ts';
import { clusterArb, policySetArb } from '../engine/random-policies.ts';
import { recompile } from '../engine/recompile.ts';
import { cluster, ns, pod, podsPeer, policy, policySet, port } from '../engine/test-builders.ts';
import type { Cluster } from '../model/cluster.ts';
import type { PolicySet } from '../model/tier.ts';
import { changedRemotes, delta, movedSegments } from './delta.ts';
import type { DecisionCell, DecisionRow } from './ruleset.ts';
import { createPlanner, plan } from './plan.ts';
import { elementsOf, fixedChains, renderRuleset } from './render.ts';
import type { Elements } from './render.ts';

/** Applies the element commands of a delta to a copy of `before`. */
function replay(before: Elements, text: string): Map<string, Map<string, string | null>> {
  const out = new Map([...before].map(([k, v]) => [k, new Map(v)]));
  for (const line of text.split('\n')) {
    const m = /^(add|delete) element inet palisade (\S+) \{ (.*) \}$/.exec(line);
    if (m === null) continue;
    const [, op, set = '', body = ''] = m;
    const target = out.get(set);
    assert.ok(target !== undefined, `unknown set ${set}`);
    for (const el of body.split(', ')) {
      const [key = '', value] = el.split(' : ');
      if (op === 'delete') {
        assert.ok(target.has(key), `delete of missing element ${set} ${key}`);
        target.delete(key);
      } else {
        assert.ok(!target.has(key), `add of present element ${set} ${key}`);
        target.set(key, value ?? null);
      }
    }
  }
  return out;
}

test('delta: property — replaying the transaction on the old elements gives the new plan', () => {
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, fc.integer({ min: 1, max: 5 }), (cl, ps1, ps2, chunk) => {
    const a = plan(compile(cl, ps1), { node: '', localPods: 'all' });
    const b = plan(compile(cl, ps2), { node: '', localPods: 'all' }, a.numbering);
    const d = delta(a, b, chunk);
    assert.equal(d.full, false);
    assert.deepEqual(replay(elementsOf(a), d.text), elementsOf(b));
  }), { numRuns: 150 });
});

// A pod relabelled like another, removed, or moved to the other node (kubernetes.io
// "Labels and Selectors": a label change moves a pod between selected sets), on one node
// or on two, planned from the previous Ruleset as the agent does.
test('delta: property — pod changes planned from the previous ruleset: replaying the transaction gives the new plan', () => {
  fc.assert(fc.property(clusterArb, policySetArb, fc.nat(), fc.nat(), fc.constantFrom('relabel', 'remove', 'move'), fc.boolean(), (cl0, ps, a, b, change, two) => {
    const cl: Cluster = two ? { ...cl0, pods: cl0.pods.map((p, i) => (p.hostNetwork ? p : { ...p, node: i % 2 === 0 ? 'w1' : 'c1' })) } : cl0;
    const target = two ? { node: 'w1' } : { node: '', localPods: 'all' as const };
    const victim = a % cl.pods.length;
    const labels = cl.pods[b % cl.pods.length]?.labels ?? {};
    const changed: Cluster = {
      ...cl,
      pods: change === 'remove' ? cl.pods.filter((_, i) => i !== victim)
        : cl.pods.map((p, i) => (i !== victim ? p : change === 'relabel' ? { ...p, labels: { ...labels } } : { ...p, node: p.node === 'w1' ? 'c1' : 'w1' })),
    };
    const planner = createPlanner();
    let compiled = compile(cl, ps);
    const first = planner.plan(compiled, target);
    let prev = first;
    for (const next of [changed, cl, cl]) {
      compiled = recompile(compiled, next, ps);
      const rs = planner.plan(compiled, target);
      const d = delta(prev, rs, 3);
      assert.equal(d.full, false);
      assert.deepEqual(replay(elementsOf(prev), d.text), elementsOf(rs));
      prev = rs;
    }
    assert.deepEqual(delta(first, plan(compile(cl, ps), target, first.numbering)), { text: '', changes: 0, full: false }, 'replanning the same cluster changes nothing');
  }), { numRuns: 150 });
});

const pods = [pod('demo/server', { app: 'server' }, ['10.0.0.1'], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }), pod('demo/client', { app: 'client' }, ['10.0.0.2'])];
const demo = policy({ name: 'demo-policy', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 'http')] }] });
const planOf = (ps: PolicySet, prev?: ReturnType<typeof plan>): ReturnType<typeof plan> => plan(compile(cluster({ pods, namespaces: [ns('demo')] }), ps), { node: 'n', localPods: 'all' }, prev?.numbering);

test('delta: no change is an empty transaction', () => {
  const a = planOf(policySet([demo]));
  assert.deepEqual(delta(a, planOf(policySet([demo]), a)), { text: '', changes: 0, full: false });
});

test('delta: a new policy adds its drop chain before any element jumps to it; a removed one goes last', () => {
  const a = planOf(policySet([]));
  const b = planOf(policySet([demo]), a);
  const target = b.dropTargets.find((t) => t.key === demo.id);
  assert.ok(target !== undefined);
  const name = `drop_${target.index}`;
  const lines = delta(a, b).text.split('\n');
  const chain = lines.indexOf(`add chain inet palisade ${name}`);
  const firstGoto = lines.findIndex((l) => l.includes(`goto ${name}`));
  assert.ok(chain >= 0 && firstGoto > chain, lines.join('\n'));
  const back = delta(b, planOf(policySet([]), b)).text.split('\n').filter((l) => l !== '');
  assert.deepEqual(back.slice(-3), [`flush chain inet palisade ${name}`, `delete chain inet palisade ${name}`, `delete counter inet palisade ${name}`]);
});

test('delta: element lists are cut into chunks, deletes before adds', () => {
  const a = planOf(policySet([]));
  const b = planOf(policySet([demo]), a);
  const lines = delta(a, b, 1).text.split('\n').filter((l) => l.includes(' element '));
  assert.ok(lines.length > 2);
  for (const l of lines) assert.doesNotMatch(l, /, /, 'one element per command with chunk 1');
  const lastDelete = lines.map((l) => l.startsWith('delete')).lastIndexOf(true);
  const firstAdd = lines.findIndex((l) => l.startsWith('add'));
  assert.ok(lastDelete < firstAdd || lastDelete === -1);
});

test('delta: the fixed chains (the forward hook and its checks) are never touched by a delta, only by a full load', () => {
  const a = planOf(policySet([]));
  const b = planOf(policySet([demo]), a);
  const fixed = fixedChains().map((ch) => ch.name);
  // Only `forward`: traffic between a pod and its own node (input/output) is always allowed.
  assert.deepEqual(fixed.filter((n) => n.endsWith('_hook')), ['forward_hook']);
  for (const text of [delta(a, b).text, delta(b, planOf(policySet([]), b)).text]) {
    for (const line of text.split('\n')) assert.ok(!/ chain /.test(line) || /drop_\d+/.test(line), `a delta changes only drop chains: ${line}`);
  }
  const full = renderRuleset(b);
  for (const name of fixed) assert.match(full, new RegExp(`\\tchain ${name} \\{`));
});

// The narrowing under a delta of big rows: only remotes whose cells differ, plus cells over
// port segments that moved, become element text; anything it cannot order is refused.
test('delta: changedRemotes keeps the differing remotes and the cells over moved segments; an unsorted row is refused', () => {
  const allow = { kind: 'allow' } as const;
  const drop = { kind: 'drop', target: 1 } as const;
  const cell = (remote: number, from: number, to: number, decision: typeof allow | typeof drop = allow): DecisionCell => ({ local: 1, remote, protocol: 'TCP', fromPort: from, toPort: to, decision });
  const row = (cells: DecisionCell[]): DecisionRow => ({ local: 1, default: drop, cells, nonPortDefault: allow, nonPortCells: [] });
  const a = row([cell(2, 80, 80), cell(3, 80, 80), cell(4, 443, 443)]);
  const b = row([cell(2, 80, 80), cell(3, 80, 80, drop), cell(4, 443, 443), cell(5, 22, 22)]);
  const r = changedRemotes(a, b);
  assert.deepEqual(r?.before.cells.map((c) => c.remote), [3]);
  assert.deepEqual(r?.after.cells.map((c) => c.remote), [3, 5]);
  const forced = changedRemotes(a, b, (_p, from, to) => from <= 443 && 443 <= to);
  assert.deepEqual(forced?.before.cells.map((c) => c.remote), [3, 4], 'the unchanged cell over a moved segment is taken on both sides');
  assert.deepEqual(forced?.after.cells.map((c) => c.remote), [3, 4, 5]);
  assert.equal(changedRemotes(row([cell(3, 80, 80), cell(2, 80, 80)]), a), undefined, 'not sorted by remote');
});

test('delta: movedSegments names the ranges whose segments differ, and nothing else', () => {
  const seg = (first: number, last: number, cls: number): { first: number; last: number; cls: number } => ({ first, last, cls });
  const other = { UDP: [seg(0, 65535, 9)], SCTP: [seg(0, 65535, 10)] };
  const a = { TCP: [seg(0, 79, 1), seg(80, 80, 2), seg(81, 65535, 3)], ...other };
  const b = { TCP: [seg(0, 79, 1), seg(80, 80, 2), seg(81, 442, 3), seg(443, 443, 4), seg(444, 65535, 5)], ...other };
  const moved = movedSegments(a, b);
  assert.equal(moved('TCP', 80, 80), false);
  assert.equal(moved('TCP', 0, 79), false);
  assert.equal(moved('TCP', 100, 100), true, 'inside the segment that was split');
  assert.equal(moved('TCP', 443, 443), true);
  assert.equal(moved('UDP', 0, 65535), false);
});
