// The agent's records of dropped packets: the policy from the prefix, the pod or node
// behind each address (pods on the pod network first), foreign prefixes skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, ns, pod } from '../engine/test-builders.ts';
import { addressNames, droppedPacketRecords } from './dropped-packets.ts';

test('addressNames names pods on the pod network before host-network pods and nodes', () => {
  const c = cluster({
    namespaces: [ns('demo'), ns('kube-system')],
    nodes: [node('n1', {}, ['10.0.0.1'])],
    pods: [pod('demo/server', {}, ['10.1.0.4', 'fd00::4']), pod('kube-system/proxy', {}, ['10.0.0.1'], { hostNetwork: true })],
  });
  assert.deepEqual([...addressNames(c)].sort(), [['10.0.0.1', 'node n1'], ['10.1.0.4', 'pod demo/server'], ['fd00::4', 'pod demo/server']]);
});

test('droppedPacketRecords keeps our drops, with names where the addresses are known', () => {
  const names = new Map([['10.1.0.4', 'pod demo/server'], ['10.1.0.5', 'pod demo/client']]);
  const base = { family: 4 as const, protocol: 'TCP' as const };
  const records = droppedPacketRecords([
    { ...base, prefix: 'palisade drop NetworkPolicy demo/demo-policy: ', src: '10.1.0.5', dst: '10.1.0.4', srcPort: 40000, dstPort: 80 },
    { ...base, prefix: 'someone else: ', src: '10.1.0.5', dst: '10.1.0.4' },
    { family: 4, protocol: 'ICMP', prefix: 'palisade drop ClusterNetworkPolicy deny-all: ', src: '192.0.2.1', dst: '10.1.0.4' },
  ], names);
  assert.deepEqual(records, [
    { policy: 'NetworkPolicy demo/demo-policy', protocol: 'TCP', src: '10.1.0.5', srcPort: 40000, srcName: 'pod demo/client', dst: '10.1.0.4', dstPort: 80, dstName: 'pod demo/server' },
    { policy: 'ClusterNetworkPolicy deny-all', protocol: 'ICMP', src: '192.0.2.1', dst: '10.1.0.4', dstName: 'pod demo/server' },
  ]);
});
