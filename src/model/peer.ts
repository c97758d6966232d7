// The remote side of a rule: who a rule talks about. Every dialect's peer kinds map here
// (Kubernetes from/to, ClusterNetworkPolicy peers, Calico source/destination, Cilium
// from*/to*). `path` is the field path of the peer in its source object, for traces.
import type { Selector } from './selector.ts';

/** Which namespaces a pod selector applies in. "All namespaces" is `{kind:'selector', selector: all}`. */
export type NamespaceScope =
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'selector'; readonly selector: Selector };

/** Cilium's reserved identities (and Calico/CNP equivalents map onto them). */
export type Entity = 'all' | 'world' | 'cluster' | 'host' | 'remote-node' | 'kube-apiserver' | 'init' | 'health' | 'unmanaged' | 'ingress';

interface Located {
  /** Field path in the source object, e.g. `spec.ingress[0].from[1]`. */
  readonly path: string;
}

/** Pods matching `pods` in namespaces matching `namespaces` (k8s podSelector/namespaceSelector). */
export interface PodsPeer extends Located {
  readonly kind: 'pods';
  readonly namespaces: NamespaceScope;
  readonly pods: Selector;
  /**
   * Calico `serviceAccounts`: the pod must also run as one of `names` and/or under a service
   * account whose labels match `selector` (service account labels are not in the snapshot:
   * the selector sees `projectcalico.org/name`, as Calico labels its SA profiles).
   */
  readonly serviceAccounts?: { readonly names?: readonly string[]; readonly selector?: Selector };
}

/**
 * Addresses in `cidr` but not in any `except`. `matchesPods` says whether pod IPs count
 * (Kubernetes ipBlock and ClusterNetworkPolicy networks: yes; Cilium fromCIDR: no, it
 * only matches addresses outside the cluster).
 */
export interface CidrPeer extends Located {
  readonly kind: 'cidr';
  readonly cidr: string;
  readonly except: readonly string[];
  readonly matchesPods: boolean;
  /**
   * Whether cluster nodes count: the snapshot's node addresses and host-network pods
   * (which use them). Absent means true (Kubernetes ipBlock, ClusterNetworkPolicy
   * networks, Calico nets). Cilium CIDR rules: false, as node traffic carries the
   * reserved identities host/remote-node, which CIDR selectors do not select, unless
   * the agent runs with `policy-cidr-match-mode: nodes`. Addresses of nodes that are not
   * in the snapshot are outside addresses and match either way.
   */
  readonly matchesNodes?: boolean;
}

/** A DNS name (exact) or pattern (`*.example.com`); enforced only with DNS learning. */
export interface FqdnPeer extends Located {
  readonly kind: 'fqdn';
  readonly pattern: string;
}

export interface EntityPeer extends Located {
  readonly kind: 'entity';
  readonly entity: Entity;
}

/** Nodes (their addresses) matching a node label selector. */
export interface NodesPeer extends Located {
  readonly kind: 'nodes';
  readonly selector: Selector;
}

/** Calico (Global)NetworkSets matching `selector`; `namespaces` null means global sets. */
export interface NetworkSetsPeer extends Located {
  readonly kind: 'networkSets';
  readonly namespaces: NamespaceScope | null;
  readonly selector: Selector;
}

/**
 * The backends of Kubernetes Services (Cilium egress `toServices`): the pods selected by
 * the `selector` of every Service named `name` (k8sService) or whose Service labels match
 * `selector` (k8sServiceSelector), in `namespace` (null: any namespace). A backend must be
 * in its Service's namespace. Services without a selector (endpoints managed elsewhere)
 * have no backends here; traffic to the Service's clusterIP is not a peer (no kube-proxy).
 */
export interface ServicePeer extends Located {
  readonly kind: 'service';
  readonly namespace: string | null;
  readonly name?: string;
  readonly selector?: Selector;
}

export type Peer = PodsPeer | CidrPeer | FqdnPeer | EntityPeer | NodesPeer | NetworkSetsPeer | ServicePeer;
