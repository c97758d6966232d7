// Watch semantics as the API server's watch cache serves them
// (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes,
// #semantics-for-watch, #watch-bookmarks, #streaming-lists): ordered
// ADDED/MODIFIED/DELETED from a resourceVersion, the current state first when none is
// given, selector transitions as ADDED/DELETED (k8s.io/apiserver/pkg/storage/cacher
// cache_watcher.go convertToWatchEvent), BOOKMARKs, and 410 for a version older than
// the retained history (storage/cacher watch_cache.go "too old resource version").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectStore, WatchOptions } from './object-store.ts';
import { GoneError, StoreError } from './store-errors.ts';
import type { WatchEvent } from './store-object.ts';
import { NETPOL, NS, POD, describeEvent, memoryStore, namespace, pod, policy } from './test-support.ts';

/** demo namespace (rv 1), pods a (2) and b (3), relabel a (4), delete b (5). */
function history(): ObjectStore {
  const s = memoryStore();
  s.create(namespace('demo'));
  s.create(pod('demo', 'a', { app: 'web' }));
  s.create(pod('demo', 'b', { app: 'db' }));
  s.update(pod('demo', 'a', { app: 'web', v: '2' }));
  s.delete(POD, 'b', 'demo');
  return s;
}

function record(s: ObjectStore, opts: WatchOptions): string[] {
  const out: string[] = [];
  s.watch(POD, opts, (e) => out.push(describeEvent(e)));
  return out;
}

const cases: ReadonlyArray<{ name: string; opts: WatchOptions; after?: (s: ObjectStore) => void; want: string[] }> = [
  { name: 'from rv 0: current state as ADDED, then live changes', opts: { resourceVersion: '0' }, after: (s) => s.create(pod('demo', 'c')), want: ['ADDED demo/a@4', 'ADDED demo/c@6'] },
  { name: 'no rv: same as 0', opts: {}, want: ['ADDED demo/a@4'] },
  { name: 'from rv 1: every change after it, in order', opts: { resourceVersion: '1' }, want: ['ADDED demo/a@2', 'ADDED demo/b@3', 'MODIFIED demo/a@4', 'DELETED demo/b@5'] },
  { name: 'from rv 3: only later changes', opts: { resourceVersion: '3' }, want: ['MODIFIED demo/a@4', 'DELETED demo/b@5'] },
  { name: 'from the current rv: nothing until the next change', opts: { resourceVersion: '5' }, after: (s) => s.delete(POD, 'a', 'demo'), want: ['DELETED demo/a@6'] },
  { name: 'label selector applies to replayed and live events', opts: { resourceVersion: '1', labelSelector: 'app=db' }, after: (s) => s.create(pod('demo', 'd', { app: 'db' })), want: ['ADDED demo/b@3', 'DELETED demo/b@5', 'ADDED demo/d@6'] },
  {
    name: 'an object leaving the selector is DELETED, entering it is ADDED',
    opts: { resourceVersion: '5', labelSelector: 'v=2' },
    after: (s) => { s.update(pod('demo', 'a', { app: 'web' })); s.update(pod('demo', 'a', { app: 'web', v: '2' })); },
    want: ['DELETED demo/a@6', 'ADDED demo/a@7'],
  },
  { name: 'namespace scope', opts: { resourceVersion: '5', namespace: 'other' }, after: (s) => { s.create(namespace('other')); s.create(pod('other', 'x')); s.create(pod('demo', 'y')); }, want: ['ADDED other/x@7'] },
  { name: 'bookmarks only when allowed: initial-events-end then on request', opts: { sendInitialEvents: true, allowBookmarks: true, resourceVersion: '' }, after: (s) => s.bookmark(), want: ['ADDED demo/a@4', 'BOOKMARK @5', 'BOOKMARK @5'] },
  { name: 'no bookmarks unless allowed', opts: { resourceVersion: '5' }, after: (s) => s.bookmark(), want: [] },
];

for (const c of cases) {
  test(`watch: ${c.name}`, () => {
    const s = history();
    const events = record(s, c.opts);
    c.after?.(s);
    assert.deepEqual(events, c.want);
  });
}

test('watch: the bookmark ending initial events carries the k8s.io/initial-events-end annotation', () => {
  const s = history();
  const events: WatchEvent[] = [];
  s.watch(POD, { sendInitialEvents: true, allowBookmarks: true }, (e) => events.push(e));
  const bookmark = events.at(-1);
  assert.deepEqual(bookmark, { type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '5', annotations: { 'k8s.io/initial-events-end': 'true' } } } });
});

test('watch: a resourceVersion older than the retained history → GoneError (410 Expired); relist and rewatch works', () => {
  const s = memoryStore({ historySize: 2 });
  s.create(namespace('demo'));
  for (let i = 0; i < 6; i++) s.create(pod('demo', `p${i}`));
  let err: unknown;
  try {
    s.watch(POD, { resourceVersion: '1' }, () => undefined);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GoneError);
  assert.equal(err.code, 410);
  assert.equal(err.reason, 'Expired');
  assert.match(err.message, /^too old resource version: 1 \(\d+\)$/);
  const list = s.list(POD);
  const events = record(s, { resourceVersion: list.metadata.resourceVersion });
  s.create(pod('demo', 'late'));
  assert.deepEqual(events, ['ADDED demo/late@8']);
});

test('watch: a resourceVersion newer than the store → Timeout (504), a malformed one → BadRequest', () => {
  const s = history();
  assert.throws(() => s.watch(POD, { resourceVersion: '99' }, () => undefined), (e: unknown) => e instanceof StoreError && e.code === 504 && e.message === 'Too large resource version: 99, current: 5');
  assert.throws(() => s.watch(POD, { resourceVersion: 'abc' }, () => undefined), (e: unknown) => e instanceof StoreError && e.reason === 'BadRequest');
});

test('watch: events stay in resourceVersion order for every watcher even when a listener writes', () => {
  const s = history();
  const first: string[] = [];
  const second: string[] = [];
  s.watch(POD, { resourceVersion: '5' }, (e) => {
    first.push(describeEvent(e));
    // A controller reacting to an event by writing (the agent does this with status).
    if (e.type === 'ADDED' && e.object.metadata.name === 'c') s.create(pod('demo', 'c-child'));
  });
  s.watch(POD, { resourceVersion: '5' }, (e) => second.push(describeEvent(e)));
  s.create(pod('demo', 'c'));
  s.create(pod('demo', 'd'));
  const want = ['ADDED demo/c@6', 'ADDED demo/c-child@7', 'ADDED demo/d@8'];
  assert.deepEqual(first, want);
  assert.deepEqual(second, want);
});

test('watch: stop, abort signal and a throwing listener end a watch; onClose is told once', () => {
  const s = history();
  const closed: string[] = [];
  const got: string[] = [];
  const w1 = s.watch(POD, { resourceVersion: '5', onClose: () => closed.push('w1') }, (e) => got.push(`w1 ${describeEvent(e)}`));
  const ac = new AbortController();
  s.watch(POD, { resourceVersion: '5', signal: ac.signal, onClose: () => closed.push('w2') }, (e) => got.push(`w2 ${describeEvent(e)}`));
  s.watch(POD, { resourceVersion: '5', onClose: (err) => closed.push(`w3 ${String(err)}`) }, () => { throw new Error('boom'); });
  s.create(pod('demo', 'c'));
  w1.stop();
  w1.stop();
  ac.abort();
  s.create(pod('demo', 'd'));
  assert.equal(w1.stopped, true);
  assert.deepEqual(got, ['w1 ADDED demo/c@6', 'w2 ADDED demo/c@6']);
  assert.deepEqual(closed, ['w3 Error: boom', 'w1', 'w2']);
});

test('watch: a namespace delete cascade reaches pod and policy watchers in commit order', () => {
  const s = history();
  s.create(policy('demo', 'p'));
  const all: string[] = [];
  s.watch(POD, { resourceVersion: s.resourceVersion }, (e) => all.push(`pod ${describeEvent(e)}`));
  s.watch(NETPOL, { resourceVersion: s.resourceVersion }, (e) => all.push(`netpol ${describeEvent(e)}`));
  s.watch(NS, { resourceVersion: s.resourceVersion }, (e) => all.push(`ns ${describeEvent(e)}`));
  s.delete(NS, 'demo');
  assert.deepEqual(all, ['pod DELETED demo/a@7', 'netpol DELETED demo/p@8', 'ns DELETED demo@9']);
});

test('watch: close ends all watches', () => {
  const s = history();
  const closed: string[] = [];
  s.watch(POD, { onClose: () => closed.push('a') }, () => undefined);
  s.watch(NS, { onClose: () => closed.push('b') }, () => undefined);
  s.close();
  assert.deepEqual(closed, ['a', 'b']);
});
