// Routes from a host outside the cluster back to the pods: every pod address as a host
// route via its node's fabric address, so replies (and connections the host opens) enter
// the cluster through the node that filters them, also for pinned addresses outside the
// node's pod CIDR. The source is the host's outside address of that family, never its
// fabric address. Pure: topology.ts (pod churn) and external-hosts.ts (a new host) share it.
import { hostRoute } from './addressing.ts';
import type { LabExternalHostState, LabNodeState, LabPodState } from './lab-state.ts';

export function ipFamily(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** The host's outside address of `family`, if it has one. */
export function externalSource(host: LabExternalHostState, family: 4 | 6): string | undefined {
  return host.ips.find((ip) => ipFamily(ip) === family);
}

/** `ip route replace` lines (inside the external host) for the pod's addresses via its node. */
export function podRouteLines(host: LabExternalHostState, pod: LabPodState, node: LabNodeState): string[] {
  const lines: string[] = [];
  for (const ip of pod.ipv6 === undefined ? [pod.ipv4] : [pod.ipv4, pod.ipv6]) {
    const family = ipFamily(ip);
    const src = externalSource(host, family);
    const via = family === 4 ? node.ipv4 : node.ipv6;
    if (src !== undefined && via !== undefined) lines.push(`route replace ${hostRoute(ip)} via ${via} dev fab0 src ${src}`);
  }
  return lines;
}

/** Host routes of the pod's addresses, as `ip route del` arguments. */
export function podRouteTargets(pod: LabPodState): string[] {
  return (pod.ipv6 === undefined ? [pod.ipv4] : [pod.ipv4, pod.ipv6]).map(hostRoute);
}
