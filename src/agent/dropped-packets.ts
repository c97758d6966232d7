// What the agent logs for each packet its table dropped (drop-log.ts delivers them): the
// deciding policy from the drop chain's log prefix, the addresses and ports, and the pods
// (or nodes) behind the addresses as the agent's model knows them — so `palisade.log` or
// the agent pod's log answers "who was dropped, by which policy" without a lookup by hand.
import type { LoggedPacket, LoggedProtocol } from '../dataplane/nflog.ts';
import { droppedBy } from '../dataplane/nflog.ts';
import type { Cluster } from '../model/cluster.ts';

export interface DroppedPacketRecord {
  /** The deciding policy, as `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly policy: string;
  readonly protocol: LoggedProtocol;
  readonly src: string;
  readonly srcPort?: number;
  /** `pod namespace/name` or `node name`, when the address is one the model knows. */
  readonly srcName?: string;
  readonly dst: string;
  readonly dstPort?: number;
  readonly dstName?: string;
}

/** Address → the pod or node that holds it; pods on the pod network win over host-network pods and nodes. */
export function addressNames(cluster: Cluster): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const n of cluster.nodes) for (const ip of n.ips) out.set(ip, `node ${n.name}`);
  for (const p of cluster.pods) if (!p.hostNetwork) for (const ip of p.ips) out.set(ip, `pod ${p.key}`);
  return out;
}

/** Records of the packets the drop chains logged; packets logged under another prefix are not ours and are skipped. */
export function droppedPacketRecords(packets: readonly LoggedPacket[], names: ReadonlyMap<string, string>): DroppedPacketRecord[] {
  const out: DroppedPacketRecord[] = [];
  for (const p of packets) {
    const policy = droppedBy(p.prefix);
    if (policy === undefined) continue;
    const srcName = names.get(p.src);
    const dstName = names.get(p.dst);
    out.push({
      policy, protocol: p.protocol,
      src: p.src, ...(p.srcPort === undefined ? {} : { srcPort: p.srcPort }), ...(srcName === undefined ? {} : { srcName }),
      dst: p.dst, ...(p.dstPort === undefined ? {} : { dstPort: p.dstPort }), ...(dstName === undefined ? {} : { dstName }),
    });
  }
  return out;
}
