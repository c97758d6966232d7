// policyDisplayName: the short names explanations, reports and drop logs use; a kind that
// networking.k8s.io also has carries its dialect (Calico's NetworkPolicy, docs.tigera.io
// calico/latest/reference/resources/networkpolicy), so the reader knows which one decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyDisplayName } from './policy.ts';

test('policyDisplayName names the kind, and the dialect where the kind name is also Kubernetes\'', () => {
  const cases = [
    { ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' }, want: 'NetworkPolicy demo/p' },
    { ref: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' }, want: 'Calico NetworkPolicy demo/p' },
    { ref: { apiVersion: 'example.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'p' }, want: 'example.io NetworkPolicy demo/p' },
    { ref: { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', name: 'g' }, want: 'GlobalNetworkPolicy g' },
    { ref: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', namespace: 'app', name: 'c' }, want: 'CiliumNetworkPolicy app/c' },
    { ref: { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', name: 'deny-all' }, want: 'ClusterNetworkPolicy deny-all' },
  ];
  for (const c of cases) assert.equal(policyDisplayName(c.ref), c.want, c.want);
});
