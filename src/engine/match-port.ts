// Whether a rule's port entry matches a flow's protocol and destination port. Named ports
// resolve against the destination pod's container ports (name and protocol must match,
// and the container port number must be the flow's port); a destination that is not a
// pod has no named ports (kubernetes.io/docs/concepts/services-networking/network-policies).
import type { Pod } from '../model/cluster.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { Protocol } from '../model/protocol.ts';

export function portMatches(entry: PortMatch, protocol: Protocol, port: number, dstPod: Pod | undefined): boolean {
  if (entry.protocol !== null && entry.protocol !== protocol) return false;
  const spec = entry.ports;
  if (spec === null) return true;
  if (spec.kind === 'range') return port >= spec.from && port <= spec.to;
  if (dstPod === undefined) return false;
  for (const cp of dstPod.ports) {
    if (cp.name === spec.name && cp.protocol === protocol && cp.port === port) return true;
  }
  return false;
}

/** The first of `entries` that matches, or -1. */
export function firstMatchingPort(entries: readonly PortMatch[], protocol: Protocol, port: number, dstPod: Pod | undefined): number {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e !== undefined && portMatches(e, protocol, port, dstPod)) return i;
  }
  return -1;
}
