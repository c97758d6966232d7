// The resource table: kind ↔ resource lookups, the names errors use for resources and
// kinds (k8s.io/apimachinery/pkg/api/errors: qualifiedResource "networkpolicies.networking.k8s.io",
// qualifiedKind "NetworkPolicy.networking.k8s.io"), and registration by later dialects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceType } from './resource-registry.ts';
import { CORE_RESOURCES, ResourceRegistry, apiVersionOf, qualifiedKind, qualifiedResource, resourceKey } from './resource-registry.ts';

const ANP: ResourceType = {
  group: 'policy.networking.k8s.io', version: 'v1alpha1', resource: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy',
  singular: 'adminnetworkpolicy', namespaced: false, statusSubresource: true,
};

test('registry: core resources by resource and by kind', () => {
  const r = new ResourceRegistry();
  const np = r.byKind('networking.k8s.io/v1', 'NetworkPolicy');
  assert.equal(np?.resource, 'networkpolicies');
  assert.equal(np?.namespaced, true);
  assert.equal(r.get({ group: '', version: 'v1', resource: 'namespaces' })?.namespaced, false);
  assert.equal(r.byKind('v1', 'NetworkPolicy'), undefined, 'kinds are looked up with their group');
  // Core resources first; the dialects' (resources-*.ts) follow.
  assert.deepEqual(r.all().map(resourceKey).slice(0, 5), ['/v1/namespaces', '/v1/pods', '/v1/nodes', '/v1/services', 'networking.k8s.io/v1/networkpolicies']);
  assert.equal(r.byKind('projectcalico.org/v3', 'NetworkPolicy')?.resource, 'networkpolicies', 'same kind, other group');
});

test('registry: names used in messages', () => {
  const r = new ResourceRegistry();
  const np = r.byKind('networking.k8s.io/v1', 'NetworkPolicy');
  const pod = r.byKind('v1', 'Pod');
  assert.ok(np !== undefined && pod !== undefined);
  assert.deepEqual([qualifiedResource(np), qualifiedKind(np), apiVersionOf(np)], ['networkpolicies.networking.k8s.io', 'NetworkPolicy.networking.k8s.io', 'networking.k8s.io/v1']);
  assert.deepEqual([qualifiedResource(pod), qualifiedKind(pod), apiVersionOf(pod)], ['pods', 'Pod', 'v1']);
});

test('registry: dialects register more resources; duplicates are refused', () => {
  const r = new ResourceRegistry(CORE_RESOURCES);
  r.register(ANP);
  assert.equal(r.byKind('policy.networking.k8s.io/v1alpha1', 'AdminNetworkPolicy'), ANP);
  assert.throws(() => r.register(ANP), /already registered/);
  assert.throws(() => r.register({ ...ANP, resource: 'other' }), /kind AdminNetworkPolicy of policy.networking.k8s.io\/v1alpha1 is already registered/);
});
