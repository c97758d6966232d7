// buildSnapshot: dispatch, implicit namespaces, IP assignment, workloads, duplicates,
// and aggregated problems. Namespace labels follow the API server's
// NamespaceDefaultLabelName behaviour (KEP-2161,
// https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../model/cluster.ts';
import { STANDARD_TIERS } from '../model/tier.ts';
import type { KindHandler } from './dialect.ts';
import { fnv1a32 } from './hash.ts';
import { KIND_HANDLERS, handlerTable } from './handlers.ts';
import { parseText } from './parse-text.ts';
import { formatProblem } from './problem.ts';
import type { Snapshot } from './snapshot.ts';
import { buildSnapshot } from './snapshot.ts';
import type { SourceDocument } from './source-document.ts';

function docs(...objects: unknown[]): SourceDocument[] {
  return objects.map((object, index) => ({ source: 'test.yaml', index, line: index * 10 + 1, object }));
}
const pod = (name: string, extra: Record<string, unknown> = {}, ns?: string): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(ns === undefined ? {} : { namespace: ns }) }, ...extra,
});
const podByKey = (s: Snapshot, key: string): Pod | undefined => s.cluster.pods.find((p) => p.key === key);
const messages = (s: Snapshot): string[] => [...s.problems, ...s.warnings].map(formatProblem);

test('namespaces: referenced ones are implicit, all carry kubernetes.io/metadata.name', () => {
  const s = buildSnapshot(docs(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { team: 'a', 'kubernetes.io/metadata.name': 'spoofed' } } },
    pod('a', {}, 'prod'),
    pod('b'),
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'dev' } },
  ));
  assert.deepEqual(messages(s), []);
  assert.deepEqual(s.cluster.namespaces, [
    { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
    { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } },
    { name: 'prod', labels: { team: 'a', 'kubernetes.io/metadata.name': 'prod' } },
  ]);
  assert.deepEqual(s.policies.tiers, STANDARD_TIERS);
  assert.deepEqual(s.policies.policies.map((p) => p.id), ['networking.k8s.io/v1/NetworkPolicy/dev/p']);
});

test('pod fields: labels, ports from all containers and sidecars, node, service account, IPs canonicalised', () => {
  const s = buildSnapshot(docs(pod('web', {
    metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
    spec: {
      nodeName: 'n1', serviceAccountName: 'sa',
      initContainers: [{ name: 'init', ports: [{ containerPort: 1 }] }, { name: 'side', restartPolicy: 'Always', ports: [{ containerPort: 9090, name: 'metrics' }] }],
      containers: [{ name: 'c', image: 'x', resources: {}, ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 53, protocol: 'UDP' }] }],
    },
    status: { podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: '2001:DB8::5' }] },
  })));
  assert.deepEqual(messages(s), []);
  assert.deepEqual(podByKey(s, 'demo/web'), {
    key: 'demo/web', namespace: 'demo', name: 'web', labels: { app: 'web' }, ips: ['10.0.0.5', '2001:db8::5'],
    hostNetwork: false, node: 'n1',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    serviceAccount: 'sa',
  });
});

test('pod IP assignment: deterministic, independent of input order, inside 10.244.0.0/16', () => {
  const objs = ['a', 'b', 'c', 'd'].map((n) => pod(n));
  const s1 = buildSnapshot(docs(...objs));
  const s2 = buildSnapshot(docs(...[...objs].reverse()));
  assert.deepEqual(s1.cluster.pods, s2.cluster.pods);
  for (const p of s1.cluster.pods) {
    assert.equal(p.ips.length, 1);
    assert.match(p.ips[0] ?? '', /^10\.244\.\d+\.\d+$/);
  }
  assert.equal(new Set(s1.cluster.pods.map((p) => p.ips[0])).size, 4);
  const offset = (fnv1a32('default/a') % 65534) + 1;
  assert.equal(podByKey(s1, 'default/a')?.ips[0], `10.244.${offset >> 8}.${offset & 255}`);
});

test('pod IP assignment: an address given in the input is never handed out again', () => {
  const free = buildSnapshot(docs(pod('a')));
  const wanted = podByKey(free, 'default/a')?.ips[0];
  const s = buildSnapshot(docs(pod('a'), pod('z', { status: { podIP: wanted } })));
  assert.equal(podByKey(s, 'default/z')?.ips[0], wanted);
  assert.notEqual(podByKey(s, 'default/a')?.ips[0], wanted);
});

test('pod IP assignment: from the node podCIDR; host-network pods take the node address', () => {
  const s = buildSnapshot(docs(
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } }, spec: { podCIDR: '10.10.1.0/24' },
      status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'ExternalIP', address: '203.0.113.1' }, { type: 'InternalIP', address: '192.168.0.11' }] } },
    pod('a', { spec: { nodeName: 'n1' } }),
    pod('h', { spec: { nodeName: 'n1', hostNetwork: true } }),
    pod('h2', { spec: { nodeName: 'unknown-node', hostNetwork: true } }),
  ));
  assert.deepEqual(messages(s), []);
  assert.deepEqual(s.cluster.nodes, [{ name: 'n1', labels: { zone: 'a' }, ips: ['192.168.0.11', '203.0.113.1'], podCIDRs: ['10.10.1.0/24'] }]);
  assert.match(podByKey(s, 'default/a')?.ips[0] ?? '', /^10\.10\.1\.\d+$/);
  assert.deepEqual(podByKey(s, 'default/h')?.ips, ['192.168.0.11']);
  assert.equal(podByKey(s, 'default/h')?.hostNetwork, true);
  assert.match(podByKey(s, 'default/h2')?.ips[0] ?? '', /^10\.244\./);
});

test('two pods with the same IP: a warning', () => {
  const s = buildSnapshot(docs(pod('a', { status: { podIP: '10.1.1.1' } }), pod('b', { status: { podIP: '10.1.1.1' } })));
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.warnings.map((w) => w.message), ['pod default/b: IP 10.1.1.1 is also the IP of pod default/a']);
});

test('workloads become pods named like their controllers', () => {
  const template = { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] } };
  const apps = (kind: string, name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'w' }, spec: { selector: { matchLabels: { app: 'w' } }, template, ...spec },
  });
  const s = buildSnapshot(docs(
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { os: 'linux' } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { os: 'linux' } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3', labels: { os: 'windows' } } },
    apps('Deployment', 'web', { replicas: 3 }),
    apps('ReplicaSet', 'rs', {}),
    apps('StatefulSet', 'db', { replicas: 2 }),
    apps('DaemonSet', 'agent', { template: { ...template, spec: { ...template.spec, nodeSelector: { os: 'linux' } } } }),
    apps('Deployment', 'zero', { replicas: 0 }),
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch', namespace: 'w' }, spec: { parallelism: 3, completions: 2, template } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'w' }, spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template } } } },
  ));
  assert.deepEqual(messages(s), []);
  const names = s.cluster.pods.map((p) => p.name);
  assert.equal(names.filter((n) => /^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n)).length, 3);
  assert.equal(names.filter((n) => /^rs-[a-z0-9]{5}$/.test(n)).length, 1);
  assert.ok(names.includes('db-0') && names.includes('db-1'));
  const agents = s.cluster.pods.filter((p) => p.name.startsWith('agent-'));
  assert.deepEqual(agents.map((p) => p.node).sort(), ['n1', 'n2']);
  assert.equal(names.filter((n) => n.startsWith('zero-')).length, 0);
  assert.equal(names.filter((n) => n.startsWith('batch-')).length, 2);
  assert.equal(names.filter((n) => /^nightly-\d{8}-[a-z0-9]{5}$/.test(n)).length, 1);
  const db0 = podByKey(s, 'w/db-0');
  assert.deepEqual(db0?.labels, { app: 'w', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
  assert.deepEqual(db0?.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  const web = s.cluster.pods.find((p) => p.name.startsWith('web-'));
  assert.equal(web?.labels['pod-template-hash'], web?.name.split('-')[1]);
  // Same input, same names.
  assert.deepEqual(buildSnapshot(docs(apps('Deployment', 'web', { replicas: 3 }))).cluster.pods.map((p) => p.name).sort(),
    names.filter((n) => n.startsWith('web-')).sort());
});

test('DaemonSet without nodes: one pod', () => {
  const s = buildSnapshot(docs({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } }));
  assert.equal(s.cluster.pods.length, 1);
});

test('workload selector must match the template labels (apps/v1)', () => {
  const s = buildSnapshot(docs({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'web' } } } } }));
  assert.deepEqual(s.cluster.pods, []);
  assert.deepEqual(s.problems.map((p) => p.path), ['spec.template.metadata.labels']);
});

test('duplicates: an error naming both places, the first one wins', () => {
  const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'demo' } };
  const s = buildSnapshot(docs(np, pod('p', {}, 'demo'), np));
  assert.deepEqual(s.problems.map(formatProblem), ['test.yaml:21: demo/p: duplicate NetworkPolicy demo/p: already defined at test.yaml:1; this one is ignored']);
  assert.equal(s.policies.policies.length, 1);
  assert.equal(s.cluster.pods.length, 1, 'a Pod of the same name is a different object');
});

test('unknown kinds and versions: warnings, ignored', () => {
  const s = buildSnapshot(docs(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'old' } },
  ));
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.warnings.map((w) => w.message), [
    'unsupported kind ConfigMap (v1): ignored',
    'NetworkPolicy extensions/v1beta1 is not supported (supported: networking.k8s.io/v1, projectcalico.org/v3): ignored',
  ]);
});

test('all problems of all documents together; valid documents still converted', () => {
  const { documents } = parseText([
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: p, namespace: demo}',
    'spec:',
    '  ingress:',
    '  - ports:',
    '    - port: 8080',
    '      endPort: 7000',
    '    - protocol: ICMP',
    '---',
    'kind: Pod',
    'metadata: {name: x}',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: ok}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: 1bad}',
    'spec: {ports: [{port: 80, targetPort: http}]}',
  ].join('\n'), 'all.yaml');
  const s = buildSnapshot(documents);
  assert.deepEqual(s.problems.map(formatProblem), [
    'all.yaml:8: demo/p: spec.ingress[0].ports[0].endPort: invalid value 7000: must be greater than or equal to port (8080)',
    'all.yaml:9: demo/p: spec.ingress[0].ports[1].protocol: unsupported value "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'all.yaml:11: x: apiVersion: apiVersion and kind are required (strings)',
    "all.yaml:20: 1bad: metadata.name: invalid value \"1bad\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')",
  ]);
  assert.deepEqual(s.cluster.pods.map((p) => p.key), ['default/ok']);
  assert.deepEqual(s.policies.policies, []);
});

test('unnamed objects are called by their document number', () => {
  const s = buildSnapshot(docs(pod('ok'), { apiVersion: 'v1', kind: 'Pod', metadata: {} }));
  assert.deepEqual(s.problems.map(formatProblem), ['test.yaml:11: #2: metadata.name: required: name or generateName is required']);
});

test('services: selector, ports with defaulted targetPort, cluster IPs; headless has none', () => {
  const s = buildSnapshot(docs(
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' },
      spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }, { port: 53, protocol: 'UDP' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } },
  ));
  assert.deepEqual(messages(s), []);
  assert.deepEqual(s.cluster.services, [
    { key: 'default/db', namespace: 'default', name: 'db', labels: {}, clusterIPs: [], ports: [{ port: 5432, protocol: 'TCP', targetPort: 5432 }] },
    { key: 'demo/web', namespace: 'demo', name: 'web', labels: {}, selector: { app: 'web' }, clusterIPs: ['10.96.0.10'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }, { port: 53, protocol: 'UDP', targetPort: 53 }] },
  ]);
  assert.deepEqual(s.cluster.namespaces.map((n) => n.name), ['default', 'demo']);
});

const podErrorCases: Array<[string, Record<string, unknown>, string[]]> = [
  ['bad container port', { spec: { containers: [{ ports: [{ containerPort: 70000 }] }] } }, ['spec.containers[0].ports[0].containerPort']],
  ['bad port name', { spec: { containers: [{ ports: [{ containerPort: 80, name: 'Http' }] }] } }, ['spec.containers[0].ports[0].name']],
  ['duplicate port name', { spec: { containers: [{ ports: [{ containerPort: 80, name: 'http' }] }, { ports: [{ containerPort: 81, name: 'http' }] }] } }, ['spec.containers[1].ports[0].name']],
  ['bad protocol', { spec: { containers: [{ ports: [{ containerPort: 80, protocol: 'tcp' }] }] } }, ['spec.containers[0].ports[0].protocol']],
  ['bad pod IP', { status: { podIP: '10.0.0.300' } }, ['status.podIP']],
  ['bad label', { metadata: { name: 'p', labels: { 'a/b/c': 'x' } } }, ['metadata.labels[a/b/c]']],
  ['bad namespace', { metadata: { name: 'p', namespace: 'Prod' } }, ['metadata.namespace']],
  ['hostNetwork not a boolean', { spec: { hostNetwork: 'yes' } }, ['spec.hostNetwork']],
];
for (const [name, extra, paths] of podErrorCases) {
  test(`pod validation: ${name}`, () => {
    const s = buildSnapshot(docs(pod('p', extra)));
    assert.deepEqual(s.problems.map((p) => p.path), paths);
    assert.deepEqual(s.cluster.pods, []);
  });
}

test('unknown fields inside pod specs are fine', () => {
  const s = buildSnapshot(docs(pod('p', { spec: { containers: [{ name: 'c', livenessProbe: { httpGet: { port: 8080 } }, futureField: 1 }], whatever: true } })));
  assert.deepEqual(messages(s), []);
});

test('the handler table is pluggable: a new dialect is one more entry', () => {
  const custom: KindHandler = {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    decode: (obj) => ({ name: 'thing', objects: [{ type: 'tier', tier: { name: String((obj['spec'] as { tier: string }).tier), order: 500, onNoMatch: 'next' } }] }),
  };
  const s = buildSnapshot(docs({ apiVersion: 'example.com/v1', kind: 'Thing', spec: { tier: 'security' } }), handlerTable([...KIND_HANDLERS, custom]));
  assert.deepEqual(s.policies.tiers.map((t) => t.name), ['security', 'admin', 'default', 'baseline']);
});

test('a handler that throws becomes a problem, not a crash', () => {
  const broken: KindHandler = { apiVersion: 'x/v1', kind: 'Boom', decode: () => { throw new Error('bug'); } };
  const s = buildSnapshot(docs({ apiVersion: 'x/v1', kind: 'Boom' }, pod('fine')), handlerTable([...KIND_HANDLERS, broken]));
  assert.deepEqual(s.problems.map((p) => p.message), ['internal error while reading Boom: bug']);
  assert.equal(s.cluster.pods.length, 1);
});
