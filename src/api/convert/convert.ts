// Converts a snapshot's policies to one target model: the dispatch over the converters.
// `options` are the target engine's settings (a Cilium agent's policy-cidr-match-mode).
import type { Cluster } from '../../model/cluster.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { DialectOptions } from '../handlers.ts';
import type { ConversionOutput, ConversionTarget } from './limitations.ts';
import { toCalico } from './to-calico.ts';
import { toCilium } from './to-cilium.ts';
import { toClusterNetworkPolicy } from './to-cnp.ts';
import { toKubernetes } from './to-k8s.ts';

export function convertPolicies(set: PolicySet, cluster: Cluster, target: ConversionTarget, options: DialectOptions = {}): ConversionOutput {
  switch (target) {
    case 'k8s': return toKubernetes(set, cluster);
    case 'calico': return toCalico(set, cluster);
    case 'cilium': return toCilium(set, cluster, options.cilium);
    case 'cnp': return toClusterNetworkPolicy(set, cluster);
  }
}
