// The embedded store's status writer: sets and clears the palisade.io/enforcement
// annotation, keeps the other annotations, skips writes that change nothing, ignores
// objects that are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore, namespace, NETPOL, policy } from '../store/test-support.ts';
import { ENFORCEMENT_ANNOTATION } from './status-writer.ts';
import { storeStatusWriter } from './store-status-writer.ts';

const REF = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' };

test('sets, rewrites only on change, clears, and leaves other annotations alone', async () => {
  const store = memoryStore();
  store.create(namespace('demo'));
  const p = policy('demo', 'p');
  store.create({ ...p, metadata: { ...p.metadata, annotations: { owner: 'team-a' } } });
  const w = storeStatusWriter(store);
  await w.write(REF, { state: 'Partial', messages: ['FQDN'] });
  const a = store.get(NETPOL, 'p', 'demo');
  assert.deepEqual(a.metadata.annotations, { owner: 'team-a', [ENFORCEMENT_ANNOTATION]: '{"state":"Partial","messages":["FQDN"]}' });
  await w.write(REF, { state: 'Partial', messages: ['FQDN'] });
  assert.equal(store.get(NETPOL, 'p', 'demo').metadata.resourceVersion, a.metadata.resourceVersion, 'no write when nothing changes');
  await w.write(REF, null);
  assert.deepEqual(store.get(NETPOL, 'p', 'demo').metadata.annotations, { owner: 'team-a' });
  await w.write({ ...REF, name: 'gone' }, { state: 'Rejected', messages: [] });
  store.close();
});
