// NetworkPolicy -> IR conversion, one case per shape. Semantics encoded from the
// Kubernetes docs (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// empty/absent from/to/ports admit everything, a podSelector-only peer means the
// policy's namespace, namespaceSelector-only means all pods of matching namespaces,
// ipBlock matches addresses (pod IPs included), protocol defaults to TCP, endPort ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../model/policy.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { DEFAULT_TIER, K8S_POLICY_ORDER } from '../../model/tier.ts';
import { Issues } from '../validation/issues.ts';
import { networkPolicyHandler, networkPolicyToPolicy } from './network-policy-ir.ts';
import { readNetworkPolicy } from './network-policy.ts';

function convert(spec: Record<string, unknown>): Policy {
  const issues = new Issues();
  const np = readNetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'demo' }, spec }, issues);
  assert.deepEqual(issues.list, []);
  assert.ok(np !== undefined);
  return networkPolicyToPolicy(np);
}

test('policy identity, tier, order and subject', () => {
  const p = convert({ podSelector: { matchLabels: { app: 'web' } } });
  assert.equal(p.id, 'networking.k8s.io/v1/NetworkPolicy/demo/p');
  assert.deepEqual(p.ref, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' });
  assert.equal(p.tier, DEFAULT_TIER.name);
  assert.equal(p.order, K8S_POLICY_ORDER);
  assert.equal(p.staged, false);
  assert.deepEqual(p.subject, { namespaces: { kind: 'names', names: ['demo'] }, pods: { op: 'and', of: [{ op: 'in', key: 'app', values: ['web'] }] } });
});

test('empty spec: isolates ingress with no rules (deny all ingress), egress untouched', () => {
  const p = convert({});
  assert.deepEqual(p.subject.pods, SELECT_ALL);
  assert.deepEqual(p.ingress, { isolates: true, rules: [] });
  assert.equal(p.egress, undefined);
});

test('policyTypes [Egress] without rules: isolates egress only', () => {
  const p = convert({ policyTypes: ['Egress'] });
  assert.equal(p.ingress, undefined);
  assert.deepEqual(p.egress, { isolates: true, rules: [] });
});

test('rule with absent and with empty from/ports: any peer, any port', () => {
  const p = convert({ ingress: [{}, { from: [], ports: [] }] });
  assert.deepEqual(p.ingress?.rules, [
    { index: 0, path: 'spec.ingress[0]', action: 'allow', peers: null, ports: null },
    { index: 1, path: 'spec.ingress[1]', action: 'allow', peers: null, ports: null },
  ]);
});

test('peer shapes: podSelector only, namespaceSelector only, both, ipBlock', () => {
  const p = convert({
    ingress: [{
      from: [
        { podSelector: { matchLabels: { role: 'db' } } },
        { namespaceSelector: { matchLabels: { team: 'a' } } },
        { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] } },
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
      ],
    }],
  });
  assert.deepEqual(p.ingress?.rules[0]?.peers, [
    { kind: 'pods', path: 'spec.ingress[0].from[0]', namespaces: { kind: 'names', names: ['demo'] }, pods: { op: 'and', of: [{ op: 'in', key: 'role', values: ['db'] }] } },
    { kind: 'pods', path: 'spec.ingress[0].from[1]', namespaces: { kind: 'selector', selector: { op: 'and', of: [{ op: 'in', key: 'team', values: ['a'] }] } }, pods: SELECT_ALL },
    { kind: 'pods', path: 'spec.ingress[0].from[2]', namespaces: { kind: 'selector', selector: SELECT_ALL }, pods: { op: 'and', of: [{ op: 'notIn', key: 'tier', values: ['x'] }] } },
    { kind: 'cidr', path: 'spec.ingress[0].from[3]', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], matchesPods: true },
  ]);
});

test('egress peers use `to` paths; IPv6 CIDRs are canonicalised', () => {
  const p = convert({ egress: [{ to: [{ ipBlock: { cidr: 'FD00:0:0:0::/64', except: ['fd00:0:0:0:1::/80'] } }] }] });
  assert.deepEqual(p.egress?.rules[0]?.peers, [
    { kind: 'cidr', path: 'spec.egress[0].to[0]', cidr: 'fd00::/64', except: ['fd00::1:0:0:0/80'], matchesPods: true },
  ]);
  assert.deepEqual(p.ingress, { isolates: true, rules: [] });
});

test('port shapes: numeric, range, named, protocol only, default TCP', () => {
  const p = convert({ ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 30000, endPort: 32767 }, { port: 'http' }, { protocol: 'SCTP' }] }] });
  assert.deepEqual(p.ingress?.rules[0]?.ports, [
    { protocol: 'TCP', ports: { kind: 'range', from: 80, to: 80 }, path: 'spec.ingress[0].ports[0]' },
    { protocol: 'UDP', ports: { kind: 'range', from: 30000, to: 32767 }, path: 'spec.ingress[0].ports[1]' },
    { protocol: 'TCP', ports: { kind: 'named', name: 'http' }, path: 'spec.ingress[0].ports[2]' },
    { protocol: 'SCTP', ports: null, path: 'spec.ingress[0].ports[3]' },
  ]);
});

test('handler: decodes valid policies and names them; none for invalid ones', () => {
  const ok = networkPolicyHandler.decode({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' } }, new Issues());
  assert.equal(ok.name, 'p');
  assert.equal(ok.namespace, 'n');
  assert.equal(ok.objects[0]?.type, 'policy');
  const issues = new Issues();
  const bad = networkPolicyHandler.decode({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { policyTypes: ['x'] } }, issues);
  assert.deepEqual(bad.objects, []);
  assert.equal(issues.hasErrors, true);
});
