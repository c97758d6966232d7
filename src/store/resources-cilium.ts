// The Cilium policy resources (cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2/
// ciliumnetworkpolicies.yaml, ciliumclusterwidenetworkpolicies.yaml), with a status
// subresource. Cilium's own short name `cnp` is left out: ClusterNetworkPolicy has it here.
import type { ResourceType } from './resource-registry.ts';

export const CILIUM_RESOURCES: readonly ResourceType[] = [
  { group: 'cilium.io', version: 'v2', resource: 'ciliumnetworkpolicies', kind: 'CiliumNetworkPolicy', singular: 'ciliumnetworkpolicy', namespaced: true, shortNames: ['ciliumnp'], statusSubresource: true },
  { group: 'cilium.io', version: 'v2', resource: 'ciliumclusterwidenetworkpolicies', kind: 'CiliumClusterwideNetworkPolicy', singular: 'ciliumclusterwidenetworkpolicy', namespaced: false, shortNames: ['ccnp'], statusSubresource: true },
];
