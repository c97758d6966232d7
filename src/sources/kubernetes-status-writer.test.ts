// The real-cluster StatusWriter against the embedded API server over HTTPS through a
// client-node KubeConfig: a report is set and cleared as the `palisade.io/enforcement`
// annotation by JSON merge patch (other annotations untouched), and a vanished object is
// not an error. Contract: status-writer.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { loopbackServer } from '../server/test-support.ts';
import { CORE_RESOURCES } from '../store/resource-registry.ts';
import { namespace, NETPOL, policy } from '../store/test-support.ts';
import { kubernetesStatusWriter } from './kubernetes-status-writer.ts';
import { ENFORCEMENT_ANNOTATION } from './status-writer.ts';

test('kubernetesStatusWriter: sets and clears the enforcement annotation by merge patch; a missing object is fine', async (t) => {
  const { store, kubeconfig, close } = await loopbackServer({ dirPrefix: 'palisade-status-writer-' });
  t.after(close);
  store.create(namespace('demo'));
  const p = policy('demo', 'p');
  store.create({ ...p, metadata: { ...p.metadata, annotations: { owner: 'team-a' } } });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const writer = kubernetesStatusWriter(kc, CORE_RESOURCES);
  const ref = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' };

  await writer.write(ref, { state: 'Partial', messages: ['spec.ingress[0]: L7 rules are not enforced'] });
  assert.deepEqual(store.get(NETPOL, 'p', 'demo').metadata.annotations, {
    owner: 'team-a', [ENFORCEMENT_ANNOTATION]: '{"state":"Partial","messages":["spec.ingress[0]: L7 rules are not enforced"]}',
  });
  await writer.write(ref, null);
  assert.deepEqual(store.get(NETPOL, 'p', 'demo').metadata.annotations, { owner: 'team-a' });
  await writer.write({ ...ref, name: 'gone' }, { state: 'Rejected', messages: ['x'] });
  await assert.rejects(writer.write({ apiVersion: 'example.io/v1', kind: 'Widget', name: 'w' }, null), /not a followed resource/);
});
