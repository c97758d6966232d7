// How packets without ports are judged (non-port.ts), case by case; Calico's behaviour
// for ICMP under Kubernetes policies (docs.tigera.io/calico/latest/network-policy/
// get-started/kubernetes-policy/kubernetes-policy-basic: a rule without ports admits
// every protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rule } from '../model/rule.ts';
import { policy, policySet, port } from '../engine/test-builders.ts';
import { nonPortPolicies } from './non-port.ts';

const cases: Array<{ name: string; ports: Rule['ports']; notPorts?: Rule['notPorts']; matches: boolean }> = [
  { name: 'a rule without ports admits every protocol', ports: null, matches: true },
  { name: 'a rule with only TCP/UDP port entries admits no ICMP', ports: [port('TCP', 80), port('UDP')], matches: false },
  { name: 'a port entry with neither protocol nor port admits every protocol', ports: [port('TCP', 80), port(null)], matches: true },
  { name: 'an empty port list admits nothing', ports: [], matches: false },
  { name: 'a notPorts entry with neither protocol nor port excludes every protocol', ports: null, notPorts: [port(null)], matches: false },
  { name: 'a notPorts entry naming TCP does not exclude ICMP', ports: null, notPorts: [port('TCP', 22)], matches: true },
];

for (const c of cases) {
  test(`nonPortPolicies: ${c.name}`, () => {
    const p = policy({ name: 'p', namespace: 'a', ingress: [{ peers: null, ports: c.ports, ...(c.notPorts === undefined ? {} : { notPorts: c.notPorts }) }] });
    const rule = nonPortPolicies(policySet([p])).policies[0]?.ingress?.rules[0];
    assert.ok(rule !== undefined);
    assert.equal(rule.notPorts, undefined);
    assert.deepEqual(rule.ports, c.matches ? null : []);
  });
}
