// The pod-only fast path must give the snapshot a full build gives: each case patches a
// base built from objects, and compares with buildModel of the changed objects — or
// expects the patch to decline (undefined) where only a full build is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
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

/** Applies `changes` to BASE, returns [patched, full] snapshots (patched undefined when declined). */
function run(changes: ReadonlyArray<readonly [string, SourceObject | undefined]>): { patched: ReturnType<typeof patchPods>; full: ReturnType<typeof buildModel>; base: PodPatchBase } {
  const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
  const base = patchBase(first.snapshot, BASE);
  const kept = { ...base, snapshot: first.snapshot };
  const objects = new Map(BASE.map((o) => [`${o.kind}/${podObjectKey(o)}`, o]));
  for (const [key, o] of changes) {
    if (o === undefined) objects.delete(`Pod/${key}`);
    else objects.set(`Pod/${key}`, o);
  }
  const full = buildModel([...objects.values()], DEFAULT_HANDLERS, new ConversionCache());
  return { patched: patchPods(base, new Map(changes), DEFAULT_HANDLERS), full, base: kept };
}

const exact: ReadonlyArray<{ name: string; changes: ReadonlyArray<readonly [string, SourceObject | undefined]> }> = [
  { name: 'relabel', changes: [['demo/b', pod('b', '10.0.0.2', { app: 'z' })]] },
  { name: 'add (sorted into place)', changes: [['demo/c', pod('c', '10.0.0.3', { app: 'b' })]] },
  { name: 'remove', changes: [['demo/d', undefined]] },
  { name: 'pod without an address yet is left out', changes: [['demo/e', { ...pod('e', ''), status: { phase: 'Pending' } } as SourceObject]] },
  { name: 'several at once', changes: [['demo/a', pod('a', '10.0.0.1')], ['demo/d', undefined], ['demo/b', pod('b', '10.0.0.7', { app: 'b' })]] },
];

for (const c of exact) {
  test(`pod patch: ${c.name} — same snapshot as a full build, untouched pods and policies kept`, () => {
    const { patched, full, base } = run(c.changes);
    assert.ok(patched !== undefined, 'patched');
    const got = patched.base.snapshot;
    assert.deepEqual(got.cluster, full.snapshot.cluster);
    assert.deepEqual(got.policies, full.snapshot.policies);
    assert.deepEqual(got.warnings, full.snapshot.warnings);
    for (const p of got.cluster.pods) if (!c.changes.some(([k]) => k === p.key)) assert.ok(base.snapshot.cluster.pods.includes(p), `${p.key} is the same object`);
    assert.equal(got.policies, base.snapshot.policies);
  });
}

const declined: ReadonlyArray<{ name: string; changes: ReadonlyArray<readonly [string, SourceObject | undefined]> }> = [
  { name: 'a pod in a namespace no Namespace object defines', changes: [['implicit/y', pod('y', '10.0.9.2', {}, 'implicit')]] },
  { name: 'removing a pod of such a namespace (the namespace goes)', changes: [['implicit/x', undefined]] },
  { name: 'a host-network pod', changes: [['demo/h', pod('h', '192.168.0.1', {}, 'demo', { hostNetwork: true })]] },
  { name: 'an address another pod has (a warning naming both)', changes: [['demo/c', pod('c', '10.0.0.2')]] },
];

for (const c of declined) {
  test(`pod patch: ${c.name} — declined, a full build is needed`, () => {
    assert.equal(run(c.changes).patched, undefined);
  });
}
