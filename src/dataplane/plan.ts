// plan(): a compiled snapshot and one node → the typed model of that node's nftables table
// (ruleset.ts). Pure. The egress side is checked for packets from this node's pods, the
// ingress side for packets to them, so a flow between nodes is judged at both ends.
//
// Re-planning: pass the previous Ruleset (not just its numbering) as `previous` and the
// decision rows of local identities are reused when nothing they depend on changed: the
// same policy objects and tiers, the same identity classes (signatures and numbers), and
// the same remotes excluded as the local pod itself. A pod change that lands the pod in
// an existing class then costs the identity pass only. The cache lives in a WeakMap keyed
// by the returned Ruleset, so callers keep nothing but the Ruleset itself.
import { internals } from '../engine/compile.ts';
import type { Compiled, CompiledCluster } from '../engine/compile.ts';
import type { Pod } from '../model/cluster.ts';
import { formatIp } from '../model/ip.ts';
import type { Policy } from '../model/policy.ts';
import type { Tier } from '../model/tier.ts';
import { decisionRow, directionTable, RemoteSpace } from './decisions.ts';
import type { DecisionRow } from './decisions.ts';
import { computeIdentities } from './identities.ts';
import type { IdentityCache } from './identities.ts';
import type { AddressIdentity, DropTarget, Numbering, Ruleset } from './ruleset.ts';

export interface PlanTarget {
  /** Node name (it names the table's owner in messages only). */
  readonly node: string;
  /** Which pods are this node's: those with `pod.node === node` (default), or all pods (a snapshot without nodes). */
  readonly localPods?: 'node' | 'all';
}

export const EMPTY_NUMBERING: Numbering = Object.freeze({ identities: new Map(), nextIdentity: 1, dropTargets: new Map(), nextDropTarget: 1 });

/** What a plan remembers for the next one (see the top of this file). */
interface PlanCache {
  readonly enforced: readonly Policy[];
  readonly tiers: readonly Tier[];
  readonly signatures: ReadonlyMap<string, number>;
  /** `${direction}|${local}|${excluded remotes}` → row. */
  readonly rows: ReadonlyMap<string, DecisionRow>;
  readonly identities: IdentityCache;
}

const caches = new WeakMap<Ruleset, PlanCache>();

function isRuleset(p: Numbering | Ruleset): p is Ruleset {
  return 'numbering' in p;
}

/**
 * `previous`: the numbering of the last plan (identity and drop-chain numbers survive),
 * or the last Ruleset itself, which also lets unchanged decision rows be reused.
 */
export function plan(compiled: CompiledCluster, target: PlanTarget, previous: Numbering | Ruleset = EMPTY_NUMBERING): Ruleset {
  const c = internals(compiled);
  const numbering = isRuleset(previous) ? previous.numbering : previous;
  const old = isRuleset(previous) ? caches.get(previous) : undefined;
  const ids = computeIdentities(c, numbering.identities, numbering.nextIdentity, old?.identities);
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
  const localIds = [...new Set(local.map((a) => a.identity))].sort((a, b) => a - b);

  const targets = new Map<string, DropTarget>();
  let nextTarget = Math.max(1, numbering.nextDropTarget);
  const dropTarget = (key: string, label: string): number => {
    let t = targets.get(key);
    if (t === undefined) {
      t = { index: numbering.dropTargets.get(key) ?? nextTarget++, key, label };
      targets.set(key, t);
    }
    return t.index;
  };
  const reusable = old !== undefined && sameRules(old, c) && sameClasses(old.signatures, ids.signatures) ? old.rows : undefined;
  const rows = new Map<string, DecisionRow>();
  const space = new RemoteSpace(c, ids);
  const table = (direction: 'egress' | 'ingress'): ReturnType<typeof directionTable> => {
    const out: DecisionRow[] = [];
    for (const id of localIds) {
      const key = `${direction}|${id}|${space.excludedFor(id).join(',')}`;
      let row = reusable?.get(key);
      if (row !== undefined) {
        for (const d of [row.default, row.nonPortDefault]) if (d.kind === 'drop') reuseTarget(d.target);
        for (const cell of row.cells) if (cell.decision.kind === 'drop') reuseTarget(cell.decision.target);
        for (const cell of row.nonPortCells) if (cell.decision.kind === 'drop') reuseTarget(cell.decision.target);
      } else {
        row = decisionRow(c, space, ids, id, direction, dropTarget);
      }
      if (row === undefined) continue;
      rows.set(key, row);
      out.push(row);
    }
    return directionTable(out);
  };
  // A reused row's drop targets are all in the previous numbering: register them by index.
  const byIndex = new Map<number, DropTarget>((isRuleset(previous) ? previous.dropTargets : []).map((t) => [t.index, t]));
  const reuseTarget = (index: number): void => {
    const t = byIndex.get(index);
    if (t !== undefined) dropTarget(t.key, t.label);
  };
  const egress = table('egress');
  const ingress = table('ingress');
  const dropTargets = [...targets.values()].sort((a, b) => a.index - b.index);
  const result: Ruleset = {
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
  caches.set(result, { enforced: c.enforced, tiers: c.tiers, signatures: ids.signatures, rows, identities: ids.cache });
  return result;
}

/** The same policy and tier objects in the same order: rules, ports and actions are unchanged. */
function sameRules(old: PlanCache, c: Compiled): boolean {
  return sameList(old.enforced, c.enforced) && sameList(old.tiers, c.tiers);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same classes with the same numbers: every remote column and membership is unchanged. */
function sameClasses(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [sig, id] of b) if (a.get(sig) !== id) return false;
  return true;
}
