// The pod-only fast path must give the snapshot a full build gives: each case patches a
// base built from objects, and compares with buildModel of the changed objects — or
// expects the patch to decline (undefined) where only a full build is exact. The hint it
// hands recompile() names exactly the pods that changed; a declined patch leaves the
// previous pod list as it was (the agent then recompiles from it by comparing lists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import type { Pod } from '../model/cluster.ts';
import type { PodPatchBase } from './pod-patch.ts';
import { patchBase, patchPods, podObjectKey } from './pod-patch.ts';

function obj(kind: string, name: string, ns: string | undefined, extra: Record<string, unknown> = {}): SourceObject {
  return {
    apiVersion: kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'v1', kind,
    metadata: { name, ...(ns === undefined ? {} : { namespace: ns }), uid: `uid-${kind}-${ns ?? ''}-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels: extra['labels'] ?? {} },
    ...extra,
  } as SourceObject;
}

const pod = (name: string, ip: string, labels: Record<string, string> = {}, ns = 'demo', extra: Record<string, unknown> = {}): SourceObject =>
  obj('Pod', name, ns, { labels, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 80 }] }], ...extra }, status: { phase: 'Running', podIP: ip } });

const BASE: readonly SourceObject[] = [
  obj('Namespace', 'demo', undefined), pod('b', '10.0.0.2', { app: 'b' }), pod('d', '10.0.0.4', { app: 'd' }), pod('x', '10.0.9.1', {}, 'implicit'),
  obj('NetworkPolicy', 'p', 'demo', { spec: { podSelector: { matchLabels: { app: 'b' } }, ingress: [{}] } }),
];

/** Applies `changes` to `start`, returns the patch (undefined when declined), the full build, the base and a copy of its pod list. */
function run(changes: ReadonlyArray<readonly [string, SourceObject | undefined]>, start: readonly SourceObject[] = BASE): { patched: ReturnType<typeof patchPods>; full: ReturnType<typeof buildModel>; base: PodPatchBase; podsBefore: readonly Pod[] } {
  const first = buildModel(start, DEFAULT_HANDLERS, new ConversionCache());
  const base = patchBase(first.snapshot, start);
  const kept = { ...base, snapshot: first.snapshot };
  const podsBefore = [...first.snapshot.cluster.pods];
  const objects = new Map(start.map((o) => [`${o.kind}/${podObjectKey(o)}`, o]));
  for (const [key, o] of changes) {
    if (o === undefined) objects.delete(`Pod/${key}`);
    else objects.set(`Pod/${key}`, o);
  }
  const full = buildModel([...objects.values()], DEFAULT_HANDLERS, new ConversionCache());
  return { patched: patchPods(base, new Map(changes), DEFAULT_HANDLERS), full, base: kept, podsBefore };
}

/** BASE with pods m0..m{n-1} more (the patch merges a copy instead of splicing above a few). */
const MANY: readonly SourceObject[] = [...BASE, ...Array.from({ length: 30 }, (_, i) => pod(`m${String(i).padStart(2, '0')}`, `10.0.1.${i + 1}`, { app: 'm' }))];

const exact: ReadonlyArray<{ name: string; changes: ReadonlyArray<readonly [string, SourceObject | undefined]>; start?: readonly SourceObject[] }> = [
  { name: 'relabel', changes: [['demo/b', pod('b', '10.0.0.2', { app: 'z' })]] },
  { name: 'add (sorted into place)', changes: [['demo/c', pod('c', '10.0.0.3', { app: 'b' })]] },
  { name: 'remove', changes: [['demo/d', undefined]] },
  { name: 'pod without an address yet is left out', changes: [['demo/e', { ...pod('e', ''), status: { phase: 'Pending' } } as SourceObject]] },
  { name: 'several at once', changes: [['demo/a', pod('a', '10.0.0.1')], ['demo/d', undefined], ['demo/b', pod('b', '10.0.0.7', { app: 'b' })]] },
  { name: 'an unchanged deletion of a pod never there is no change', changes: [['demo/zz', undefined]] },
  {
    name: 'many added and removed at once (merged, not spliced)', start: MANY,
    changes: [
      ...Array.from({ length: 12 }, (_, i) => [`demo/m${String(2 * i).padStart(2, '0')}`, undefined] as const),
      ...Array.from({ length: 12 }, (_, i) => [`demo/n${String(i).padStart(2, '0')}`, pod(`n${String(i).padStart(2, '0')}`, `10.0.2.${i + 1}`)] as const),
      ['demo/m01', pod('m01', '10.0.1.2', { app: 'z' })],
    ],
  },
];

for (const c of exact) {
  test(`pod patch: ${c.name} — same snapshot as a full build, untouched pods and policies kept, the hint names exactly the changed pods`, () => {
    const { patched, full, base, podsBefore } = run(c.changes, c.start);
    assert.ok(patched !== undefined, 'patched');
    const got = patched.base.snapshot;
    assert.deepEqual(got.cluster, full.snapshot.cluster);
    assert.deepEqual(got.policies, full.snapshot.policies);
    assert.deepEqual(got.warnings, full.snapshot.warnings);
    for (const p of got.cluster.pods) if (!c.changes.some(([k]) => k === p.key)) assert.ok(podsBefore.includes(p), `${p.key} is the same object`);
    assert.equal(got.policies, base.snapshot.policies);
    // The hint: each key whose pod differs, with the pod now (undefined: gone).
    const was = new Map(podsBefore.map((p) => [p.key, p]));
    const now = new Map(got.cluster.pods.map((p) => [p.key, p]));
    const differ = [...new Set([...was.keys(), ...now.keys()])].filter((k) => was.get(k) !== now.get(k)).sort();
    assert.deepEqual([...patched.hint.pods.keys()].sort(), differ);
    for (const [k, p] of patched.hint.pods) assert.equal(p, now.get(k), k);
    assert.deepEqual([...patched.changed].sort(), differ);
  });
}

const declined: ReadonlyArray<{ name: string; changes: ReadonlyArray<readonly [string, SourceObject | undefined]> }> = [
  { name: 'a pod in a namespace no Namespace object defines', changes: [['implicit/y', pod('y', '10.0.9.2', {}, 'implicit')]] },
  { name: 'removing a pod of such a namespace (the namespace goes)', changes: [['implicit/x', undefined]] },
  { name: 'a host-network pod', changes: [['demo/h', pod('h', '192.168.0.1', {}, 'demo', { hostNetwork: true })]] },
  { name: 'an address another pod has (a warning naming both)', changes: [['demo/c', pod('c', '10.0.0.2')]] },
];

for (const c of declined) {
  test(`pod patch: ${c.name} — declined, a full build is needed; the previous pod list is as it was`, () => {
    const { patched, base, podsBefore } = run([['demo/b', pod('b', '10.0.0.2', { app: 'first' })], ...c.changes]);
    assert.equal(patched, undefined);
    assert.deepEqual(base.snapshot.cluster.pods, podsBefore);
    base.snapshot.cluster.pods.forEach((p, i) => assert.equal(p, podsBefore[i], p.key));
  });
}
