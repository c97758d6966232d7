// Golden tests of render(): the exact `nft -f` text for named snapshots, kept under
// testdata/ (regenerate with UPDATE_GOLDEN=1 after reviewing the change), plus the
// properties every rendered table has: one atomic replace, rule count independent of
// the cluster's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../engine/compile.ts';
import { cidrPeer, cluster, node, ns, pod, podsPeer, policy, policySet, port } from '../engine/test-builders.ts';
import type { Pod } from '../model/cluster.ts';
import { ADMIN_TIER, STANDARD_TIERS } from '../model/tier.ts';
import { plan } from './plan.ts';
import { renderRuleset } from './render.ts';

function golden(name: string, text: string): void {
  const path = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, text);
  assert.equal(text, readFileSync(path, 'utf8'), `render differs from testdata/${name}`);
}

// The seed walkthrough's demo-policy (kubernetes.io/docs/tasks/administer-cluster/declare-network-policy)
// with an ipBlock + except and an endPort range (kubernetes.io/docs/concepts/services-networking/network-policies
// "Targeting a range of ports"), an admin-tier deny, two nodes, IPv4 and IPv6.
const demoPods: Pod[] = [
  pod('demo/server', { app: 'server' }, ['10.244.1.10', 'fd00:10:244:1::10'], { node: 'n1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
  pod('demo/client', { app: 'client' }, ['10.244.2.10', 'fd00:10:244:2::10'], { node: 'n2' }),
  pod('demo/other', {}, ['10.244.1.11'], { node: 'n1' }),
  pod('kube-system/agent', {}, ['192.168.0.10'], { node: 'n1', hostNetwork: true }),
];
const demoPolicies = policySet([
  policy({
    name: 'demo-policy', namespace: 'demo', pods: { app: 'server' },
    ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 'http')] }, { peers: [cidrPeer('192.168.0.0/16', ['192.168.1.0/24'])], ports: [port('UDP', 5000, 5010)] }],
  }),
  policy({ name: 'no-smtp', tier: ADMIN_TIER.name, namespaces: { kind: 'selector', selector: { op: 'all' } }, pods: {}, egress: [{ action: 'deny', peers: null, ports: [port('TCP', 25)] }] }),
], STANDARD_TIERS);
const demoCluster = cluster({
  pods: demoPods, namespaces: [ns('demo'), ns('kube-system')],
  nodes: [node('n1', {}, ['192.168.0.10']), node('n2', {}, ['192.168.0.20'])],
});

test('render: demo snapshot, node n1 (golden testdata/demo-n1.nft)', () => {
  golden('demo-n1.nft', renderRuleset(plan(compile(demoCluster, demoPolicies), { node: 'n1' })));
});

test('render: demo snapshot, node n2 (golden testdata/demo-n2.nft)', () => {
  golden('demo-n2.nft', renderRuleset(plan(compile(demoCluster, demoPolicies), { node: 'n2' })));
});

test('render: no policies — every table has the same fixed chains and no decisions (golden testdata/empty.nft)', () => {
  golden('empty.nft', renderRuleset(plan(compile(cluster({ pods: [pod('a/p', {}, ['10.0.0.1'])] }), policySet([])), { node: 'n', localPods: 'all' })));
});

test('render: the full load is one atomic replace of the table', () => {
  const text = renderRuleset(plan(compile(demoCluster, demoPolicies), { node: 'n1' }));
  const commands = text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('\t') && l !== '}');
  assert.deepEqual(commands, ['add table inet palisade', 'delete table inet palisade', 'table inet palisade {']);
});

test('render: rules do not grow with pods or policies, only elements do', () => {
  const rulesOf = (text: string): number => text.split('\n').filter((l) => /^\t\t(?!type |flags |elements|\t|})/.test(l)).length;
  const small = renderRuleset(plan(compile(demoCluster, demoPolicies), { node: 'n1' }));
  const manyPods = Array.from({ length: 200 }, (_, i) => pod(`demo/w${i}`, { app: i % 2 === 0 ? 'client' : 'server', n: String(i % 7) }, [`10.244.1.${i + 20}`], { node: 'n1' }));
  const big = renderRuleset(plan(compile(cluster({ pods: [...demoPods, ...manyPods], namespaces: [ns('demo')] }), demoPolicies), { node: 'n1' }));
  assert.equal(rulesOf(big), rulesOf(small));
  assert.ok(big.length > small.length * 2);
});

// kube-proxy keeps its masquerade (0x4000) and drop (0x8000) bits in the skb mark
// (kubernetes/pkg/proxy/iptables KUBE-MARK-MASQ, KUBE-POSTROUTING): the table may use only
// the conntrack mark, and only after established/related packets have left.
test('render: no rule reads or writes the skb mark (meta mark); the conntrack mark is touched only past the conntrack rules', () => {
  const text = renderRuleset(plan(compile(demoCluster, demoPolicies), { node: 'n1' }));
  assert.doesNotMatch(text, /meta mark/);
  const hook = text.slice(text.indexOf('\tchain forward_hook {'));
  const rules = hook.split('\n').filter((l) => l.startsWith('\t\t') && !l.includes('type filter'));
  assert.deepEqual(rules.slice(0, 1).map((l) => l.trim()), ['ct state vmap { established : accept, related : accept, invalid : drop }']);
  assert.ok(rules.slice(1).every((l) => / jump \S+_check[46]$/.test(l)), 'the hook only jumps to the checks after the conntrack rule');
});
