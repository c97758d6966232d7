// analyze(): each finding code on a minimal policy set, and no finding on clean ones.
// DESIGN.md "Semantics": equal priorities are undefined upstream (network-policy-api
// "priority" docs), so ties are broken by id and warned about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Policy } from '../model/policy.ts';
import { analyze, notEnforcedFindings, ruleCovers } from './analyze.ts';
import { compile, internals } from './compile.ts';
import { matchRule } from './match-rule.ts';
import { clusterArb, policySetArb } from './random-policies.ts';
import { remoteOfPod, firstFamily } from './remote.ts';
import { cidrPeer, cluster, fqdnPeer, podsPeer, policy, policySet, pod, port } from './test-builders.ts';

const C = cluster({
  pods: [
    pod('x/web', { app: 'web' }, ['10.0.0.1'], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    pod('x/db', { app: 'db' }, ['10.0.0.2']),
  ],
});
const cnp = (name: string, order: number, rules: Parameters<typeof policy>[0]['ingress']): Policy =>
  policy({ kind: 'ClusterNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha2', name, tier: 'admin', order, ...(rules === undefined ? {} : { ingress: rules }) });

interface Case { readonly name: string; readonly policies: readonly Policy[]; readonly want: ReadonlyArray<readonly [string, string?]> }

const cases: Case[] = [
  { name: 'clean K8s allow policy: no finding', policies: [policy({ namespace: 'x', name: 'p', pods: { app: 'db' }, ingress: [{ peers: [podsPeer('x', { app: 'web' })], ports: [port('TCP', 5432)] }] })], want: [] },
  { name: 'selects-nothing: no pod has the label', policies: [policy({ namespace: 'x', name: 'p', pods: { app: 'nope' }, ingress: [] })], want: [['selects-nothing']] },
  { name: 'rule-never-matches: ipBlock.except covers the whole cidr', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/24', ['10.0.0.0/16'])] }] })], want: [['rule-never-matches', 'spec.ingress[0]']] },
  { name: 'rule-never-matches: named port no selected pod has (K8s named ports resolve on the destination)', policies: [policy({ namespace: 'x', name: 'p', pods: { app: 'db' }, ingress: [{ ports: [port('TCP', 'http')] }] })], want: [['rule-never-matches', 'spec.ingress[0]']] },
  { name: 'named port a selected pod has: fine', policies: [policy({ namespace: 'x', name: 'p', pods: { app: 'web' }, ingress: [{ ports: [port('TCP', 'http')] }] })], want: [] },
  { name: 'rule-never-matches: empty peer list', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [] }] })], want: [['rule-never-matches', 'spec.ingress[0]']] },
  { name: 'shadowed-rule: same action, covered by an earlier broader peer and port range', policies: [policy({ namespace: 'x', name: 'p', ingress: [
    { peers: [podsPeer('x')], ports: [port('TCP', 1, 1000)] },
    { peers: [podsPeer('x', { app: 'web' })], ports: [port('TCP', 80)] },
  ] })], want: [['shadowed-rule', 'spec.ingress[1]']] },
  { name: 'shadowed-rule: an earlier deny-any makes a later allow never decide', policies: [cnp('c', 1, [{ action: 'deny' }, { action: 'allow', peers: [cidrPeer('10.0.0.0/8')] }])], want: [['shadowed-rule', 'spec.ingress[1]']] },
  { name: 'not shadowed: earlier rule is narrower', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer('x', { app: 'web' })] }, { peers: [podsPeer('x')] }] })], want: [] },
  { name: 'not shadowed: earlier CIDR has a hole the later one fills', policies: [cnp('c', 1, [{ peers: [cidrPeer('10.0.0.0/8', ['10.1.0.0/16'])] }, { peers: [cidrPeer('10.0.0.0/8')] }])], want: [] },
  { name: 'not shadowed: an earlier Cilium CIDR (no nodes) leaves node addresses to a later ipBlock', policies: [cnp('c', 1, [{ peers: [cidrPeer('0.0.0.0/0', [], false, false)] }, { peers: [cidrPeer('0.0.0.0/0', [], false)] }])], want: [] },
  { name: 'shadowed-rule: an earlier ipBlock covers a later Cilium CIDR (no nodes)', policies: [cnp('c', 1, [{ peers: [cidrPeer('0.0.0.0/0', [], false)] }, { peers: [cidrPeer('10.0.0.0/8', [], false, false)] }])], want: [['shadowed-rule', 'spec.ingress[1]']] },
  { name: 'not shadowed by a log rule; the Log rule is reported as not logging (log-not-enforced)', policies: [cnp('c', 1, [{ action: 'log' }, { action: 'deny' }])], want: [['log-not-enforced', 'spec.ingress[0]']] },
  { name: 'equal-order-overlap: same tier and order, different actions, common pods', policies: [cnp('a', 5, [{ action: 'deny' }]), cnp('b', 5, [{ action: 'allow' }])], want: [['equal-order-overlap']] },
  { name: 'no equal-order warning for K8s NetworkPolicies (all allow)', policies: [policy({ namespace: 'x', name: 'a', ingress: [{}] }), policy({ namespace: 'x', name: 'b', ingress: [{}] })], want: [] },
  { name: 'l7-not-enforced and fqdn-needs-dns are informational', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ l7: { protocol: 'http', summary: 'GET /' } }], egress: [{ peers: [fqdnPeer('*.example.com')] }] })],
    want: [['l7-not-enforced', 'spec.ingress[0]'], ['fqdn-needs-dns', 'spec.egress[0].to[0]']] },
];

for (const c of cases) {
  test(`analyze: ${c.name}`, () => {
    const findings = analyze(compile(C, policySet(c.policies)));
    assert.deepEqual(findings.map((f) => (f.path === undefined ? [f.code] : [f.code, f.path])), c.want.map((w) => [...w]), JSON.stringify(findings.map((f) => f.message)));
    for (const f of findings) assert.ok(f.message.length > 20);
  });
}

test('notEnforcedFindings: property — exactly analyze()\'s L7, Log and FQDN findings, in the same order (the agent\'s reports read them)', () => {
  let seen = 0;
  fc.assert(fc.property(clusterArb, policySetArb, (c, ps) => {
    const withGaps: Policy[] = ps.policies.map((p, i) => (i % 3 === 0 && p.ingress !== undefined && p.ingress.rules.length > 0
      ? { ...p, ingress: { ...p.ingress, rules: p.ingress.rules.map((r, j) => (j === 0 ? { ...r, l7: { protocol: 'http', summary: 'GET /' } } : r)) } }
      : p));
    const set = { ...ps, policies: withGaps };
    const want = analyze(compile(c, set)).filter((f) => f.code === 'l7-not-enforced' || f.code === 'log-not-enforced' || f.code === 'fqdn-needs-dns');
    assert.deepEqual(notEnforcedFindings(set.policies), want);
    seen += want.length;
  }), { numRuns: 200 });
  assert.ok(seen > 50, `only ${seen} findings in 200 runs`);
});

test('analyze: property — ruleCovers is sound: whenever the later rule matches a flow, the earlier one does', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl, ps) => {
    const c = internals(compile(cl, ps));
    for (const p of ps.policies) {
      for (const d of ['ingress', 'egress'] as const) {
        const rules = p[d]?.rules ?? [];
        for (const later of rules) for (const earlier of rules) {
          if (earlier === later || !ruleCovers(earlier, later)) continue;
          cl.pods.forEach((_, i) => cl.pods.forEach((__, j) => {
            for (const [proto, prt] of [['TCP', 80], ['UDP', 53], ['TCP', 8080]] as const) {
              const remote = remoteOfPod(c, i, firstFamily(c, i));
              if (matchRule(c, later, remote, proto, prt, cl.pods[j]) !== null) {
                assert.notEqual(matchRule(c, earlier, remote, proto, prt, cl.pods[j]), null, `${earlier.path} should cover ${later.path}`);
              }
            }
          }));
        }
      }
    }
  }), { numRuns: 200 });
});
