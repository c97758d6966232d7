// Converts a snapshot's policies to one target model: the dispatch over the converters.
import type { Cluster } from '../../model/cluster.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { ConversionOutput, ConversionTarget } from './limitations.ts';
import { toCalico } from './to-calico.ts';
import { toCilium } from './to-cilium.ts';
import { toClusterNetworkPolicy } from './to-cnp.ts';
import { toKubernetes } from './to-k8s.ts';

export function convertPolicies(set: PolicySet, cluster: Cluster, target: ConversionTarget): ConversionOutput {
  switch (target) {
    case 'k8s': return toKubernetes(set, cluster);
    case 'calico': return toCalico(set, cluster);
    case 'cilium': return toCilium(set, cluster);
    case 'cnp': return toClusterNetworkPolicy(set, cluster);
  }
}
