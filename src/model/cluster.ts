// The cluster snapshot the engine reasons about: namespaces, pods (endpoints), nodes,
// services and network sets, already converted from API objects at the edge (api/).
import type { Labels } from './labels.ts';
import type { Protocol } from './protocol.ts';

export interface Namespace {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name`, which the API server always sets. */
  readonly labels: Labels;
}

/** A port a container declares; `name` is what named ports in policies resolve to. */
export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Pod {
  /** `namespace/name`, unique in a cluster; used as the pod's id everywhere. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Canonical IP strings (IPv4 dotted quad, IPv6 RFC 5952), first is the primary. */
  readonly ips: readonly string[];
  /** Host-network pods use the node's addresses and are never selected by policies. */
  readonly hostNetwork: boolean;
  readonly node?: string;
  readonly ports: readonly ContainerPort[];
  readonly serviceAccount?: string;
}

export interface Node {
  readonly name: string;
  readonly labels: Labels;
  /** Canonical node addresses (InternalIP/ExternalIP). */
  readonly ips: readonly string[];
  readonly podCIDRs: readonly string[];
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** A number, or a container port name resolved per backing pod. */
  readonly targetPort: number | string;
}

export interface Service {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Absent for services without a selector (their endpoints are managed elsewhere). */
  readonly selector?: Labels;
  readonly clusterIPs: readonly string[];
  readonly ports: readonly ServicePort[];
}

/** Calico NetworkSet (namespaced) / GlobalNetworkSet (namespace undefined). */
export interface NetworkSet {
  readonly key: string;
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nets: readonly string[];
  readonly domains: readonly string[];
}

export interface Cluster {
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly nodes: readonly Node[];
  readonly services: readonly Service[];
  readonly networkSets: readonly NetworkSet[];
}

export const EMPTY_CLUSTER: Cluster = Object.freeze({ namespaces: [], pods: [], nodes: [], services: [], networkSets: [] });
