// The embedded store as an object source: initial lists then synced, ordered events,
// resources taken from the registry (only those src/api converts), a broken watch resumed
// from the last resourceVersion, a forced 410 Gone (tiny watch history) → relist, backoff
// of failures, and stop(). Contract: object-source.ts (after client-go's reflector:
// k8s.io/client-go/tools/cache/reflector.go, relist on "too old resource version").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handlerTable, KIND_HANDLERS } from '../api/handlers.ts';
import type { KindHandler } from '../api/dialect.ts';
import { memoryStore, namespace, pod, policy, POD } from '../store/test-support.ts';
import { ResourceRegistry, CORE_RESOURCES } from '../store/resource-registry.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { GoneError } from '../store/store-errors.ts';
import { convertibleResources, embeddedStoreSource } from './embedded-store-source.ts';
import { manualTimers, recordingHandler } from './test-support.ts';

const CORE = ['/v1/namespaces', '/v1/pods', '/v1/nodes', '/v1/services', 'networking.k8s.io/v1/networkpolicies'];

// The core resources only, so these cases don't change each time a dialect registers its CRDs.
const coreStore = () => memoryStore({ registry: new ResourceRegistry(CORE_RESOURCES) });

test('initial lists of every convertible resource, then synced, then ordered events', () => {
  const store = coreStore();
  store.create(namespace('demo'));
  store.create(pod('demo', 'a', { app: 'a' }));
  const rec = recordingHandler();
  const sub = embeddedStoreSource(store, { timers: manualTimers() }).start(rec.handler);
  assert.deepEqual(rec.log, [
    'replace /v1/namespaces [demo]',
    'replace /v1/pods [demo/a]',
    'replace /v1/nodes []',
    'replace /v1/services []',
    'replace networking.k8s.io/v1/networkpolicies []',
    'synced',
  ]);
  rec.log.length = 0;
  store.create(policy('demo', 'p'));
  const a = store.get(POD, 'a', 'demo');
  store.update({ ...a, metadata: { ...a.metadata, labels: { app: 'b' } } });
  store.delete(POD, 'a', 'demo');
  assert.deepEqual(rec.log, [
    'ADDED networking.k8s.io/v1/networkpolicies demo/p@3',
    'MODIFIED /v1/pods demo/a@4',
    'DELETED /v1/pods demo/a@5',
  ]);
  sub.stop();
  store.create(pod('demo', 'after'));
  assert.equal(rec.log.length, 3, 'no event after stop()');
  store.close();
});

test('resources come from the registry: a registered kind is followed only when src/api can convert it', () => {
  const crd: ResourceType = { group: 'example.io', version: 'v1', resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: true, statusSubresource: false };
  const store = memoryStore({ registry: new ResourceRegistry([...CORE_RESOURCES, crd]) });
  const keys = (types: readonly ResourceType[]): string[] => types.map((t) => `${t.group}/${t.version}/${t.resource}`);
  assert.deepEqual(keys(convertibleResources(store)), CORE, 'Widget has no handler: not followed');
  const widget: KindHandler = { apiVersion: 'example.io/v1', kind: 'Widget', decode: () => ({ objects: [] }) };
  const handlers = handlerTable([...KIND_HANDLERS, widget]);
  assert.deepEqual(keys(convertibleResources(store, handlers)), [...CORE, 'example.io/v1/widgets'], 'a dialect with a handler is picked up');
  const rec = recordingHandler();
  embeddedStoreSource(store, { handlers, timers: manualTimers() }).start(rec.handler).stop();
  assert.ok(rec.log.includes('replace example.io/v1/widgets []'));
  store.close();
});

test('a broken watch resumes from the last resourceVersion seen: the failed event is replayed, nothing relisted', () => {
  const store = memoryStore();
  store.create(namespace('demo'));
  const timers = manualTimers();
  const rec = recordingHandler();
  embeddedStoreSource(store, { timers, backoff: { baseMs: 50 } }).start(rec.handler);
  rec.log.length = 0;
  rec.throwOnNextEvent();
  store.create(pod('demo', 'a'));
  assert.deepEqual(rec.log, [], 'the consumer threw on the event');
  assert.equal(rec.errors.length, 1);
  assert.deepEqual(timers.pending(), [50], 'resume after the first backoff step');
  store.create(pod('demo', 'b'));
  assert.deepEqual(rec.log, [], 'nothing delivered while the watch is down');
  timers.fireAll();
  assert.deepEqual(rec.log, ['ADDED /v1/pods demo/a@2', 'ADDED /v1/pods demo/b@3']);
  store.create(pod('demo', 'c'));
  assert.deepEqual(rec.log.at(-1), 'ADDED /v1/pods demo/c@4');
  store.close();
});

test('forced 410: the resume point fell out of the (tiny) watch history → relist, then events relative to it', () => {
  const store = memoryStore({ historySize: 2 });
  store.create(namespace('demo'));
  const timers = manualTimers();
  const rec = recordingHandler();
  embeddedStoreSource(store, { timers }).start(rec.handler);
  rec.log.length = 0;
  rec.throwOnNextEvent();
  store.create(pod('demo', 'p0'));
  for (let i = 1; i <= 8; i++) store.create(pod('demo', `p${i}`));
  store.delete(POD, 'p0', 'demo');
  assert.throws(() => store.watch(POD, { resourceVersion: '1' }, () => undefined), GoneError, 'precondition: rv 1 is gone');
  timers.fireAll();
  assert.deepEqual(rec.log, ['replace /v1/pods [demo/p1 demo/p2 demo/p3 demo/p4 demo/p5 demo/p6 demo/p7 demo/p8]'], 'relisted, without p0 (deleted meanwhile)');
  store.delete(POD, 'p1', 'demo');
  assert.equal(rec.log.at(-1), 'DELETED /v1/pods demo/p1@12');
  assert.equal(rec.log.filter((l) => l === 'synced').length, 0, 'synced is said once, at the start');
  store.close();
});

test('failures back off exponentially and stop() cancels the pending retry', () => {
  const store = coreStore();
  const timers = manualTimers();
  const rec = recordingHandler();
  const sub = embeddedStoreSource(store, { timers, backoff: { baseMs: 10, maxMs: 35 } }).start(rec.handler);
  store.close();
  // The store closing ends the watches: each resource schedules a resume, which fails again.
  assert.deepEqual(timers.pending(), [10, 10, 10, 10, 10]);
  timers.fireAll();
  assert.deepEqual(timers.pending(), [20, 20, 20, 20, 20]);
  timers.fireAll();
  timers.fireAll();
  assert.deepEqual(timers.pending(), [35, 35, 35, 35, 35], 'capped');
  assert.ok(rec.errors.length >= 15);
  sub.stop();
  assert.deepEqual(timers.pending(), []);
});
