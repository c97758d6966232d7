// Calico v3 kinds → IR, one named case per documented rule, citing
// https://docs.tigera.io/calico/latest/reference/resources/ (networkpolicy,
// globalnetworkpolicy, tier, networkset, globalnetworkset, staged*), plus the engine's
// view of them: staged verdicts and service-account peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../model/policy.ts';
import type { Rule } from '../../model/rule.ts';
import { compile } from '../../engine/compile.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { Snapshot } from '../snapshot.ts';
import { buildSnapshot } from '../snapshot.ts';
import { parseText } from '../parse-text.ts';
import { CALICO_NO_ORDER } from './calico-policy.ts';

const REF = 'https://docs.tigera.io/calico/latest/reference/resources/';

function snapshot(...objects: object[]): Snapshot {
  const { documents, problems } = parseText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }), 'test.json');
  assert.deepEqual(problems, []);
  return buildSnapshot(documents);
}

function calico(kind: string, spec: object, namespace: string | undefined = 'demo', name = 'p'): object {
  return { apiVersion: 'projectcalico.org/v3', kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec };
}

function onePolicy(kind: string, spec: object, namespace?: string): { policy: Policy; warnings: string[] } {
  const s = snapshot(calico(kind, spec, kind.includes('Global') ? undefined : (namespace ?? 'demo')));
  assert.deepEqual(s.problems.map((p) => p.message), []);
  const policy = s.policies.policies[0];
  assert.ok(policy !== undefined);
  return { policy, warnings: s.warnings.map((w) => `${w.path ?? ''}: ${w.message}`) };
}

function rule(spec: object, dir: 'ingress' | 'egress' = 'ingress', kind = 'NetworkPolicy'): Rule {
  const r = onePolicy(kind, { [dir]: [spec], types: [dir === 'ingress' ? 'Ingress' : 'Egress'] }).policy[dir]?.rules[0];
  assert.ok(r !== undefined);
  return r;
}

function errors(kind: string, spec: object): string[] {
  return snapshot(calico(kind, spec, kind.includes('Global') ? undefined : 'demo')).problems.map((p) => `${p.path ?? ''}: ${p.message}`);
}

const typeCases: Array<[string, object, boolean, boolean]> = [
  ['no rules: Ingress', {}, true, false],
  ['ingress rules only: Ingress', { ingress: [{ action: 'Allow' }] }, true, false],
  ['egress rules only: Egress', { egress: [{ action: 'Allow' }] }, false, true],
  ['both: Ingress and Egress', { ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] }, true, true],
  ['explicit types win', { types: ['Egress'] }, false, true],
];
for (const [name, spec, ingress, egress] of typeCases) {
  test(`calico types defaulting: ${name} (${REF}networkpolicy#spec types)`, () => {
    const { policy } = onePolicy('NetworkPolicy', spec);
    assert.equal(policy.ingress !== undefined, ingress);
    assert.equal(policy.egress !== undefined, egress);
    assert.equal(policy.ingress?.isolates ?? true, true);
  });
}

test(`calico NetworkPolicy: default tier, omitted order last, namespace-scoped subject (${REF}networkpolicy#spec)`, () => {
  const { policy } = onePolicy('NetworkPolicy', { selector: "app == 'web'" });
  assert.equal(policy.tier, 'default');
  assert.equal(policy.order, CALICO_NO_ORDER);
  assert.equal(policy.id, 'projectcalico.org/v3/NetworkPolicy/demo/p');
  assert.deepEqual(policy.subject, { namespaces: { kind: 'names', names: ['demo'] }, pods: { op: 'in', key: 'app', values: ['web'] } });
});

test(`calico GlobalNetworkPolicy: namespaceSelector with projectcalico.org/name scopes the subject (${REF}globalnetworkpolicy)`, () => {
  const { policy } = onePolicy('GlobalNetworkPolicy', { order: 7.5, namespaceSelector: "projectcalico.org/name == 'x'" });
  assert.equal(policy.order, 7.5);
  assert.equal(policy.ref.namespace, undefined);
  assert.deepEqual(policy.subject.namespaces, { kind: 'selector', selector: { op: 'in', key: 'kubernetes.io/metadata.name', values: ['x'] } });
});

const actionCases: Array<[string, string]> = [['Allow', 'allow'], ['Deny', 'deny'], ['Log', 'log'], ['Pass', 'pass']];
for (const [raw, ir] of actionCases) {
  test(`calico action ${raw} → ${ir} (${REF}networkpolicy#rule)`, () => {
    assert.equal(rule({ action: raw }).action, ir);
  });
}

test(`calico ports: numbers, "from:to" ranges and named ports with the rule's protocol; notPorts (${REF}networkpolicy#ports)`, () => {
  const r = rule({ action: 'Allow', protocol: 'UDP', destination: { ports: [53, '8000:8100', 'dns'], notPorts: ['8050'] } });
  assert.deepEqual(r.ports?.map((p) => [p.protocol, p.ports]), [
    ['UDP', { kind: 'range', from: 53, to: 53 }], ['UDP', { kind: 'range', from: 8000, to: 8100 }], ['UDP', { kind: 'named', name: 'dns' }],
  ]);
  assert.deepEqual(r.notPorts?.map((p) => [p.protocol, p.ports]), [['UDP', { kind: 'range', from: 8050, to: 8050 }]]);
});

test(`calico protocol numbers name TCP/UDP/SCTP; notProtocol excludes (${REF}networkpolicy#rule protocol)`, () => {
  assert.deepEqual(rule({ action: 'Allow', protocol: 132 }).ports?.map((p) => p.protocol), ['SCTP']);
  assert.deepEqual(rule({ action: 'Allow', protocol: '17' }).ports?.map((p) => p.protocol), ['UDP']);
  const r = rule({ action: 'Allow', notProtocol: 'tcp' });
  assert.equal(r.ports, null);
  assert.deepEqual(r.notPorts?.map((p) => [p.protocol, p.ports]), [['TCP', null]]);
});

test(`calico ICMP rules never match TCP/UDP/SCTP flows, with a warning that ICMP is not policed (${REF}networkpolicy#icmp)`, () => {
  const { policy, warnings } = onePolicy('NetworkPolicy', { ingress: [{ action: 'Deny', protocol: 'ICMP', icmp: { type: 8 } }] });
  assert.deepEqual(policy.ingress?.rules[0]?.ports, []);
  assert.match(warnings.join('\n'), /spec.ingress\[0\].protocol: ICMP is not modelled/);
});

test(`calico selector scope: a namespaced policy's selector means its namespace (pods and network sets) (${REF}networkpolicy#entityrule)`, () => {
  const r = rule({ action: 'Allow', source: { selector: "app == 'a'" } });
  assert.deepEqual(r.peers?.map((p) => [p.kind, 'namespaces' in p ? p.namespaces : undefined]), [
    ['pods', { kind: 'names', names: ['demo'] }], ['networkSets', { kind: 'names', names: ['demo'] }],
  ]);
});

test(`calico selector scope: a global policy's selector means every namespace and global network sets (${REF}globalnetworkpolicy)`, () => {
  const r = rule({ action: 'Allow', source: { selector: "app == 'a'" } }, 'ingress', 'GlobalNetworkPolicy');
  assert.deepEqual(r.peers?.map((p) => [p.kind, 'namespaces' in p ? p.namespaces : undefined]), [
    ['pods', { kind: 'selector', selector: { op: 'all' } }], ['networkSets', { kind: 'selector', selector: { op: 'all' } }], ['networkSets', null],
  ]);
});

test(`calico namespaceSelector global() selects non-namespaced resources only: global network sets (${REF}networkpolicy#entityrule namespaceSelector)`, () => {
  const r = rule({ action: 'Allow', source: { namespaceSelector: 'global()', selector: "set == 'x'" } });
  assert.deepEqual(r.peers?.map((p) => [p.kind, 'namespaces' in p ? p.namespaces : undefined]), [['networkSets', null]]);
});

test(`calico nets, notNets and notSelector (${REF}networkpolicy#entityrule)`, () => {
  const r = rule({ action: 'Allow', source: { nets: ['10.0.0.1', '10.1.2.3/16'], notNets: ['10.1.1.0/24'], notSelector: 'has(x)' } });
  assert.deepEqual(r.peers?.map((p) => (p.kind === 'cidr' ? p.cidr : p.kind)), ['10.0.0.1/32', '10.1.0.0/16']);
  assert.deepEqual(r.notPeers?.map((p) => (p.kind === 'cidr' ? p.cidr : p.kind)), ['10.1.1.0/24', 'pods', 'networkSets']);
});

test(`calico domains become FQDN peers in egress rules (${REF}networkpolicy#entityrule domains)`, () => {
  const r = rule({ action: 'Allow', destination: { domains: ['example.com', '*.example.org'] } }, 'egress');
  assert.deepEqual(r.peers, [
    { kind: 'fqdn', path: 'spec.egress[0].destination.domains', pattern: 'example.com' },
    { kind: 'fqdn', path: 'spec.egress[0].destination.domains', pattern: '*.example.org' },
  ]);
});

const errorCases: Array<[string, object, RegExp]> = [
  ['selector syntax error with its position', { selector: "app == 'web' && (" }, /spec.selector: invalid value "app == 'web' && \(": position 18: unexpected end of selector/],
  ['rule selector syntax error', { ingress: [{ action: 'Allow', source: { selector: 'a = "b"' } }] }, /spec.ingress\[0\].source.selector: .*position 3: expected '=='/],
  ['unknown action', { ingress: [{ action: 'Accept' }] }, /spec.ingress\[0\].action: unsupported value "Accept"/],
  ['ports need TCP, UDP or SCTP', { ingress: [{ action: 'Allow', destination: { ports: [80] } }] }, /spec.ingress\[0\].protocol: .*require protocol TCP, UDP or SCTP/],
  ['bad range', { ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['90:80'] } }] }, /range start must not exceed its end/],
  ['source ports', { ingress: [{ action: 'Allow', protocol: 'TCP', source: { ports: [80] } }] }, /source ports are not supported yet/],
  ['the own endpoint', { ingress: [{ action: 'Allow', destination: { selector: 'all()' } }] }, /destination.selector of an ingress rule\) is not supported yet/],
  ['domains in ingress', { ingress: [{ action: 'Allow', source: { domains: ['a.com'] } }] }, /domains may only be used in egress rules/],
  ['bad net', { ingress: [{ action: 'Allow', source: { nets: ['10.0.0.0/33'] } }] }, /must be a CIDR/],
];
for (const [name, spec, pattern] of errorCases) {
  test(`calico validation: ${name}`, () => {
    assert.match(errors('NetworkPolicy', spec).join('\n'), pattern);
  });
}

test(`calico Tier: order and defaultAction Deny/Pass; the built-in default tier is not redefined (${REF}tier)`, () => {
  const s = snapshot(
    { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100 } },
    { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'platform' }, spec: { order: 50, defaultAction: 'Pass' } },
    { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'default' }, spec: { order: 1000000 } },
  );
  assert.deepEqual(s.problems, []);
  const t = (n: string) => s.policies.tiers.find((x) => x.name === n);
  assert.deepEqual(t('security'), { name: 'security', order: 100, onNoMatch: 'deny-if-selected' });
  assert.deepEqual(t('platform'), { name: 'platform', order: 50, onNoMatch: 'next' });
  assert.equal(s.policies.tiers.filter((x) => x.name === 'default').length, 1);
});

test(`calico NetworkSet and GlobalNetworkSet (${REF}networkset, ${REF}globalnetworkset)`, () => {
  const s = snapshot(
    { apiVersion: 'projectcalico.org/v3', kind: 'NetworkSet', metadata: { name: 'ns1', namespace: 'demo', labels: { a: 'b' } }, spec: { nets: ['192.0.2.1', '198.51.100.0/24'] } },
    { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkSet', metadata: { name: 'g' }, spec: { nets: ['2001:db8::/32'] } },
  );
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.cluster.networkSets.map((n) => [n.key, n.namespace, n.nets]), [['demo/ns1', 'demo', ['192.0.2.1/32', '198.51.100.0/24']], ['g', undefined, ['2001:db8::/32']]]);
});

const POD = (name: string, ip: string, sa?: string): object => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demo', labels: { app: name } },
  spec: { ...(sa === undefined ? {} : { serviceAccountName: sa }), containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] },
  status: { podIP: ip, podIPs: [{ ip }] },
});
const FLOW = { src: { kind: 'pod', pod: 'demo/client' }, dst: { kind: 'pod', pod: 'demo/web' }, protocol: 'TCP', port: 80 } as const;

test(`staged policies: enforced verdict unchanged, staged verdict reported; a staged policy replaces the one of the same name (${REF}stagednetworkpolicy)`, () => {
  const allow = calico('NetworkPolicy', { selector: "app == 'web'", ingress: [{ action: 'Allow' }] }, 'demo', 'web');
  const stagedDeny = calico('StagedNetworkPolicy', { selector: "app == 'web'", ingress: [{ action: 'Deny' }] }, 'demo', 'web');
  const c = compile(...(() => { const s = snapshot(POD('web', '10.0.0.1'), POD('client', '10.0.0.2'), allow, stagedDeny); return [s.cluster, s.policies] as const; })());
  const v = evaluate(c, FLOW);
  assert.equal(v.allowed, true);
  assert.equal(v.staged?.allowed, false);
  assert.equal(v.staged?.ingress.decidedBy?.policy.kind, 'StagedNetworkPolicy');

  const plain = snapshot(POD('web', '10.0.0.1'), POD('client', '10.0.0.2'), allow);
  assert.equal(evaluate(compile(plain.cluster, plain.policies), FLOW).staged, undefined);
});

test(`staged Delete of a Kubernetes NetworkPolicy: the staged view drops it (${REF}stagedkubernetesnetworkpolicy)`, () => {
  const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'demo' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const del = { apiVersion: 'projectcalico.org/v3', kind: 'StagedKubernetesNetworkPolicy', metadata: { name: 'deny', namespace: 'demo' }, spec: { stagedAction: 'Delete', podSelector: {} } };
  const s = snapshot(POD('web', '10.0.0.1'), POD('client', '10.0.0.2'), deny, del);
  assert.deepEqual(s.problems, []);
  const v = evaluate(compile(s.cluster, s.policies), FLOW);
  assert.equal(v.allowed, false);
  assert.equal(v.staged?.allowed, true);
});

test(`serviceAccounts names restrict a selector peer to pods running as those accounts (${REF}networkpolicy#serviceaccountmatch)`, () => {
  const p = calico('NetworkPolicy', { selector: "app == 'web'", ingress: [{ action: 'Allow', source: { serviceAccounts: { names: ['frontend'] } } }] });
  for (const [sa, allowed] of [['frontend', true], ['other', false], [undefined, false]] as const) {
    const s = snapshot(POD('web', '10.0.0.1'), POD('client', '10.0.0.2', sa), p);
    assert.equal(evaluate(compile(s.cluster, s.policies), FLOW).allowed, allowed, `service account ${sa ?? '(default)'}`);
  }
});
