// Whether a rule's peer matches the remote side of a flow (DESIGN.md "Semantics"):
// pod peers never match host-network pods; CIDR peers match pod addresses only when
// `matchesPods` and node addresses (host-network pods included) unless `matchesNodes` is
// false; entities follow Cilium's reserved identities; FQDN peers need DNS and never
// match a bare IP flow; service peers match the pods backing the Services.
import type { Service } from '../model/cluster.ts';
import { cidrContainsIp } from '../model/ip.ts';
import type { IpAddress } from '../model/ip.ts';
import type { Labels } from '../model/labels.ts';
import type { CidrPeer, Peer, PodsPeer } from '../model/peer.ts';
import type { Compiled } from './compile.ts';
import { matchSelector } from './match-selector.ts';
import type { Remote } from './remote.ts';

export function peerMatches(c: Compiled, peer: Peer, remote: Remote): boolean {
  switch (peer.kind) {
    case 'pods':
      return remote.pod !== undefined && c.inScope(peer.namespaces, remote.pod.namespace)
        && matchSelector(peer.pods, remote.pod.labels)
        && (peer.serviceAccounts === undefined || serviceAccountMatches(peer.serviceAccounts, remote.pod.serviceAccount ?? 'default'));
    case 'cidr': {
      const ip = remote.ip;
      if (ip === undefined || (!peer.matchesPods && remote.pod !== undefined) || (peer.matchesNodes === false && remote.isHost)) return false;
      return cidrPeerContains(c, peer, ip);
    }
    case 'fqdn':
      return false;
    case 'entity':
      switch (peer.entity) {
        case 'all': return true;
        case 'world': return remote.pod === undefined && !remote.isHost;
        case 'cluster': return remote.pod !== undefined || remote.isHost;
        case 'host':
        case 'remote-node': return remote.isHost;
        default: return false;
      }
    case 'nodes':
      return remote.node !== undefined && matchSelector(peer.selector, remote.node.labels);
    case 'networkSets': {
      const ip = remote.ip;
      if (ip === undefined) return false;
      for (const net of c.peers.get(peer)?.nets ?? []) if (cidrContainsIp(net, ip)) return true;
      return false;
    }
    case 'service': {
      const pod = remote.pod;
      return pod !== undefined && serviceBackend(c.peers.get(peer)?.services ?? [], pod.namespace, pod.labels);
    }
  }
}

/** Whether `ip` is in the peer's block and in none of its excepts, whoever holds it. */
export function cidrPeerContains(c: Compiled, peer: CidrPeer, ip: IpAddress): boolean {
  const prepared = c.peers.get(peer);
  if (prepared?.cidr === undefined || !cidrContainsIp(prepared.cidr, ip)) return false;
  for (const e of prepared.except ?? []) if (cidrContainsIp(e, ip)) return false;
  return true;
}

/**
 * Whether a pod of `namespace` with `labels` backs one of `services`: the Service has a
 * selector, every label of it is on the pod, and the pod is in the Service's namespace
 * (as the EndpointSlice controller picks endpoints).
 */
export function serviceBackend(services: readonly Service[], namespace: string, labels: Labels): boolean {
  for (const svc of services) {
    if (svc.selector === undefined || svc.namespace !== namespace) continue;
    let all = true;
    for (const k in svc.selector) if (labels[k] !== svc.selector[k]) { all = false; break; }
    if (all) return true;
  }
  return false;
}

/** A pod without a service account runs as `default`, as Kubernetes assigns it. */
export function serviceAccountMatches(sa: NonNullable<PodsPeer['serviceAccounts']>, name: string): boolean {
  if (sa.names !== undefined && !sa.names.includes(name)) return false;
  return sa.selector === undefined || matchSelector(sa.selector, { 'projectcalico.org/name': name });
}

/** The first of `peers` that matches, or -1. */
export function firstMatchingPeer(c: Compiled, peers: readonly Peer[], remote: Remote): number {
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i];
    if (p !== undefined && peerMatches(c, p, remote)) return i;
  }
  return -1;
}
