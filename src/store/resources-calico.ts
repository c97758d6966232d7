// The projectcalico.org/v3 resources Palisade understands (Calico's API server / CRDs:
// api/pkg/apis/projectcalico/v3). Short names follow Calico's, minus `cnp`, which is
// ClusterNetworkPolicy's here.
import type { ResourceType } from './resource-registry.ts';

const G = 'projectcalico.org';
const V = 'v3';

export const CALICO_RESOURCES: readonly ResourceType[] = [
  { group: G, version: V, resource: 'networkpolicies', kind: 'NetworkPolicy', singular: 'networkpolicy', namespaced: true, shortNames: ['caliconetworkpolicy', 'caliconetworkpolicies'], statusSubresource: false },
  { group: G, version: V, resource: 'globalnetworkpolicies', kind: 'GlobalNetworkPolicy', singular: 'globalnetworkpolicy', namespaced: false, shortNames: ['gnp'], statusSubresource: false },
  { group: G, version: V, resource: 'stagednetworkpolicies', kind: 'StagedNetworkPolicy', singular: 'stagednetworkpolicy', namespaced: true, statusSubresource: false },
  { group: G, version: V, resource: 'stagedglobalnetworkpolicies', kind: 'StagedGlobalNetworkPolicy', singular: 'stagedglobalnetworkpolicy', namespaced: false, statusSubresource: false },
  { group: G, version: V, resource: 'stagedkubernetesnetworkpolicies', kind: 'StagedKubernetesNetworkPolicy', singular: 'stagedkubernetesnetworkpolicy', namespaced: true, statusSubresource: false },
  { group: G, version: V, resource: 'tiers', kind: 'Tier', singular: 'tier', namespaced: false, statusSubresource: false },
  { group: G, version: V, resource: 'networksets', kind: 'NetworkSet', singular: 'networkset', namespaced: true, statusSubresource: false },
  { group: G, version: V, resource: 'globalnetworksets', kind: 'GlobalNetworkSet', singular: 'globalnetworkset', namespaced: false, statusSubresource: false },
];
