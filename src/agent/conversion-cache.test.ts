// Conversion is cached per (kind, uid, resourceVersion): a rebuild converts only the
// objects that changed, replays the issues of cached ones, and forgets objects that left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { buildModel } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';

function obj(kind: string, name: string, rv: string, extra: Record<string, unknown> = {}): SourceObject {
  const namespaced = kind !== 'Namespace';
  return {
    apiVersion: kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'v1', kind,
    metadata: { name, ...(namespaced ? { namespace: 'demo' } : {}), uid: `uid-${kind}-${name}`, resourceVersion: rv, creationTimestamp: '2025-01-01T00:00:00Z' },
    ...extra,
  } as SourceObject;
}

const running = (ip: string): Record<string, unknown> => ({ spec: { containers: [{ name: 'c', image: 'x' }] }, status: { podIP: ip } });

test('only changed objects are converted again; issues of cached objects are still reported', () => {
  const cache = new ConversionCache();
  const bad = obj('NetworkPolicy', 'bad', '4', { spec: { podSelector: {}, ingress: [{ ports: [{ endPort: 9 }] }] } });
  const objects = [obj('Namespace', 'demo', '1'), obj('Pod', 'a', '2', running('10.0.0.1')), obj('Pod', 'b', '3', running('10.0.0.2')), bad];
  const first = buildModel(objects, DEFAULT_HANDLERS, cache);
  assert.equal(cache.misses, 4);
  assert.equal(first.snapshot.problems.length, 1);
  assert.equal(first.snapshot.cluster.pods.length, 2);
  const changed = [...objects.slice(0, 2), obj('Pod', 'b', '5', { ...running('10.0.0.2'), metadata: { name: 'b', namespace: 'demo', uid: 'uid-Pod-b', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z', labels: { x: 'y' } } }), bad];
  const second = buildModel(changed, DEFAULT_HANDLERS, cache);
  assert.equal(cache.misses, 5, 'only pod b (new resourceVersion) converted again');
  assert.equal(cache.hits, 3);
  assert.equal(second.snapshot.problems.length, 1, 'the cached object\'s problem is reported again');
  assert.deepEqual(second.snapshot.cluster.pods.find((p) => p.name === 'b')?.labels, { x: 'y' });
  buildModel(changed.slice(0, 1), DEFAULT_HANDLERS, cache);
  assert.equal(cache.size, 1, 'objects that are gone are forgotten');
});

test('pods without an address yet, and finished pods, are left out (no invented addresses in a node table)', () => {
  const cache = new ConversionCache();
  const pending = obj('Pod', 'pending', '2', { spec: { containers: [{ name: 'c', image: 'x' }] } });
  const done = obj('Pod', 'done', '3', { ...running('10.0.0.9'), status: { phase: 'Succeeded', podIP: '10.0.0.9' } });
  const host = obj('Pod', 'host', '4', { spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] } });
  const m = buildModel([obj('Namespace', 'demo', '1'), pending, done, host, obj('Pod', 'ok', '5', running('10.0.0.1'))], DEFAULT_HANDLERS, cache);
  assert.deepEqual(m.snapshot.cluster.pods.map((p) => p.name), ['host', 'ok']);
  assert.equal(m.podsWithoutAddress, 2);
});
