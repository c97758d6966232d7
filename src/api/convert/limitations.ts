// What a conversion could not carry over: one note per policy and field path, either an
// element that was dropped because the target model cannot express it, or an
// approximation that holds on the converted snapshot but not in general. The CLI prints
// them and the converters attach them to the objects as an annotation, so meaning is
// never changed silently.
export type ConversionTarget = 'k8s' | 'calico' | 'cilium' | 'cnp';

export const CONVERSION_TARGETS: readonly ConversionTarget[] = ['k8s', 'calico', 'cilium', 'cnp'];

/** Annotation holding the notes about one converted object, one per line. */
export const CONVERSION_NOTES_ANNOTATION = 'palisade.dev/conversion-notes';

export interface ConversionNote {
  /** Display name of the source policy (`NetworkPolicy demo/p`). */
  readonly policy: string;
  /** Field path in the source object (`spec.ingress[0].from[1]`), '' for the whole policy. */
  readonly path: string;
  /** unsupported: dropped from the output; approximation: kept, exact on this snapshot only or in a nearby form. */
  readonly kind: 'unsupported' | 'approximation';
  readonly message: string;
}

export type Manifest = Record<string, unknown>;

export interface ConversionOutput {
  readonly objects: readonly Manifest[];
  readonly notes: readonly ConversionNote[];
}

/** Why a target cannot express a construct; the texts the notes quote. */
export const LIMITS = {
  k8s: {
    tier: 'Kubernetes NetworkPolicy has no tiers: its policies all sit in the default tier',
    deny: 'Kubernetes NetworkPolicy can only allow; deny rules cannot be expressed',
    pass: 'Kubernetes NetworkPolicy has no pass action (there are no tiers to pass to)',
    nonIsolating: 'a Kubernetes NetworkPolicy always isolates the pods it selects; a rule set that only adds allows cannot be expressed',
    entity: 'Kubernetes NetworkPolicy has no entities (world, host, remote-node, ...)',
    fqdn: 'Kubernetes NetworkPolicy cannot match DNS names',
    not: 'Kubernetes NetworkPolicy has no negated peers or ports (notNets, notSelector, notPorts)',
    serviceAccounts: 'Kubernetes NetworkPolicy cannot match service accounts',
    selector: 'Kubernetes label selectors have only In, NotIn, Exists and DoesNotExist, ANDed',
  },
  calico: {
    nonIsolating: 'a Calico policy isolates what it selects; put in a Pass tier just before the default tier, it only adds allows and denies',
  },
  cilium: {
    tier: 'Cilium has no tiers: only the default tier (deny rules before allows) can be expressed',
    pass: 'Cilium has no pass action',
    cidrPods: 'Cilium CIDR rules never match pod IPs (they select addresses outside the cluster)',
    cidrNodes: 'Cilium CIDR rules never match cluster nodes or host-network pods (their traffic carries the identity host or remote-node) unless the agent runs with policy-cidr-match-mode=nodes',
    not: 'Cilium has no negated peers or ports',
    serviceAccounts: 'Cilium service-account selectors are not supported by Palisade',
    selector: 'Cilium endpoint selectors are Kubernetes label selectors (In, NotIn, Exists, DoesNotExist)',
    networkSets: 'Cilium has no Calico network sets',
    denyFirst: 'Cilium deny rules beat every allow of the default tier, whatever the source order',
    l7Deny: 'Cilium deny rules cannot carry L7 rules',
    serviceIngress: 'Cilium matches Services on egress only (toServices)',
    servicePorts: 'Cilium toServices rules cannot carry toPorts (Combining ToServices and ToPorts is not supported yet)',
  },
  cnp: {
    tier: 'ClusterNetworkPolicy has only the Admin and Baseline tiers; default-tier policies (NetworkPolicy, Calico, Cilium) cannot be expressed',
    ingressPeer: 'ClusterNetworkPolicy ingress peers are only namespaces and pods',
    entity: 'ClusterNetworkPolicy has no entities',
    not: 'ClusterNetworkPolicy has no negated peers or ports',
    serviceAccounts: 'ClusterNetworkPolicy cannot match service accounts',
    selector: 'ClusterNetworkPolicy selectors are Kubernetes label selectors',
    log: 'ClusterNetworkPolicy has no log action',
    domainAction: 'ClusterNetworkPolicy domainNames peers are allowed only in Accept rules',
    baselinePass: 'a Baseline ClusterNetworkPolicy cannot pass (there is no later tier)',
    service: 'ClusterNetworkPolicy has no Service peers (select the backend pods instead)',
  },
} as const;
