// @kubernetes/client-node against the embedded API server over a real socket and TLS,
// unchanged: typed CoreV1Api / NetworkingV1Api calls, the generic KubernetesObjectApi,
// the Watch class, a 410 Gone answered by a relist, and an informer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { ObjectStore } from '../../src/store/object-store.ts';
import { loopbackServer } from '../../src/server/test-support.ts';

async function start(t: { after(fn: () => unknown): void }, historySize?: number): Promise<{ kc: k8s.KubeConfig; store: ObjectStore }> {
  const { store, kubeconfig, close } = await loopbackServer({ store: historySize === undefined ? {} : { historySize }, dirPrefix: 'palisade-client-node-' });
  t.after(close);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kc, store };
}

test('client-node: create and list namespaces and pods with CoreV1Api', async (t) => {
  const { kc } = await start(t);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'demo' } } });
  await core.createNamespacedPod({
    namespace: 'demo',
    body: { metadata: { name: 'server', labels: { app: 'server' } }, spec: { containers: [{ name: 'server', image: 'agnhost', ports: [{ containerPort: 80 }] }] } },
  });
  const pods = await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=server' });
  assert.deepEqual(pods.items.map((p) => p.metadata?.name), ['server']);
  assert.equal(pods.items[0]?.status?.phase, 'Pending');
  const ns = await core.readNamespace({ name: 'demo' });
  assert.equal(ns.metadata?.labels?.['kubernetes.io/metadata.name'], 'demo');
});

test('client-node: an invalid NetworkPolicy is rejected with 422 and the field path', async (t) => {
  const { kc, store } = await start(t);
  const net = kc.makeApiClient(k8s.NetworkingV1Api);
  await assert.rejects(
    net.createNamespacedNetworkPolicy({
      namespace: 'default',
      body: { metadata: { name: 'bad' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCPX' }] }] } },
    }),
    (err: unknown) => err instanceof k8s.ApiException && err.code === 422 && String(err.body).includes('spec.ingress[0].ports[0].protocol'),
  );
  assert.deepEqual(store.list({ group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' }).items, []);
});

test('client-node: KubernetesObjectApi create, patch, read, delete', async (t) => {
  const { kc } = await start(t);
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const spec = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'default' }, spec: { podSelector: {} } };
  await api.create(spec);
  await api.patch({ ...spec, metadata: { ...spec.metadata, labels: { team: 'blue' } } }, undefined, undefined, undefined, undefined, k8s.PatchStrategy.StrategicMergePatch);
  const read = await api.read({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'p', namespace: 'default' } });
  assert.deepEqual(read.metadata?.labels, { team: 'blue' });
  await api.delete({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'p', namespace: 'default' } });
  await assert.rejects(api.read({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'p', namespace: 'default' } }),
    (err: unknown) => err instanceof k8s.ApiException && err.code === 404);
});

test('client-node: Watch streams events; a 410 ERROR leads to a relist and a resumed watch', async (t) => {
  const { kc, store } = await start(t, 1);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const name of ['a', 'b', 'c', 'd']) await core.createNamespace({ body: { metadata: { name } } });
  const watch = new k8s.Watch(kc);
  const phases: string[] = [];
  let expired: { code?: number; reason?: string } | undefined;
  await new Promise<void>((resolve, reject) => {
    watch.watch('/api/v1/namespaces', { resourceVersion: '1' }, (phase, obj: { code?: number; reason?: string }) => {
      phases.push(phase);
      if (phase === 'ERROR') expired = obj;
    }, (err: unknown) => (err === null || err === undefined ? resolve() : reject(err as Error))).catch(reject);
  });
  assert.deepEqual(phases, ['ERROR']);
  assert.equal(expired?.code, 410);
  assert.equal(expired?.reason, 'Expired');
  // Relist, then watch from the list's resourceVersion: only later changes arrive.
  const list = await core.listNamespace();
  const seen: string[] = [];
  const events = new Promise<void>((resolve) => {
    void watch.watch('/api/v1/namespaces', { resourceVersion: list.metadata?.resourceVersion }, (phase, obj: k8s.V1Namespace) => {
      seen.push(`${phase} ${obj.metadata?.name ?? ''}`);
      if (seen.length === 2) resolve();
    }, () => undefined).then((ctl) => t.after(() => ctl.abort()));
  });
  await core.createNamespace({ body: { metadata: { name: 'e' } } });
  await core.deleteNamespace({ name: 'e' });
  await events;
  assert.deepEqual(seen, ['ADDED e', 'DELETED e']);
  assert.ok(Number(store.resourceVersion) > Number(list.metadata?.resourceVersion));
});

test('client-node: an informer lists, then follows changes', async (t) => {
  const { kc } = await start(t);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'demo' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/demo/pods', () => core.listNamespacedPod({ namespace: 'demo' }));
  const added: string[] = [];
  const gotB = new Promise<void>((resolve) => informer.on('add', (p: k8s.V1Pod) => {
    added.push(p.metadata?.name ?? '');
    if (p.metadata?.name === 'b') resolve();
  }));
  const pod = (name: string): k8s.V1Pod => ({ metadata: { name }, spec: { containers: [{ name, image: 'agnhost' }] } });
  await core.createNamespacedPod({ namespace: 'demo', body: pod('a') });
  await informer.start();
  t.after(() => informer.stop());
  await core.createNamespacedPod({ namespace: 'demo', body: pod('b') });
  await gotB;
  assert.deepEqual(added, ['a', 'b']);
  assert.deepEqual(informer.list('demo').map((p) => p.metadata?.name).sort(), ['a', 'b']);
});
