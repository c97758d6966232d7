// The namespace-label fast path must give the snapshot a full build gives: each case
// patches a base built from objects and compares with buildModel of the changed objects
// (namespaces, pods, policies), or expects the patch to decline (undefined) where only a
// full build is exact; a declined patch leaves the base's namespace list as it was. The
// patched snapshot's namespace list is a new array (recompile() compares the two lists),
// with the untouched namespaces and every pod the same objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import { patchNamespaces } from './namespace-patch.ts';
import { patchBase } from './pod-patch.ts';

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

const BASE: readonly SourceObject[] = [
  namespace('db', { team: 'db' }), namespace('web'), namespace('ops', { team: 'ops' }),
  pod('db', 'server', '10.0.0.1'), pod('web', 'client', '10.0.0.2'), pod('implicit', 'x', '10.0.0.3'),
  {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'db', uid: 'uid-p', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }] }] },
  } as SourceObject,
];

type Changes = ReadonlyArray<readonly [string, SourceObject | undefined]>;

function run(changes: Changes): { patched: ReturnType<typeof patchNamespaces>; full: ReturnType<typeof buildModel>; first: ReturnType<typeof buildModel> } {
  const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
  const base = patchBase(first.snapshot, BASE);
  const objects = new Map(BASE.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  for (const [name, o] of changes) {
    if (o === undefined) objects.delete(`Namespace//${name}`);
    else objects.set(`Namespace//${name}`, o);
  }
  const full = buildModel([...objects.values()], DEFAULT_HANDLERS, new ConversionCache());
  return { patched: patchNamespaces(base, new Map(changes), DEFAULT_HANDLERS), full, first };
}

const exact: ReadonlyArray<{ name: string; changes: Changes; changed: boolean }> = [
  { name: 'a label added', changes: [['web', namespace('web', { team: 'frontend' }, '2')]], changed: true },
  { name: 'a label removed', changes: [['db', namespace('db', {}, '2')]], changed: true },
  { name: 'a label value changed on two namespaces at once', changes: [['db', namespace('db', { team: 'x' }, '2')], ['ops', namespace('ops', { team: 'y' }, '2')]], changed: true },
  { name: 'an annotation only (same labels, a new object)', changes: [['web', namespace('web', {}, '2', { note: 'hi' })]], changed: true },
  { name: 'the same object again is no change', changes: [['web', BASE[1]]], changed: false },
];

for (const c of exact) {
  test(`namespace patch: ${c.name} — same snapshot as a full build, everything else kept`, () => {
    const { patched, full, first } = run(c.changes);
    assert.ok(patched !== undefined, 'patched');
    assert.equal(patched.changed, c.changed);
    const got = patched.base.snapshot;
    assert.deepEqual(got.cluster, full.snapshot.cluster);
    assert.deepEqual(got.policies, full.snapshot.policies);
    assert.deepEqual(got.problems, full.snapshot.problems);
    assert.deepEqual(got.warnings, full.snapshot.warnings);
    assert.equal(got.cluster.pods, first.snapshot.cluster.pods, 'the same pod list');
    assert.equal(got.policies, first.snapshot.policies, 'the same policies');
    if (c.changed) assert.notEqual(got.cluster.namespaces, first.snapshot.cluster.namespaces, 'a new namespace list');
    const names = new Set(c.changes.map(([n]) => n));
    got.cluster.namespaces.forEach((n, i) => {
      if (!names.has(n.name)) assert.equal(n, first.snapshot.cluster.namespaces[i], `${n.name} is the same object`);
    });
  });
}

const declined: ReadonlyArray<{ name: string; changes: Changes }> = [
  { name: 'a namespace created', changes: [['new', namespace('new', { team: 'frontend' })]] },
  { name: 'a namespace deleted', changes: [['ops', undefined]] },
  { name: 'a Namespace object for a namespace only pods named', changes: [['implicit', namespace('implicit', { team: 'frontend' })]] },
  { name: 'an invalid label (a problem on the object)', changes: [['web', namespace('web', { 'bad key!': 'x' }, '2')]] },
];

for (const c of declined) {
  test(`namespace patch: ${c.name} — declined, a full build is needed; the namespace list is as it was`, () => {
    const first = buildModel(BASE, DEFAULT_HANDLERS, new ConversionCache());
    const base = patchBase(first.snapshot, BASE);
    const before = [...first.snapshot.cluster.namespaces];
    const objects = new Map(base.namespaceObjects);
    // With a valid relabel first: a decline anywhere declines the whole batch.
    assert.equal(patchNamespaces(base, new Map([['db', namespace('db', { team: 'z' }, '2')], ...c.changes]), DEFAULT_HANDLERS), undefined);
    assert.deepEqual(first.snapshot.cluster.namespaces, before);
    assert.deepEqual(base.namespaceObjects, objects);
  });
}
