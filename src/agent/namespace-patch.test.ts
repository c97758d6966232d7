// The Namespace fast path must give the snapshot a full build gives: each case patches a
// base built from objects the way the agent does (namespaces, then policies, then pods,
// then the namespaces deleted taken out: agent.ts) and compares with buildModel of the
// changed objects, or expects the patch to decline (undefined) where only a full build is
// exact; a patch declined by patchNamespaces leaves the base's namespace list as it was.
// The patched snapshot's namespace list is a new array (recompile() compares the two
// lists), with the untouched namespaces the same objects, and the patched base knows the
// namespaces defined by objects as a fresh base of the full build does.
//
// Semantics encoded: the API server creates a namespace empty, deletes everything in it
// before the namespace itself, and labels each with kubernetes.io/metadata.name
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/); a
// full build (api/snapshot.ts) also lists every namespace a pod, Service, network set or
// policy names, with the name label alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel, objectRef, sourceName } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import { dropNamespaces, patchNamespaces } from './namespace-patch.ts';
import type { PodPatchBase } from './pod-patch.ts';
import { patchBase, patchPods, podObjectKey } from './pod-patch.ts';
import { patchPolicies } from './policy-patch.ts';

function namespace(name: string, labels: Record<string, string> = {}, version = '1', annotations?: Record<string, string>): SourceObject {
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, uid: `uid-ns-${name}`, resourceVersion: version, creationTimestamp: '2025-01-01T00:00:00Z', labels, ...(annotations === undefined ? {} : { annotations }) },
  } as SourceObject;
}

function pod(ns: string, name: string, ip: string): SourceObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, uid: `uid-pod-${ns}-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { app: name } },
    spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running', podIP: ip },
  } as SourceObject;
}

function netpol(ns: string, name: string): SourceObject {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name, namespace: ns, uid: `uid-np-${ns}-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }] }] },
  } as SourceObject;
}

const SERVICE = {
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'api', namespace: 'svc', uid: 'uid-svc', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { selector: { app: 'api' }, ports: [{ port: 80 }] },
} as SourceObject;

// db: a pod and a policy; web: a pod; ops: empty; guarded: a policy only; svc: a Service
// only; implicit: a pod and no Namespace object; bad: an object with a problem.
const BASE: readonly SourceObject[] = [
  namespace('db', { team: 'db' }), namespace('web'), namespace('ops', { team: 'ops' }), namespace('guarded'), namespace('svc'), namespace('bad', { 'bad key!': 'x' }),
  pod('db', 'server', '10.0.0.1'), pod('web', 'client', '10.0.0.2'), pod('implicit', 'x', '10.0.0.3'),
  netpol('db', 'p'), netpol('guarded', 'g'), SERVICE,
];

/** An object put (created or updated) or deleted. */
type Change = { readonly put: SourceObject } | { readonly del: SourceObject };

const put = (o: SourceObject): Change => ({ put: o });
const del = (o: SourceObject): Change => ({ del: o });

function objectKey(o: SourceObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The base patched as agent.ts does for one burst of changes; undefined where it declines. */
function patchBurst(base: PodPatchBase, changes: readonly Change[]): PodPatchBase | undefined {
  const namespaces = new Map<string, SourceObject | undefined>();
  const pods = new Map<string, SourceObject | undefined>();
  const others = new Map<string, SourceObject | undefined>();
  for (const c of changes) {
    const o = 'put' in c ? c.put : c.del;
    const now = 'put' in c ? c.put : undefined;
    if (o.kind === 'Namespace') namespaces.set(o.metadata.name, now);
    else if (o.kind === 'Pod') pods.set(podObjectKey(o), now);
    else others.set(sourceName(objectRef(o)), now);
  }
  const relabel = patchNamespaces(base, namespaces, DEFAULT_HANDLERS);
  if (relabel === undefined) return undefined;
  const repolicy = others.size === 0 ? { snapshot: relabel.base.snapshot } : patchPolicies(relabel.base, others, DEFAULT_HANDLERS);
  if (repolicy === undefined) return undefined;
  const repodded = patchPods({ ...relabel.base, snapshot: repolicy.snapshot }, pods, DEFAULT_HANDLERS);
  if (repodded === undefined) return undefined;
  return dropNamespaces(repodded.base, relabel.deleted);
}

function run(changes: readonly Change[]): { patched: PodPatchBase | undefined; full: ReturnType<typeof buildModel>; first: ReturnType<typeof buildModel>; objects: SourceObject[] } {
  const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
  const base = patchBase(first.snapshot, BASE);
  const objects = new Map(BASE.map((o) => [objectKey(o), o]));
  for (const c of changes) {
    if ('put' in c) objects.set(objectKey(c.put), c.put);
    else objects.delete(objectKey(c.del));
  }
  const full = buildModel([...objects.values()], DEFAULT_HANDLERS, new ConversionCache());
  return { patched: patchBurst(base, changes), full, first, objects: [...objects.values()] };
}

const exact: ReadonlyArray<{ name: string; changes: readonly Change[]; namespacesOnly?: boolean }> = [
  { name: 'a label added', changes: [put(namespace('web', { team: 'frontend' }, '2'))], namespacesOnly: true },
  { name: 'a label removed', changes: [put(namespace('db', {}, '2'))], namespacesOnly: true },
  { name: 'a label value changed on two namespaces at once', changes: [put(namespace('db', { team: 'x' }, '2')), put(namespace('ops', { team: 'y' }, '2'))], namespacesOnly: true },
  { name: 'an annotation only (same labels, a new object)', changes: [put(namespace('web', {}, '2', { note: 'hi' }))], namespacesOnly: true },
  { name: 'a namespace created, no labels', changes: [put(namespace('team-x'))], namespacesOnly: true },
  { name: 'a namespace created with labels, sorted into its place', changes: [put(namespace('a-first', { team: 'frontend' }))], namespacesOnly: true },
  { name: 'two namespaces created and one relabelled at once', changes: [put(namespace('team-x', { team: 'frontend' })), put(namespace('zz')), put(namespace('web', { team: 'frontend' }, '2'))], namespacesOnly: true },
  { name: 'an empty namespace deleted', changes: [del(namespace('ops'))], namespacesOnly: true },
  { name: 'a namespace created with a pod in it in the same burst', changes: [put(namespace('team-x', { team: 'frontend' })), put(pod('team-x', 'app', '10.0.0.9'))] },
  { name: 'a namespace created with a policy in it in the same burst', changes: [put(namespace('team-x')), put(netpol('team-x', 'deny'))] },
  { name: 'a namespace deleted with its pod in the same burst', changes: [del(pod('web', 'client', '10.0.0.2')), del(namespace('web'))] },
  { name: 'a namespace deleted with its pod and its policy in the same burst', changes: [del(pod('db', 'server', '10.0.0.1')), del(netpol('db', 'p')), del(namespace('db'))] },
  { name: 'an empty namespace deleted and another created', changes: [del(namespace('ops')), put(namespace('ops-2', { team: 'ops' }))], namespacesOnly: true },
  { name: 'the same object again is no change', changes: [put(BASE[1] as SourceObject)], namespacesOnly: true },
];

for (const c of exact) {
  test(`namespace patch: ${c.name} — same snapshot as a full build`, () => {
    const { patched, full, first, objects } = run(c.changes);
    assert.ok(patched !== undefined, 'patched');
    const got = patched.snapshot;
    assert.deepEqual(got.cluster, full.snapshot.cluster);
    assert.deepEqual(got.policies, full.snapshot.policies);
    assert.deepEqual(got.problems, full.snapshot.problems);
    assert.deepEqual(got.warnings, full.snapshot.warnings);
    // What later patches read: the namespaces objects define, as a base of the full build has them.
    const fresh = patchBase(full.snapshot, objects);
    assert.deepEqual([...patched.explicitNamespaces].sort(), [...fresh.explicitNamespaces].sort());
    assert.deepEqual(new Map([...patched.namespaceObjects].sort()), new Map([...fresh.namespaceObjects].sort()));
    const changedNamespaces = new Set(c.changes.map((x) => ('put' in x ? x.put : x.del)).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    const untouched = first.snapshot.cluster.namespaces.filter((n) => !changedNamespaces.has(n.name));
    for (const n of untouched) assert.equal(got.cluster.namespaces.find((m) => m.name === n.name), n, `${n.name} is the same object`);
    if (c.namespacesOnly === true) {
      assert.equal(got.cluster.pods, first.snapshot.cluster.pods, 'the same pod list');
      assert.equal(got.policies, first.snapshot.policies, 'the same policies');
    }
    if (got.cluster.namespaces !== first.snapshot.cluster.namespaces) assert.deepEqual(first.snapshot.cluster.namespaces, buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache()).snapshot.cluster.namespaces, 'the previous list is as it was');
  });
}

test('namespace patch: a relabel, a creation and a deletion report a change; the same object again does not', () => {
  const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
  const cases: ReadonlyArray<readonly [ReadonlyArray<readonly [string, SourceObject | undefined]>, boolean, readonly string[]]> = [
    [[['web', namespace('web', { team: 'frontend' }, '2')]], true, []],
    [[['team-x', namespace('team-x')]], true, []],
    [[['ops', undefined]], true, ['ops']],
    [[['web', BASE[1]]], false, []],
  ];
  for (const [changes, changed, deleted] of cases) {
    const p = patchNamespaces(patchBase(first.snapshot, BASE), new Map(changes), DEFAULT_HANDLERS);
    assert.equal(p?.changed, changed, JSON.stringify(changes.map(([n]) => n)));
    assert.deepEqual(p?.deleted, deleted);
  }
});

// `at`: which step declines — patchNamespaces itself (the base is then as it was), or
// dropNamespaces once the burst's pods and policies are in.
const declined: ReadonlyArray<{ name: string; changes: readonly Change[]; at: 'namespaces' | 'drop' }> = [
  { name: 'a Namespace object for a namespace only pods named', changes: [put(namespace('implicit', { team: 'frontend' }))], at: 'namespaces' },
  { name: 'an invalid label (a problem on the object)', changes: [put(namespace('web', { 'bad key!': 'x' }, '2'))], at: 'namespaces' },
  { name: 'a namespace created with a problem on its object', changes: [put(namespace('team-x', { 'bad key!': 'x' }))], at: 'namespaces' },
  { name: 'a Namespace object with a problem deleted (its problem goes)', changes: [del(namespace('bad'))], at: 'namespaces' },
  { name: 'a Namespace object with a problem fixed', changes: [put(namespace('bad', {}, '2'))], at: 'namespaces' },
  { name: 'a namespace deleted while a pod is still in it', changes: [del(namespace('web'))], at: 'drop' },
  { name: 'a namespace deleted while a policy is still in it', changes: [del(namespace('guarded'))], at: 'drop' },
  { name: 'a namespace deleted while a Service is still in it', changes: [del(namespace('svc'))], at: 'drop' },
  { name: 'a namespace deleted with its pod while its policy stays', changes: [del(pod('db', 'server', '10.0.0.1')), del(namespace('db'))], at: 'drop' },
  { name: 'a namespace deleted while a pod arrives in it', changes: [put(pod('ops', 'late', '10.0.0.7')), del(namespace('ops'))], at: 'drop' },
];

for (const c of declined) {
  test(`namespace patch: ${c.name} — declined, a full build is needed`, () => {
    const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
    const before = [...first.snapshot.cluster.namespaces];
    // With a valid relabel first: a decline anywhere declines the whole burst.
    const burst = [put(namespace('guarded', { team: 'z' }, '2')), ...c.changes];
    const namespaces = new Map(burst.flatMap((x): Array<[string, SourceObject | undefined]> => {
      const o = 'put' in x ? x.put : x.del;
      return o.kind === 'Namespace' ? [[o.metadata.name, 'put' in x ? x.put : undefined]] : [];
    }));
    const base = patchBase(first.snapshot, BASE);
    const objects = new Map(base.namespaceObjects);
    const early = patchNamespaces(base, namespaces, DEFAULT_HANDLERS);
    if (c.at === 'namespaces') {
      assert.equal(early, undefined);
      assert.deepEqual(base.namespaceObjects, objects, 'the base is as it was');
    } else {
      assert.ok(early !== undefined && early.deleted.length > 0, 'the deletion is left for dropNamespaces');
    }
    assert.equal(patchBurst(patchBase(first.snapshot, BASE), burst), undefined);
    assert.deepEqual(first.snapshot.cluster.namespaces, before, 'the previous namespace list is as it was');
  });
}
