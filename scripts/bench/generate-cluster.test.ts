// Tests for the benchmark cluster generator: determinism, exact sizes, unique addresses
// and names, every policy shape present, and manifests that the real api accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot } from '../../src/api/snapshot.ts';
import { canonicalIp } from '../../src/model/ip.ts';
import { CLUSTER_SIZES, POLICY_SHAPES, generateCluster } from './generate-cluster.ts';
import type { GeneratedCluster } from './generate-cluster.ts';

interface Meta { name: string; namespace?: string; labels?: Record<string, string> }
interface RawObject { kind: string; metadata: Meta; spec?: Record<string, unknown>; status?: Record<string, unknown> }

const objects = (g: GeneratedCluster, kind: string): RawObject[] =>
  g.documents.map((d) => d.object as RawObject).filter((o) => o.kind === kind);

// Kubernetes' name and label grammar (k8s.io/apimachinery/pkg/util/validation).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const small = generateCluster(CLUSTER_SIZES['1k']);
const medium = generateCluster(CLUSTER_SIZES['10k']);

test('generation is deterministic and never calls Math.random', () => {
  const original = Math.random;
  Math.random = () => { throw new Error('Math.random called'); };
  try {
    const again = generateCluster(CLUSTER_SIZES['1k']);
    assert.deepEqual(again.documents, small.documents);
  } finally {
    Math.random = original;
  }
  const otherSeed = generateCluster({ ...CLUSTER_SIZES['1k'], seed: 7 });
  assert.notDeepEqual(otherSeed.documents.map((d) => d.object), small.documents.map((d) => d.object));
});

for (const g of [small, medium]) {
  const { shape } = g;
  test(`${shape.name}: exact pod, namespace and policy counts`, () => {
    assert.equal(objects(g, 'Pod').length, shape.pods);
    assert.equal(objects(g, 'Namespace').length, shape.namespaces);
    assert.equal(objects(g, 'NetworkPolicy').length, shape.policies);
    assert.deepEqual(
      { pods: g.counts.pods, namespaces: g.counts.namespaces, policies: g.counts.policies },
      { pods: shape.pods, namespaces: shape.namespaces, policies: shape.policies },
    );
    assert.equal(Object.values(g.shapeCounts).reduce((a, b) => a + b, 0), shape.policies);
    assert.ok(g.counts.dualStackPods > 0, 'some pods are dual-stack');
    assert.ok(g.counts.hostNetworkPods > 0, 'some pods use the host network');
  });

  test(`${shape.name}: documents are indexed in order with one source`, () => {
    g.documents.forEach((d, i) => {
      assert.equal(d.index, i);
      assert.equal(d.source, `generated/${shape.name}.yaml`);
    });
  });

  test(`${shape.name}: pod IPs are canonical and unique across the cluster`, () => {
    const seen = new Set<string>();
    for (const pod of objects(g, 'Pod')) {
      const status = pod.status as { podIP: string; podIPs: { ip: string }[] };
      assert.equal(status.podIPs[0]?.ip, status.podIP);
      for (const { ip } of status.podIPs) {
        assert.equal(canonicalIp(ip), ip, `canonical ${ip}`);
        assert.ok(!seen.has(ip), `duplicate pod IP ${ip}`);
        seen.add(ip);
      }
    }
    assert.ok([...seen].some((ip) => ip.includes(':')), 'some IPv6');
  });

  test(`${shape.name}: names are unique per namespace and kind, labels are valid`, () => {
    const namespaces = new Set(objects(g, 'Namespace').map((n) => n.metadata.name));
    for (const kind of ['Namespace', 'Pod', 'NetworkPolicy', 'Node']) {
      const keys = objects(g, kind).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      assert.equal(new Set(keys).size, keys.length, `${kind} names unique`);
    }
    for (const o of g.documents.map((d) => d.object as RawObject)) {
      assert.ok(o.metadata.name.length <= 63 && DNS_LABEL.test(o.metadata.name), `name ${o.metadata.name}`);
      if (o.kind === 'Pod' || o.kind === 'NetworkPolicy') assert.ok(namespaces.has(o.metadata.namespace ?? ''), `namespace of ${o.metadata.name}`);
      for (const value of Object.values(o.metadata.labels ?? {})) assert.ok(value.length <= 63 && LABEL_VALUE.test(value), `label value ${value}`);
    }
    for (const ns of objects(g, 'Namespace')) assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], ns.metadata.name);
  });

  test(`${shape.name}: named ports in policies exist on some pod; endPort >= port`, () => {
    const declared = new Set<string>();
    for (const pod of objects(g, 'Pod')) {
      for (const c of (pod.spec as { containers: { ports: { name?: string }[] }[] }).containers) {
        for (const p of c.ports) if (p.name !== undefined) declared.add(p.name);
      }
    }
    const named = new Set<string>();
    for (const np of objects(g, 'NetworkPolicy')) {
      const spec = np.spec as { ingress?: { ports?: { port?: number | string; endPort?: number }[] }[]; egress?: { ports?: { port?: number | string; endPort?: number }[] }[] };
      for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
        for (const p of rule.ports ?? []) {
          if (typeof p.port === 'string') named.add(p.port);
          if (p.endPort !== undefined) assert.ok(typeof p.port === 'number' && p.endPort >= p.port);
        }
      }
    }
    assert.ok(named.size >= 5, `named ports used: ${[...named].join(',')}`);
    for (const n of named) assert.ok(declared.has(n), `named port ${n} is declared by some pod`);
  });
}

test('1k: every policy shape of the catalogue appears', () => {
  for (const s of POLICY_SHAPES) assert.ok(small.shapeCounts[s] > 0, `shape ${s}`);
});

test('1k: policies use In, NotIn, Exists, DoesNotExist, ipBlock except and endPort', () => {
  const text = JSON.stringify(objects(small, 'NetworkPolicy'));
  for (const needle of ['"operator":"In"', '"operator":"NotIn"', '"operator":"Exists"', '"operator":"DoesNotExist"', '"except":[', '"endPort":', '"cidr":"::/0"']) {
    assert.ok(text.includes(needle), needle);
  }
});

for (const g of [small, medium]) {
  test(`${g.shape.name}: the real api accepts every generated manifest (buildSnapshot, zero problems)`, () => {
    const snapshot = buildSnapshot(g.documents);
    assert.deepEqual(snapshot.problems, []);
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.cluster.pods.length, g.shape.pods);
    assert.equal(snapshot.cluster.namespaces.length, g.shape.namespaces);
    assert.equal(snapshot.cluster.nodes.length, g.counts.nodes);
    assert.equal(snapshot.policies.policies.length, g.shape.policies);
    assert.equal(snapshot.cluster.pods.filter((p) => p.hostNetwork).length, g.counts.hostNetworkPods);
  });
}

test('150k: exact counts, unique pod addresses and valid node addresses at full scale', () => {
  const big = generateCluster(CLUSTER_SIZES['150k']);
  assert.equal(big.counts.pods, 150_000);
  assert.equal(big.counts.namespaces, 10_000);
  assert.equal(big.counts.policies, 20_000);
  const podIps = new Set<string>();
  const nodeIps = new Set<string>();
  let count = 0;
  for (const d of big.documents) {
    const o = d.object as RawObject;
    if (o.kind === 'Node') {
      for (const a of (o.status as { addresses: { type: string; address: string }[] }).addresses) {
        if (a.type !== 'InternalIP') continue;
        assert.equal(canonicalIp(a.address), a.address, `node address ${a.address}`);
        nodeIps.add(a.address);
      }
    }
    if (o.kind !== 'Pod' || (o.spec as { hostNetwork?: boolean }).hostNetwork === true) continue;
    for (const { ip } of (o.status as { podIPs: { ip: string }[] }).podIPs) {
      podIps.add(ip);
      count++;
    }
  }
  assert.equal(podIps.size, count);
  assert.equal(nodeIps.size, big.counts.nodes);
  assert.ok([...nodeIps].every((ip) => !podIps.has(ip)), 'node and pod addresses are disjoint');
});

test('nodes: false emits no Node objects', () => {
  const g = generateCluster(CLUSTER_SIZES['1k'], { nodes: false });
  assert.equal(g.counts.nodes, 0);
  assert.equal(objects(g, 'Node').length, 0);
  assert.equal(objects(g, 'Pod').length, 1000);
});

test('invalid shapes are rejected', () => {
  assert.throws(() => generateCluster({ ...CLUSTER_SIZES['1k'], namespaces: 3 }), RangeError);
  assert.throws(() => generateCluster({ ...CLUSTER_SIZES['1k'], pods: 5 }), RangeError);
});
