// plan(): a compiled snapshot and one node → the typed model of that node's nftables table
// (ruleset.ts). Pure. The egress side is checked for packets from this node's pods, the
// ingress side for packets to them, so a flow between nodes is judged at both ends.
import { compile, internals } from '../engine/compile.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import type { Pod } from '../model/cluster.ts';
import { formatIp } from '../model/ip.ts';
import { directionTable } from './decisions.ts';
import { computeIdentities } from './identities.ts';
import { nonPortPolicies } from './non-port.ts';
import type { AddressIdentity, DropTarget, Numbering, Ruleset } from './ruleset.ts';

export interface PlanTarget {
  /** Node name (it names the table's owner in messages only). */
  readonly node: string;
  /** Which pods are this node's: those with `pod.node === node` (default), or all pods (a snapshot without nodes). */
  readonly localPods?: 'node' | 'all';
}

export const EMPTY_NUMBERING: Numbering = Object.freeze({ identities: new Map(), nextIdentity: 1, dropTargets: new Map(), nextDropTarget: 1 });

export function plan(compiled: CompiledCluster, target: PlanTarget, previous: Numbering = EMPTY_NUMBERING): Ruleset {
  const c = internals(compiled);
  const ids = computeIdentities(c, previous.identities, previous.nextIdentity);
  const isLocal = (pod: Pod): boolean => !pod.hostNetwork && (target.localPods === 'all' || pod.node === target.node);
  const localIps = new Set<string>();
  c.pods.forEach((pod, i) => {
    if (!isLocal(pod)) return;
    for (const ip of c.podIps[i] ?? []) {
      const text = formatIp(ip);
      if (c.podIndexByIp(text) === i) localIps.add(text);
    }
  });
  const local: AddressIdentity[] = ids.addresses.filter((a) => localIps.has(a.ip));
  const localIds = new Set(local.map((a) => a.identity));

  const targets = new Map<string, DropTarget>();
  let nextTarget = Math.max(1, previous.nextDropTarget);
  const dropTarget = (key: string, label: string): number => {
    let t = targets.get(key);
    if (t === undefined) {
      t = { index: previous.dropTargets.get(key) ?? nextTarget++, key, label };
      targets.set(key, t);
    }
    return t.index;
  };
  const nonPort = compile(c.cluster, nonPortPolicies(c.policies));
  const egress = directionTable(compiled, nonPort, c, ids, localIds, 'egress', dropTarget);
  const ingress = directionTable(compiled, nonPort, c, ids, localIds, 'ingress', dropTarget);
  const dropTargets = [...targets.values()].sort((a, b) => a.index - b.index);
  return {
    node: target.node,
    addresses: ids.addresses,
    regions: ids.regions,
    local,
    dropTargets,
    egress,
    ingress,
    numbering: {
      identities: ids.signatures,
      nextIdentity: ids.nextIdentity,
      dropTargets: new Map(dropTargets.map((t) => [t.key, t.index])),
      nextDropTarget: nextTarget,
    },
  };
}
