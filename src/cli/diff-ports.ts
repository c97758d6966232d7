// Which port/protocol pairs `palisade diff` checks when --port is not given: every port
// the policies of either side name (both ends of ranges) and every container port of
// either side's pods, capped so a diff stays fast; 80/TCP when there are none.
import type { Cluster } from '../model/cluster.ts';
import type { PolicySet } from '../model/tier.ts';
import type { Protocol } from '../model/protocol.ts';

export interface PortQuery {
  readonly port: number;
  readonly protocol: Protocol;
}

export const DEFAULT_PORT_CAP = 32;

export interface DefaultPorts {
  readonly queries: PortQuery[];
  /** How many distinct pairs were found before the cap. */
  readonly found: number;
}

function policyPorts(set: PolicySet): PortQuery[] {
  const out: PortQuery[] = [];
  for (const p of set.policies) {
    for (const rules of [p.ingress, p.egress]) {
      for (const rule of rules?.rules ?? []) {
        for (const m of rule.ports ?? []) {
          // Named ports resolve to container ports, which are collected from the pods.
          if (m.ports === null || m.ports.kind !== 'range') continue;
          const protocol = m.protocol ?? 'TCP';
          out.push({ port: m.ports.from, protocol });
          if (m.ports.to !== m.ports.from) out.push({ port: m.ports.to, protocol });
        }
      }
    }
  }
  return out;
}

function podPorts(cluster: Cluster): PortQuery[] {
  return cluster.pods.flatMap((pod) => pod.ports.map((p) => ({ port: p.port, protocol: p.protocol })));
}

function byProtocolThenPort(a: PortQuery, b: PortQuery): number {
  return a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.port - b.port;
}

function unique(list: readonly PortQuery[]): PortQuery[] {
  const seen = new Set<string>();
  return list.filter((q) => {
    const k = `${q.protocol}/${q.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Policy ports come first when capping (they are what a policy change is about), then
 * pod ports; the result is sorted by protocol, then port. `protocol` keeps only that one.
 */
export function defaultDiffPorts(
  sides: ReadonlyArray<{ readonly cluster: Cluster; readonly policies: PolicySet }>,
  protocol: Protocol | 'all',
  cap = DEFAULT_PORT_CAP,
): DefaultPorts {
  const keep = (q: PortQuery): boolean => protocol === 'all' || q.protocol === protocol;
  const fromPolicies = unique(sides.flatMap((s) => policyPorts(s.policies)).filter(keep)).sort(byProtocolThenPort);
  const fromPods = unique(sides.flatMap((s) => podPorts(s.cluster)).filter(keep)).sort(byProtocolThenPort);
  const all = unique([...fromPolicies, ...fromPods]);
  if (all.length === 0) return { queries: [{ port: 80, protocol: protocol === 'all' ? 'TCP' : protocol }], found: 0 };
  return { queries: all.slice(0, cap).sort(byProtocolThenPort), found: all.length };
}
