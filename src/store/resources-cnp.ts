// The admin network policy resources of kubernetes-sigs/network-policy-api (their CRDs:
// config/crd/*/policy.networking.k8s.io_*.yaml): cluster-scoped, with a status subresource.
import type { ResourceType } from './resource-registry.ts';

export const CNP_RESOURCES: readonly ResourceType[] = [
  { group: 'policy.networking.k8s.io', version: 'v1alpha2', resource: 'clusternetworkpolicies', kind: 'ClusterNetworkPolicy', singular: 'clusternetworkpolicy', namespaced: false, shortNames: ['cnp'], statusSubresource: true },
  { group: 'policy.networking.k8s.io', version: 'v1alpha1', resource: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy', singular: 'adminnetworkpolicy', namespaced: false, shortNames: ['anp'], statusSubresource: true },
  { group: 'policy.networking.k8s.io', version: 'v1alpha1', resource: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy', singular: 'baselineadminnetworkpolicy', namespaced: false, shortNames: ['banp'], statusSubresource: true },
];
