// The decision table of one direction on one node: for every local identity, every remote
// identity of the same family, every protocol and every port range between the ports the
// relevant rules and named ports mention, what evaluate() says. Each cell is computed by
// evaluate() itself on representative addresses, so the table cannot drift from the
// engine. The most common decision of a local identity becomes its default; only the
// other cells become map elements.
import type { Compiled, CompiledCluster } from '../engine/compile.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { DirectionVerdict } from '../engine/verdict.ts';
import type { Direction, Policy } from '../model/policy.ts';
import { policyDisplayName, policyId } from '../model/policy.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import type { Identities, IdentityRep } from './identities.ts';
import { ALLOW } from './ruleset.ts';
import type { Decision, DecisionCell, DirectionTable, NonPortCell } from './ruleset.ts';

/** Gives the drop-target index of a policy (allocating one on first use). */
export type DropTargetOf = (key: string, label: string) => number;

const PORT_END = 65536;

/**
 * `nonPort` is the snapshot compiled with nonPortPolicies(): evaluate() on it (any port)
 * decides packets of protocols without ports.
 */
export function directionTable(
  compiled: CompiledCluster, nonPort: CompiledCluster, c: Compiled, ids: Identities, locals: ReadonlySet<number>, direction: Direction, dropTarget: DropTargetOf,
): DirectionTable {
  const policyById = new Map<string, Policy>(c.enforced.map((p) => [p.id, p]));
  const defaults = new Map<number, Decision>();
  const cells: DecisionCell[] = [];
  const nonPortDefaults = new Map<number, Decision>();
  const nonPortCells: NonPortCell[] = [];
  const remotesByFamily = new Map<number, number[]>();
  for (const [id, fam] of ids.family) {
    let l = remotesByFamily.get(fam);
    if (l === undefined) remotesByFamily.set(fam, (l = []));
    l.push(id);
  }
  for (const l of remotesByFamily.values()) l.sort((a, b) => a - b);

  for (const local of [...locals].sort((a, b) => a - b)) {
    const repL = ids.reps.get(local)?.[0];
    if (repL === undefined || repL.podIndex < 0) continue;
    const selection = c.selectionOf(repL.podIndex, direction);
    if (selection.length === 0) {
      defaults.set(local, ALLOW);
      nonPortDefaults.set(local, ALLOW);
      continue;
    }
    const ruleCuts = portCutsOfRules(selection.flatMap((pi) => c.enforced[pi]?.[direction]?.rules ?? []));
    const own: DecisionCell[] = [];
    const ownNonPort: NonPortCell[] = [];
    for (const remote of remotesByFamily.get(ids.family.get(local) ?? 4) ?? []) {
      const repR = (ids.reps.get(remote) ?? []).find((r) => r.podIndex < 0 || r.podIndex !== repL.podIndex);
      if (repR === undefined) continue; // only the pod itself is in this class: loopback never reaches the node
      const [src, dst] = direction === 'egress' ? [repL, repR] : [repR, repL];
      const nonPortFlow = { src: { kind: 'ip' as const, ip: src.ip }, dst: { kind: 'ip' as const, ip: dst.ip }, protocol: 'TCP' as const, port: 0 };
      ownNonPort.push({ local, remote, decision: decide(evaluate(nonPort, nonPortFlow)[direction], policyById, dropTarget) });
      const dstRep = dst;
      const cuts = withNamedPortCuts(ruleCuts, c, dstRep);
      for (const protocol of PROTOCOLS) {
        let open: { from: number; decision: Decision; key: string } | undefined;
        for (let k = 0; k < cuts.length; k++) {
          const from = cuts[k] ?? 0;
          const flow = direction === 'egress'
            ? { src: { kind: 'ip' as const, ip: repL.ip }, dst: { kind: 'ip' as const, ip: repR.ip }, protocol, port: from }
            : { src: { kind: 'ip' as const, ip: repR.ip }, dst: { kind: 'ip' as const, ip: repL.ip }, protocol, port: from };
          const decision = decide(evaluate(compiled, flow)[direction], policyById, dropTarget);
          const key = decisionKey(decision);
          if (open !== undefined && open.key === key) continue;
          if (open !== undefined) own.push({ local, remote, protocol, fromPort: open.from, toPort: from - 1, decision: open.decision });
          open = { from, decision, key };
        }
        if (open !== undefined) own.push({ local, remote, protocol, fromPort: open.from, toPort: PORT_END - 1, decision: open.decision });
      }
    }
    const best = mostCommon(own);
    defaults.set(local, best);
    for (const cell of own) if (decisionKey(cell.decision) !== decisionKey(best)) cells.push(cell);
    const bestNonPort = mostCommon(ownNonPort);
    nonPortDefaults.set(local, bestNonPort);
    for (const cell of ownNonPort) if (decisionKey(cell.decision) !== decisionKey(bestNonPort)) nonPortCells.push(cell);
  }
  return { defaults, cells, nonPortDefaults, nonPortCells };
}

/** The decision of most cells (allow on ties): it becomes the default, the others elements. */
function mostCommon(cells: ReadonlyArray<{ readonly decision: Decision }>): Decision {
  const counts = new Map<string, { n: number; decision: Decision }>([['allow', { n: 0, decision: ALLOW }]]);
  for (const cell of cells) {
    const key = decisionKey(cell.decision);
    const entry = counts.get(key) ?? { n: 0, decision: cell.decision };
    entry.n++;
    counts.set(key, entry);
  }
  let best = { n: -1, decision: ALLOW as Decision };
  for (const entry of counts.values()) if (entry.n > best.n) best = entry;
  return best.decision;
}

export function decisionKey(d: Decision): string {
  return d.kind === 'allow' ? 'allow' : `drop:${d.target}`;
}

/** The decision of one side, with the policy that decided a denial (the first isolating one for a tier default). */
function decide(v: DirectionVerdict, policyById: ReadonlyMap<string, Policy>, dropTarget: DropTargetOf): Decision {
  if (v.allowed) return ALLOW;
  if (v.decidedBy !== undefined) return { kind: 'drop', target: dropTarget(v.decidedBy.policyId, policyDisplayName(v.decidedBy.policy)) };
  const tier = [...v.tiers].reverse().find((t) => t.outcome === 'no-match-deny');
  const ref = tier?.selectedBy.find((r) => policyById.get(policyId(r))?.[v.direction]?.isolates === true) ?? tier?.selectedBy[0];
  if (ref === undefined) return { kind: 'drop', target: dropTarget('palisade/unattributed', 'denied') };
  return { kind: 'drop', target: dropTarget(policyId(ref), policyDisplayName(ref)) };
}

/** Port boundaries where a rule's port entries start or stop matching, plus 0. */
function portCutsOfRules(rules: readonly Rule[]): number[] {
  const cuts = new Set<number>([0]);
  for (const r of rules) {
    for (const e of [...(r.ports ?? []), ...(r.notPorts ?? [])]) {
      if (e.ports?.kind !== 'range') continue;
      cuts.add(e.ports.from);
      if (e.ports.to + 1 < PORT_END) cuts.add(e.ports.to + 1);
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

/** Named ports match exactly the destination pod's container port numbers: cut around each. */
function withNamedPortCuts(base: readonly number[], c: Compiled, dst: IdentityRep): number[] {
  const pod = dst.podIndex >= 0 ? c.pods[dst.podIndex] : undefined;
  if (pod === undefined || pod.ports.length === 0) return [...base];
  const cuts = new Set(base);
  for (const cp of pod.ports) {
    cuts.add(cp.port);
    if (cp.port + 1 < PORT_END) cuts.add(cp.port + 1);
  }
  return [...cuts].sort((a, b) => a - b);
}
