// CRUD semantics of the store against what kube-apiserver does: server-set metadata,
// AlreadyExists / NotFound / Conflict with the API server's messages
// (k8s.io/apimachinery/pkg/api/errors/errors.go NewNotFound, NewAlreadyExists,
// NewConflict), optimistic concurrency and no-op updates
// (k8s.io/apiserver/pkg/registry/generic/registry/store_test.go TestStoreUpdate,
// TestNoOpUpdates, TestStoreDelete with preconditions), the namespace label
// (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name)
// and namespace deletion taking its contents with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectStore } from './object-store.ts';
import type { StatusReason } from './store-errors.ts';
import { StoreError } from './store-errors.ts';
import type { StoredObject, WatchEvent } from './store-object.ts';
import { NETPOL, NODE, NS, POD, describeEvent, memoryStore, namespace, pod, policy } from './test-support.ts';

function expectError(fn: () => unknown, reason: StatusReason, message: string | RegExp): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof StoreError, `expected a StoreError ${reason}, got ${String(caught)}`);
  assert.equal(caught.reason, reason);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

function seeded(): ObjectStore {
  const s = memoryStore();
  s.create(namespace('demo'));
  return s;
}

test('create sets uid, resourceVersion, creationTimestamp and generation; get returns it', () => {
  const s = seeded();
  const p = s.create(policy('demo', 'p'));
  assert.equal(p.metadata.uid, 'uid-2');
  assert.equal(p.metadata.resourceVersion, '2');
  assert.equal(p.metadata.creationTimestamp, '2025-01-02T03:04:05Z');
  assert.equal(p.metadata.generation, 1);
  assert.deepEqual(s.get(NETPOL, 'p', 'demo'), p);
  assert.ok(Object.isFrozen(p.metadata), 'stored objects are frozen');
  assert.equal(s.resourceVersion, '2');
});

test('the resourceVersion is global and increases with every write of any resource', () => {
  const s = seeded();
  const versions = [
    s.create(pod('demo', 'a')).metadata.resourceVersion,
    s.create(policy('demo', 'p')).metadata.resourceVersion,
    s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }).metadata.resourceVersion,
  ];
  assert.deepEqual(versions, ['2', '3', '4']);
});

const errorCases: ReadonlyArray<{ name: string; run: (s: ObjectStore) => unknown; reason: StatusReason; code: number; message: string | RegExp }> = [
  { name: 'create twice → AlreadyExists', run: (s) => { s.create(policy('demo', 'p')); s.create(policy('demo', 'p')); }, reason: 'AlreadyExists', code: 409, message: 'networkpolicies.networking.k8s.io "p" already exists' },
  { name: 'get missing → NotFound (qualified resource)', run: (s) => s.get(NETPOL, 'p', 'demo'), reason: 'NotFound', code: 404, message: 'networkpolicies.networking.k8s.io "p" not found' },
  { name: 'get missing core resource → NotFound (bare plural)', run: (s) => s.get(POD, 'x', 'demo'), reason: 'NotFound', code: 404, message: 'pods "x" not found' },
  { name: 'update missing → NotFound', run: (s) => s.update(policy('demo', 'p')), reason: 'NotFound', code: 404, message: 'networkpolicies.networking.k8s.io "p" not found' },
  { name: 'delete missing → NotFound', run: (s) => s.delete(POD, 'x', 'demo'), reason: 'NotFound', code: 404, message: 'pods "x" not found' },
  { name: 'create in a missing namespace → NotFound namespace (NamespaceLifecycle admission)', run: (s) => s.create(pod('nope', 'a')), reason: 'NotFound', code: 404, message: 'namespaces "nope" not found' },
  {
    name: 'update with a stale resourceVersion → Conflict',
    run: (s) => {
      const p = s.create(policy('demo', 'p'));
      s.update({ ...policy('demo', 'p', { podSelector: { matchLabels: { a: 'b' } } }), metadata: { ...p.metadata } });
      s.update({ ...policy('demo', 'p', { podSelector: {} }), metadata: { ...p.metadata } });
    },
    reason: 'Conflict', code: 409,
    message: 'Operation cannot be fulfilled on networkpolicies.networking.k8s.io "p": the object has been modified; please apply your changes to the latest version and try again',
  },
  {
    name: 'update with another uid → Conflict (precondition)',
    run: (s) => { s.create(policy('demo', 'p')); s.update({ ...policy('demo', 'p'), metadata: { name: 'p', namespace: 'demo', uid: 'other' } }); },
    reason: 'Conflict', code: 409, message: /Precondition failed: UID in precondition: other, UID in object meta: uid-2$/,
  },
  {
    name: 'delete with a stale resourceVersion precondition → Conflict',
    run: (s) => { s.create(policy('demo', 'p')); s.delete(NETPOL, 'p', 'demo', { preconditions: { resourceVersion: '1' } }); },
    reason: 'Conflict', code: 409, message: /Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: 2$/,
  },
  {
    name: 'delete with another uid precondition → Conflict',
    run: (s) => { s.create(policy('demo', 'p')); s.delete(NETPOL, 'p', 'demo', { preconditions: { uid: 'x' } }); },
    reason: 'Conflict', code: 409, message: /UID in precondition: x, UID in object meta: uid-2$/,
  },
  { name: 'create with a resourceVersion → BadRequest', run: (s) => s.create({ ...policy('demo', 'p'), metadata: { name: 'p', namespace: 'demo', resourceVersion: '5' } }), reason: 'BadRequest', code: 400, message: 'resourceVersion should not be set on objects to be created' },
  { name: 'unknown kind → BadRequest', run: (s) => s.create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } }), reason: 'BadRequest', code: 400, message: 'no kind "Gadget" is registered for version "v1"' },
  { name: 'no name → Invalid', run: (s) => s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: '' } }), reason: 'Invalid', code: 422, message: 'Namespace "" is invalid: metadata.name: required: name is required' },
  { name: 'name with a slash → Invalid', run: (s) => s.create(pod('demo', 'a/b')), reason: 'Invalid', code: 422, message: `Pod "a/b" is invalid: metadata.name: invalid value "a/b": may not contain '/'` },
  { name: 'namespaced kind without namespace → Invalid', run: (s) => s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }), reason: 'Invalid', code: 422, message: 'Pod "a" is invalid: metadata.namespace: required: a namespace is required' },
  { name: 'labels not a string map → Invalid', run: (s) => s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'demo', labels: { n: 1 } as unknown as Record<string, string> } }), reason: 'Invalid', code: 422, message: 'Pod "a" is invalid: metadata.labels: expected a map of strings to strings' },
  { name: 'unknown resource → NotFound', run: (s) => s.list({ group: 'x.io', version: 'v1', resource: 'things' }), reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' },
  { name: 'namespaced get without namespace → BadRequest', run: (s) => s.get(POD, 'a'), reason: 'BadRequest', code: 400, message: 'a namespace is required for pods' },
];

for (const c of errorCases) {
  test(`errors: ${c.name}`, () => {
    const s = seeded();
    let err: StoreError | undefined;
    try {
      c.run(s);
    } catch (e) {
      if (e instanceof StoreError) err = e;
      else throw e;
    }
    assert.ok(err !== undefined, 'expected an error');
    expectError(() => { throw err; }, c.reason, c.message);
    assert.equal(err.code, c.code);
    const status = err.toStatus();
    assert.equal(status.kind, 'Status');
    assert.equal(status.status, 'Failure');
    assert.equal(status.code, c.code);
  });
}

test('errors: NotFound Status details name the resource as the API server does', () => {
  const s = seeded();
  const err = expectError(() => s.get(NETPOL, 'p', 'demo'), 'NotFound', /not found/);
  assert.deepEqual(err.toStatus(), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'networkpolicies.networking.k8s.io "p" not found', reason: 'NotFound',
    details: { name: 'p', group: 'networking.k8s.io', kind: 'networkpolicies' }, code: 404,
  });
});

test('update: matching resourceVersion or none succeeds; server metadata is kept; generation follows spec', () => {
  const s = seeded();
  const p1 = s.create(policy('demo', 'p'));
  const p2 = s.update({ ...policy('demo', 'p', { podSelector: { matchLabels: { app: 'web' } } }), metadata: { ...p1.metadata } });
  assert.equal(p2.metadata.resourceVersion, '3');
  assert.equal(p2.metadata.generation, 2);
  assert.equal(p2.metadata.uid, p1.metadata.uid);
  assert.equal(p2.metadata.creationTimestamp, p1.metadata.creationTimestamp);
  // Unconditional: no resourceVersion; a label change does not bump generation.
  const p3 = s.update({ ...policy('demo', 'p', { podSelector: { matchLabels: { app: 'web' } } }), metadata: { name: 'p', namespace: 'demo', labels: { x: 'y' }, creationTimestamp: '1999-01-01T00:00:00Z' } });
  assert.equal(p3.metadata.resourceVersion, '4');
  assert.equal(p3.metadata.generation, 2);
  assert.equal(p3.metadata.creationTimestamp, p1.metadata.creationTimestamp);
  assert.deepEqual(p3.metadata.labels, { x: 'y' });
});

test('update: a no-op update writes nothing and returns the stored object', () => {
  const s = seeded();
  const p = s.create(policy('demo', 'p'));
  const events: WatchEvent[] = [];
  s.watch(NETPOL, { resourceVersion: s.resourceVersion }, (e) => events.push(e));
  const same = s.update({ ...policy('demo', 'p'), metadata: { ...p.metadata } });
  assert.equal(same, p);
  assert.equal(s.resourceVersion, '2');
  assert.deepEqual(events, []);
});

test('status subresource: main updates keep status, status updates change only status', () => {
  const s = seeded();
  s.create(pod('demo', 'a', { app: 'a' }, { status: { phase: 'Pending' } }));
  const withIp = s.update({ ...pod('demo', 'a', { app: 'CHANGED' }), status: { phase: 'Running', podIP: '10.0.0.5' } }, { subresource: 'status' });
  assert.deepEqual(withIp.status, { phase: 'Running', podIP: '10.0.0.5' });
  assert.deepEqual(withIp.metadata.labels, { app: 'a' }, 'a status update ignores metadata changes');
  const relabelled = s.update({ ...pod('demo', 'a', { app: 'b' }), status: { phase: 'Failed' } });
  assert.deepEqual(relabelled.status, { phase: 'Running', podIP: '10.0.0.5' }, 'a main update ignores status');
  assert.deepEqual(relabelled.metadata.labels, { app: 'b' });
});

test('cluster-scoped objects drop a given namespace, as the API server does', () => {
  const s = seeded();
  const n = s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'demo' } });
  assert.equal(n.metadata.namespace, undefined);
  assert.equal(s.get(NODE, 'n1').metadata.name, 'n1');
});

test('dry run: checks everything, returns the would-be object, stores nothing', () => {
  const s = seeded();
  const would = s.create(policy('demo', 'p'), { dryRun: true });
  assert.equal(would.metadata.name, 'p');
  assert.equal(s.resourceVersion, '1');
  expectError(() => s.get(NETPOL, 'p', 'demo'), 'NotFound', /not found/);
  expectError(() => s.create(pod('nope', 'a'), { dryRun: true }), 'NotFound', 'namespaces "nope" not found');
  s.create(policy('demo', 'p'));
  s.delete(NETPOL, 'p', 'demo', { dryRun: true });
  assert.equal(s.get(NETPOL, 'p', 'demo').metadata.name, 'p');
});

test('namespaces: kubernetes.io/metadata.name is set on create and restored on update; phase Active; finalizers defaulted', () => {
  const s = memoryStore();
  const ns = s.create(namespace('demo', { team: 'a', 'kubernetes.io/metadata.name': 'spoofed' }));
  assert.deepEqual(ns.metadata.labels, { team: 'a', 'kubernetes.io/metadata.name': 'demo' });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  const updated = s.update(namespace('demo', { team: 'b' }));
  assert.deepEqual(updated.metadata.labels, { team: 'b', 'kubernetes.io/metadata.name': 'demo' });
  assert.deepEqual(updated.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(updated.status, { phase: 'Active' });
  assert.equal(updated.metadata.generation, 1, 'a label change is not a spec change');
  const rv = s.resourceVersion;
  assert.equal(s.update(namespace('demo', { team: 'b' })), updated, 'the same labels again: a no-op');
  assert.equal(s.resourceVersion, rv);
});

test('namespaces: deleting one deletes its namespaced objects in the same commit, DELETED events for each', () => {
  const s = memoryStore();
  s.create(namespace('demo'));
  s.create(namespace('other'));
  s.create(pod('demo', 'b'));
  s.create(pod('demo', 'a'));
  s.create(policy('demo', 'p'));
  s.create(pod('other', 'keep'));
  s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const events: string[] = [];
  for (const ref of [NS, POD, NETPOL, NODE]) s.watch(ref, { resourceVersion: s.resourceVersion }, (e) => events.push(describeEvent(e)));
  const deleted = s.delete(NS, 'demo');
  assert.equal(deleted.metadata.name, 'demo');
  assert.equal(deleted.metadata.resourceVersion, '11');
  assert.deepEqual(events, ['DELETED demo/a@8', 'DELETED demo/b@9', 'DELETED demo/p@10', 'DELETED demo@11']);
  assert.deepEqual(s.list(POD).items.map((p) => p.metadata.name), ['keep']);
  assert.deepEqual(s.list(NETPOL).items, []);
  assert.equal(s.list(NODE).items.length, 1);
});

test('system namespaces exist from the start and may not be deleted', () => {
  const s = memoryStore({ systemNamespaces: ['default', 'kube-system'] });
  assert.deepEqual(s.list(NS).items.map((n) => n.metadata.name), ['default', 'kube-system']);
  expectError(() => s.delete(NS, 'default'), 'Forbidden', 'namespaces "default" is forbidden: this namespace may not be deleted');
});

test('list: label and field selectors, namespace scope, sorted, with the list resourceVersion', () => {
  const s = memoryStore();
  s.create(namespace('a'));
  s.create(namespace('b'));
  s.create(pod('b', 'web', { app: 'web', tier: 'front' }, { spec: { nodeName: 'n1', containers: [] } }));
  s.create(pod('a', 'web', { app: 'web' }, { spec: { nodeName: 'n2', containers: [] } }));
  s.create(pod('a', 'db', { app: 'db' }, { spec: { nodeName: 'n1', containers: [] } }));
  const names = (items: readonly StoredObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  const cases: ReadonlyArray<{ name: string; opts: Parameters<ObjectStore['list']>[1]; want: string[] }> = [
    { name: 'all namespaces, sorted by namespace then name', opts: {}, want: ['a/db', 'a/web', 'b/web'] },
    { name: 'one namespace', opts: { namespace: 'a' }, want: ['a/db', 'a/web'] },
    { name: 'equality label selector', opts: { labelSelector: 'app=web' }, want: ['a/web', 'b/web'] },
    { name: 'set-based and existence', opts: { labelSelector: 'app in (web,db),!tier' }, want: ['a/db', 'a/web'] },
    { name: 'inequality', opts: { labelSelector: 'app!=web' }, want: ['a/db'] },
    { name: 'field selector on name', opts: { fieldSelector: 'metadata.name=web' }, want: ['a/web', 'b/web'] },
    { name: 'field selector on namespace (negated)', opts: { fieldSelector: 'metadata.namespace!=a' }, want: ['b/web'] },
    { name: 'pod field selector spec.nodeName (what node agents watch by)', opts: { fieldSelector: 'spec.nodeName=n1' }, want: ['a/db', 'b/web'] },
    { name: 'both selectors AND', opts: { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1' }, want: ['b/web'] },
  ];
  for (const c of cases) {
    const list = s.list(POD, c.opts);
    assert.deepEqual(names(list.items), c.want, c.name);
    assert.equal(list.metadata.resourceVersion, '5', c.name);
    assert.equal(list.kind, 'PodList');
  }
  expectError(() => s.list(POD, { fieldSelector: 'spec.foo=x' }), 'BadRequest', 'field label not supported: spec.foo');
  expectError(() => s.list(NETPOL, { fieldSelector: 'spec.nodeName=x' }), 'BadRequest', 'field label not supported: spec.nodeName');
  expectError(() => s.list(POD, { labelSelector: 'app in web' }), 'BadRequest', /expected: '\('/);
});

test('objects handed out cannot change the store', () => {
  const s = seeded();
  const input = policy('demo', 'p', { podSelector: { matchLabels: { a: 'b' } } });
  s.create(input);
  (input.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels['a'] = 'changed';
  assert.deepEqual(s.get(NETPOL, 'p', 'demo').spec, { podSelector: { matchLabels: { a: 'b' } } });
  assert.throws(() => { (s.get(NETPOL, 'p', 'demo').metadata as { name: string }).name = 'x'; }, TypeError);
});

test('close: further writes are refused', () => {
  const s = seeded();
  s.close();
  assert.throws(() => s.create(pod('demo', 'a')), /the store is closed/);
});
