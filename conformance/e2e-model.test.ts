// The x/y/z model must match upstream model.go: labels, port names, and distinct pinned IPs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E2E_PODS, e2eCluster, e2ePodIp, e2ePortName } from './e2e-model.ts';

test('nine pods in upstream order with distinct IPs', () => {
  assert.deepEqual(E2E_PODS, ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c']);
  assert.equal(e2ePodIp('x', 'a'), '10.10.0.1');
  assert.equal(e2ePodIp('z', 'c'), '10.10.0.9');
  const ips = new Set(E2E_PODS.map((p) => { const [ns, name] = p.split('/'); return e2ePodIp(ns as 'x', name as 'a'); }));
  assert.equal(ips.size, 9);
});

test('manifests carry upstream labels and one container per port and protocol', () => {
  const objects = e2eCluster({ ports: [80, 81], protocols: ['TCP', 'UDP'] });
  const namespaces = objects.filter((o) => o['kind'] === 'Namespace');
  assert.deepEqual(namespaces.map((n) => n['metadata']), [
    { name: 'x', labels: { ns: 'x' } }, { name: 'y', labels: { ns: 'y' } }, { name: 'z', labels: { ns: 'z' } },
  ]);
  const yb = objects.find((o) => o['kind'] === 'Pod' && (o['metadata'] as { name: string; namespace: string }).namespace === 'y' && (o['metadata'] as { name: string }).name === 'b');
  assert.ok(yb);
  assert.deepEqual((yb['metadata'] as { labels: unknown }).labels, { pod: 'b' });
  assert.deepEqual(yb['status'], { phase: 'Running', podIP: '10.10.0.5', podIPs: [{ ip: '10.10.0.5' }] });
  const containers = (yb['spec'] as { containers: Array<{ name: string; ports: unknown[] }> }).containers;
  assert.deepEqual(containers.map((c) => c.name), ['cont-80-tcp', 'cont-80-udp', 'cont-81-tcp', 'cont-81-udp']);
  assert.deepEqual(containers[3]?.ports, [{ containerPort: 81, name: 'serve-81-udp', protocol: 'UDP' }]);
  assert.equal(e2ePortName(80, 'SCTP'), 'serve-80-sctp');
});
