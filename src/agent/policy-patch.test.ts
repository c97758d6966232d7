// The policy fast path must give the snapshot a full build gives: each case patches a base
// built from objects and compares its policy list with buildModel of the changed objects
// — or expects the patch to decline (undefined) where only a full build is exact, and
// then to have left the base as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel, objectRef, sourceName } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import { patchPolicies } from './policy-patch.ts';
import type { PolicyPatchBase } from './policy-patch.ts';

function obj(apiVersion: string, kind: string, name: string, ns: string | undefined, extra: Record<string, unknown> = {}): SourceObject {
  return {
    apiVersion, kind,
    metadata: { name, ...(ns === undefined ? {} : { namespace: ns }), uid: `uid-${kind}-${ns ?? ''}-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels: extra['labels'] ?? {} },
    ...extra,
  } as SourceObject;
}

const ns = (name: string): SourceObject => obj('v1', 'Namespace', name, undefined);
const pod = (name: string, ip: string, labels: Record<string, string>): SourceObject =>
  obj('v1', 'Pod', name, 'demo', { labels, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 80 }] }] }, status: { phase: 'Running', podIP: ip } });
const np = (name: string, app: string, namespace = 'demo'): SourceObject =>
  obj('networking.k8s.io/v1', 'NetworkPolicy', name, namespace, { spec: { podSelector: { matchLabels: { app } }, ingress: [{ from: [{ podSelector: {} }] }] } });
const gnp = (name: string, order: number): SourceObject =>
  obj('projectcalico.org/v3', 'GlobalNetworkPolicy', name, undefined, { spec: { order, selector: "app == 'b'", types: ['Ingress'], ingress: [{ action: 'Deny' }] } });
const cnp = (name: string, app: string): SourceObject =>
  obj('cilium.io/v2', 'CiliumNetworkPolicy', name, 'demo', { spec: { endpointSelector: { matchLabels: { app } }, ingress: [{ fromEndpoints: [{}] }] } });
const staged = (name: string): SourceObject =>
  obj('projectcalico.org/v3', 'StagedNetworkPolicy', name, 'demo', { spec: { selector: "app == 'b'", types: ['Ingress'], ingress: [{ action: 'Allow' }] } });

const BASE: readonly SourceObject[] = [
  ns('demo'), ns('other'), pod('b', '10.0.0.2', { app: 'b' }), pod('d', '10.0.0.4', { app: 'd' }),
  np('p', 'b'), np('q', 'd'), gnp('deny-b', 10), cnp('c', 'b'),
];

const key = (o: SourceObject): string => sourceName(objectRef(o));
const isPodOrNs = (o: SourceObject): boolean => o.apiVersion === 'v1' && (o.kind === 'Pod' || o.kind === 'Namespace');

type Change = SourceObject | { readonly gone: SourceObject };
const isGone = (c: Change): c is { readonly gone: SourceObject } => 'gone' in c && !('apiVersion' in c);

function run(changes: readonly Change[], start: readonly SourceObject[] = BASE) {
  const first = buildModel(start, DEFAULT_HANDLERS, new ConversionCache());
  const base: PolicyPatchBase = {
    snapshot: first.snapshot,
    otherObjects: new Map(start.filter((o) => !isPodOrNs(o)).map((o) => [key(o), o])),
    explicitNamespaces: new Set(start.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)),
  };
  const objects = new Map(start.map((o) => [key(o), o]));
  const map = new Map<string, SourceObject | undefined>();
  for (const c of changes) {
    if (isGone(c)) {
      objects.delete(key(c.gone));
      map.set(key(c.gone), undefined);
    } else {
      objects.set(key(c), c);
      map.set(key(c), c);
    }
  }
  const otherBefore = new Map(base.otherObjects);
  const listBefore = first.snapshot.policies.policies;
  const listCopy = [...listBefore];
  const full = buildModel([...objects.values()], DEFAULT_HANDLERS, new ConversionCache());
  return { patched: patchPolicies(base, map, DEFAULT_HANDLERS), full, base, otherBefore, listBefore, listCopy };
}

const exact: ReadonlyArray<{ name: string; changes: readonly Change[] }> = [
  { name: 'NetworkPolicy updated (kubectl apply of a changed spec)', changes: [np('p', 'd')] },
  { name: 'NetworkPolicy added, sorted into place', changes: [np('a-first', 'b')] },
  { name: 'NetworkPolicy deleted', changes: [{ gone: np('q', 'd') }] },
  { name: 'NetworkPolicy in another namespace a Namespace object defines', changes: [np('p', 'b', 'other')] },
  { name: 'Calico GlobalNetworkPolicy order changed', changes: [gnp('deny-b', 5)] },
  { name: 'CiliumNetworkPolicy updated', changes: [cnp('c', 'd')] },
  { name: 'Calico StagedNetworkPolicy added (staged: reported, not enforced)', changes: [staged('try')] },
  { name: 'several at once: add, update, delete', changes: [np('n1', 'd'), gnp('deny-b', 1), { gone: np('p', 'b') }] },
  { name: 'deleting an object that was never there changes nothing', changes: [{ gone: np('never', 'b') }] },
];

for (const c of exact) {
  test(`policy patch = full build: ${c.name}`, () => {
    const r = run(c.changes);
    assert.ok(r.patched !== undefined, 'the patch declined');
    assert.deepEqual(r.patched.snapshot.policies, r.full.snapshot.policies);
    assert.deepEqual(r.patched.snapshot.cluster, r.full.snapshot.cluster, 'the cluster is the full build\'s');
    assert.deepEqual(r.listBefore, r.listCopy, 'the previous snapshot\'s policy list is not touched');
    for (const ch of c.changes) {
      if (isGone(ch)) assert.equal(r.base.otherObjects.has(key(ch.gone)), false);
      else assert.equal(r.base.otherObjects.get(key(ch)), ch);
    }
  });
}

test('policy patch: unchanged policies stay the same objects (recompile tells changes by identity)', () => {
  const r = run([np('p', 'd')]);
  assert.ok(r.patched !== undefined);
  const before = new Map(r.listBefore.map((p) => [p.id, p]));
  const kept = r.patched.snapshot.policies.policies.filter((p) => before.get(p.id) === p);
  assert.equal(kept.length, r.listBefore.length - 1, 'all but the changed one are the previous objects');
});

const declined: ReadonlyArray<{ name: string; changes: readonly Change[]; start?: readonly SourceObject[] }> = [
  { name: 'a policy in a namespace no Namespace object defines (the full build invents it)', changes: [np('p', 'b', 'implicit')] },
  { name: 'a policy with a validation problem (becomes a Rejected report)', changes: [obj('networking.k8s.io/v1', 'NetworkPolicy', 'bad', 'demo', { spec: { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Sideways'] } })] },
  { name: 'a Calico Tier (tiers are read by every policy of theirs)', changes: [obj('projectcalico.org/v3', 'Tier', 'security', undefined, { spec: { order: 100 } })] },
  { name: 'a GlobalNetworkSet (part of the cluster, not a policy)', changes: [obj('projectcalico.org/v3', 'GlobalNetworkSet', 'nets', undefined, { labels: { role: 'x' }, spec: { nets: ['192.0.2.0/24'] } })] },
  { name: 'a Node', changes: [obj('v1', 'Node', 'node-9', undefined, { spec: { podCIDR: '10.9.0.0/24' } })] },
  { name: 'an unsupported kind', changes: [obj('example.com/v1', 'Widget', 'w', 'demo')] },
  {
    name: 'deleting a policy whose previous version had a problem',
    start: [...BASE, obj('networking.k8s.io/v1', 'NetworkPolicy', 'bad', 'demo', { spec: { podSelector: {}, policyTypes: ['Sideways'] } })],
    changes: [{ gone: obj('networking.k8s.io/v1', 'NetworkPolicy', 'bad', 'demo') }],
  },
  { name: 'one exact change and one that is not: nothing is applied', changes: [np('p', 'd'), np('x', 'b', 'implicit')] },
];

for (const c of declined) {
  test(`policy patch declines: ${c.name}`, () => {
    const r = run(c.changes, c.start);
    assert.equal(r.patched, undefined);
    assert.deepEqual(r.base.otherObjects, r.otherBefore, 'a declined patch leaves the base as it was');
    assert.deepEqual(r.listBefore, r.listCopy);
  });
}
