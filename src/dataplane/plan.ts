// plan(): a compiled snapshot and one node → the typed model of that node's nftables table
// (ruleset.ts). Pure. The egress side is checked for packets from this node's pods, the
// ingress side for packets to them, so a flow between nodes is judged at both ends.
//
// createPlanner() gives an object that remembers its last plan and follows changes
// instead of starting over; the caller owns it (nothing lives in module scope):
// - identities (identities.ts) follow the slots recompile() journaled, the policies
//   that changed and the namespaces relabelled, created or deleted; classes that come
//   and go are the only news for rows;
// - a row (one local identity, one direction) is recomputed only when the local class,
//   the policy objects selecting it or the remotes left out of it changed; otherwise the
//   classes that went are subtracted from it and those that came are added, walking the
//   rules over just them (decisions.ts columnRuns). A row nothing touched is handed back
//   as the same object, as is the region list when it did not change (delta.ts skips
//   what is `===`);
// - the address list is a version (address-versions.ts) made into an array only when
//   read: its lineage, a non-enumerable Ruleset.addressLineage, names the addresses that
//   changed since the last plan, and delta() of the two reads just those.
// plan(compiled, target, numbering) is a planner's first plan: the same result as a
// planner that followed every change would give, up to identity and drop-chain numbers.
import { internals } from '../engine/compile.ts';
import type { Compiled, CompiledCluster, Lineage } from '../engine/compile.ts';
import type { Pod } from '../model/cluster.ts';
import type { Direction, Policy } from '../model/policy.ts';
import type { Tier } from '../model/tier.ts';
import { bestKey, columnRuns, directionTable, fullRow, RemoteSpace } from './decisions.ts';
import type { Column, ColumnRuns, DecisionRow, LocalSide, RowCounts } from './decisions.ts';
import { IdentityIndex } from './identities.ts';
import { assignPortClasses, LayoutLimitError } from './layout.ts';
import type { Identity, IdentityChanges, IndexUpdate } from './identities.ts';
import { ALLOW } from './ruleset.ts';
import type { AddressIdentity, Decision, DecisionCell, DirectionTable, DropTarget, NonPortCell, Numbering, PortClasses, Ruleset } from './ruleset.ts';
import { sameList } from '../model/same-list.ts';

export interface PlanTarget {
  /** Node name (it names the table's owner in messages only). */
  readonly node: string;
  /** Which pods are this node's: those with `pod.node === node` (default), or all pods (a snapshot without nodes). */
  readonly localPods?: 'node' | 'all';
}

export const EMPTY_NUMBERING: Numbering = Object.freeze({ identities: new Map(), nextIdentity: 1, dropTargets: new Map(), nextDropTarget: 1 });

export interface Planner {
  /** The table of `compiled` for `target`, built from what the last plan left. */
  plan(compiled: CompiledCluster, target: PlanTarget): Ruleset;
}

/** A planner starting from `previous` numbering (identity and drop-chain numbers survive). */
export function createPlanner(previous: Numbering = EMPTY_NUMBERING): Planner {
  return new IncrementalPlanner(previous);
}

/** One plan from scratch; `previous`: the numbering of an earlier plan, to keep its numbers. */
export function plan(compiled: CompiledCluster, target: PlanTarget, previous: Numbering = EMPTY_NUMBERING): Ruleset {
  return createPlanner(previous).plan(compiled, target);
}

const DIRECTIONS: readonly Direction[] = ['egress', 'ingress'];

interface RowState {
  readonly row: DecisionRow;
  /** What the row was computed for: the local class, the policies selecting it, the remotes left out. */
  readonly sig: string;
  readonly policies: readonly Policy[];
  readonly excluded: readonly string[];
  readonly counts: RowCounts;
  readonly bestPort: string;
  readonly bestNonPort: string;
  /** Drop keys the row uses. */
  readonly keys: ReadonlySet<string>;
  /** Nobody selects the local class in this direction: every remote is allowed, whatever comes. */
  readonly open: boolean;
}

/** A pod standing for a local class (any: selection and named ports are the class's). */
interface LocalRep {
  readonly identity: Identity;
  readonly pod: Pod;
  readonly slot: number;
}

interface TargetState {
  readonly target: DropTarget;
  refs: number;
}

class IncrementalPlanner implements Planner {
  #numbering: Numbering;
  #target: PlanTarget | undefined;
  #index: IdentityIndex | undefined;
  #lineage: Lineage | undefined;
  #version = 0;
  #tiers: readonly Tier[] = [];
  /** By local identity × 2 + direction (0 egress, 1 ingress): no key text to build per row and plan. */
  readonly #rows = new Map<number, RowState>();
  /** A pod of each local class and its slot, kept while both still hold (else a lookup among every pod's keys). */
  readonly #reps = new Map<number, LocalRep>();
  #targets = new Map<string, TargetState>();
  #nextTarget: number;
  #space: RemoteSpace | undefined;
  #last: Ruleset | undefined;
  #numberingOf: LazyNumbering | undefined;

  constructor(previous: Numbering) {
    this.#numbering = previous;
    this.#nextTarget = Math.max(1, previous.nextDropTarget);
  }

  plan(compiled: CompiledCluster, target: PlanTarget): Ruleset {
    const c = internals(compiled);
    if (this.#target !== undefined && (this.#target.node !== target.node || (this.#target.localPods ?? 'node') !== (target.localPods ?? 'node'))) this.#restart();
    this.#target = target;
    const isLocal = (pod: Pod): boolean => !pod.hostNetwork && (target.localPods === 'all' || pod.node === target.node);
    this.#index ??= new IdentityIndex(this.#numbering, isLocal);
    const index = this.#index;
    const changes = index.update(c, this.#updateFor(c));
    this.#lineage = c.lineage;
    this.#version = c.state.version;
    const tiersChanged = !sameList(this.#tiers, c.tiers);
    this.#tiers = c.tiers;
    if (changes.born.length > 0 || changes.died.length > 0 || changes.rebuilt) this.#space = undefined;

    const unreachable = new Map<number, string[]>([[4, []], [6, []]]);
    for (const id of index.regionIds) if (id.count > 0 && id.free === 0) unreachable.get(id.family)?.push(id.sig);
    const locals: Array<{ local: LocalSide; sig: string; excluded: readonly string[] }> = [];
    for (const id of [...new Set(index.local.map((a) => a.identity))].sort((a, b) => a - b)) {
      const identity = index.byId.get(id);
      const rep = identity === undefined ? undefined : this.#repOf(c, identity);
      if (identity === undefined || rep === undefined) continue;
      const { pod, slot } = rep;
      const excluded = [...excludedOf(index, identity, slot), ...(unreachable.get(identity.family) ?? [])].sort();
      locals.push({ local: { id, family: identity.family, slot, pod }, sig: identity.sig, excluded });
    }
    if (this.#reps.size > 2 * locals.length + 64) {
      const kept = new Set(locals.map((l) => l.local.id));
      for (const id of this.#reps.keys()) if (!kept.has(id)) this.#reps.delete(id);
    }
    const tables = {} as Record<Direction, DirectionTable>;
    const live = new Set<number>();
    for (const direction of DIRECTIONS) {
      const rows: DecisionRow[] = [];
      let same = this.#last !== undefined;
      const before = this.#last?.[direction].rows ?? [];
      for (const { local, sig, excluded } of locals) {
        const key = local.id * 2 + (direction === 'egress' ? 0 : 1);
        live.add(key);
        const row = this.#row(c, key, local, sig, direction, excluded, changes, tiersChanged);
        if (before[rows.length] !== row) same = false;
        rows.push(row);
      }
      if (before.length !== rows.length) same = false;
      tables[direction] = same && this.#last !== undefined ? this.#last[direction] : directionTable(rows);
    }
    for (const [key, rs] of this.#rows) {
      if (live.has(key)) continue;
      this.#release(rs.keys);
      this.#rows.delete(key);
    }
    const dropTargets = this.#dropTargets();
    const classes = this.#classes(tables);
    const last = this.#numberingOf;
    // The numbering is plain data (Maps) built on first read: the planner keeps its own;
    // one Numbering object as long as neither the numbers nor the classes change.
    const numbering = last !== undefined && last.identities === index.numbers && last.nextIdentity === index.high && last.dropTargets === dropTargets
      && last.nextDropTarget === this.#nextTarget && last.classes === classes
      ? last
      : new LazyNumbering(index.numbers, index.high, dropTargets, this.#nextTarget, classes);
    this.#numberingOf = numbering;
    const addresses = index.addresses;
    const result: Ruleset = {
      node: target.node,
      // Made on first read: delta() against the last plan reads only the lineage below.
      get addresses(): readonly AddressIdentity[] {
        return addresses.value();
      },
      regions: index.regions,
      local: index.local,
      dropTargets,
      egress: tables.egress,
      ingress: tables.ingress,
      get numbering(): Numbering {
        return numbering.value();
      },
      ...(classes === undefined ? {} : { classes }),
    };
    // Not enumerable: a copy that replaces `addresses` ({ ...r, addresses }) must not keep it.
    Object.defineProperty(result, 'addressLineage', { value: addresses.lineage, enumerable: false });
    this.#last = result;
    return result;
  }

  /**
   * The port classes of these tables, numbered so that the last plan's surviving segments
   * keep their numbers (a new port boundary then changes only its own elements). Undefined
   * when they exceed the mark's class bits: render/delta report that (LayoutLimitError).
   */
  #classes(tables: Pick<Ruleset, 'egress' | 'ingress'>): PortClasses | undefined {
    const last = this.#last;
    if (last !== undefined && last.classes !== undefined && last.egress === tables.egress && last.ingress === tables.ingress) return last.classes;
    try {
      return assignPortClasses(tables, last?.classes ?? this.#numbering.portClasses);
    } catch (e) {
      if (e instanceof LayoutLimitError) return undefined;
      throw e;
    }
  }

  /** Starts over for another target, keeping the numbering of the last plan. */
  #restart(): void {
    if (this.#last !== undefined) this.#numbering = this.#last.numbering;
    this.#index = undefined;
    this.#numberingOf = undefined;
    this.#lineage = undefined;
    this.#rows.clear();
    this.#reps.clear();
    this.#targets = new Map();
    this.#nextTarget = Math.max(1, this.#numbering.nextDropTarget);
    this.#space = undefined;
    this.#last = undefined;
  }

  /** A pod of a local class and its slot: the last one asked for while it is still in the class, at that slot. */
  #repOf(c: Compiled, identity: Identity): LocalRep | undefined {
    const kept = this.#reps.get(identity.id);
    if (kept !== undefined && kept.identity === identity && c.pods[kept.slot] === kept.pod && identity.pods.has(kept.pod)) return kept;
    const pod = firstPod(identity);
    const slot = pod === undefined ? undefined : c.podIndex(pod.key);
    if (pod === undefined || slot === undefined) {
      this.#reps.delete(identity.id);
      return undefined;
    }
    const rep = { identity, pod, slot };
    this.#reps.set(identity.id, rep);
    return rep;
  }

  /** Which slots and policies changed since the last plan: from the lineage's journal, or everything. */
  #updateFor(c: Compiled): IndexUpdate {
    if (this.#lineage !== c.lineage) return { all: true };
    const version = c.state.version;
    if (version === this.#version) return { all: false, slots: [], policies: { added: [], removed: [] } };
    const entries = c.lineage.journal.filter((e) => e.version > this.#version && e.version <= version);
    if (entries.length !== version - this.#version) return { all: true };
    const slots = new Set<number>();
    const namespaces = new Set<string>();
    const added: Policy[] = [];
    const removed: Policy[] = [];
    for (const e of entries) {
      for (const s of e.slots) slots.add(s);
      for (const n of e.namespaces) namespaces.add(n);
      added.push(...e.added);
      removed.push(...e.removed);
    }
    // A policy that came and went again between two plans is no change.
    const went = new Set(removed);
    const both = new Set(added.filter((p) => went.has(p)));
    return { all: false, slots, namespaces: [...namespaces], policies: { added: added.filter((p) => !both.has(p)), removed: removed.filter((p) => !both.has(p)) } };
  }

  #row(c: Compiled, key: number, local: LocalSide, sig: string, direction: Direction, excluded: readonly string[], changes: IdentityChanges, tiersChanged: boolean): DecisionRow {
    const rs = this.#rows.get(key);
    const policies = c.selectionOf(local.slot, direction).map((pi) => c.enforced[pi] as Policy);
    let next: RowState | undefined;
    if (rs !== undefined && !tiersChanged && rs.sig === sig && sameList(rs.policies, policies) && sameList(rs.excluded, excluded)) {
      next = rs.open ? rs : this.#patch(c, rs, local, direction, changes);
    }
    next ??= this.#full(c, local, sig, direction, policies, excluded);
    if (next !== rs) {
      this.#retain(next.keys);
      if (rs !== undefined) this.#release(rs.keys);
      this.#rows.set(key, next);
    }
    return next.row;
  }

  #full(c: Compiled, local: LocalSide, sig: string, direction: Direction, policies: readonly Policy[], excluded: readonly string[]): RowState {
    const index = this.#index as IdentityIndex;
    const excludedIds = new Set<number>();
    for (const s of excluded) {
      const id = index.bySig.get(s)?.id;
      if (id !== undefined) excludedIds.add(id);
    }
    this.#space ??= new RemoteSpace(c, [...index.byId.values()].map(columnOf), index.peerIds);
    const { row, counts, keys } = fullRow(c, this.#space, local, direction, excludedIds, (k, label) => this.#dropTarget(k, label));
    return { row, sig, policies, excluded, counts, bestPort: bestKey(counts.port), bestNonPort: bestKey(counts.nonPort), keys, open: policies.length === 0 };
  }

  /** The row with the classes that went taken out and those that came put in; undefined when only a full row is exact (its default changed). */
  #patch(c: Compiled, rs: RowState, local: LocalSide, direction: Direction, changes: IdentityChanges): RowState | undefined {
    const out = new Set(rs.excluded);
    const died = changes.died.filter((d) => d.family === local.family && !out.has(d.sig));
    const born = changes.born.filter((b) => b.family === local.family && !out.has(b.sig));
    if (died.length === 0 && born.length === 0) return rs;
    const peerIds = (this.#index as IdentityIndex).peerIds;
    const gone = died.length === 0 ? [] : columnRuns(c, new RemoteSpace(c, died.map(columnOf), peerIds), local, direction).columns;
    const came = born.length === 0 ? undefined : columnRuns(c, new RemoteSpace(c, born.map(columnOf), peerIds), local, direction);
    const counts: RowCounts = { port: new Map(rs.counts.port), nonPort: new Map(rs.counts.nonPort) };
    const count = (cols: readonly ColumnRuns[], by: number): void => {
      for (const col of cols) {
        counts.nonPort.set(col.nonPort, (counts.nonPort.get(col.nonPort) ?? 0) + by);
        for (const r of col.runs) counts.port.set(r.key, (counts.port.get(r.key) ?? 0) + by);
      }
    };
    count(gone, -1);
    count(came?.columns ?? [], 1);
    for (const m of [counts.port, counts.nonPort]) for (const [k, n] of m) if (n <= 0) m.delete(k);
    if (bestKey(counts.port) !== rs.bestPort || bestKey(counts.nonPort) !== rs.bestNonPort) return undefined;

    const row = rs.row;
    const goneIds = new Set(died.map((d) => d.id));
    const labels = came?.labels ?? new Map<string, string>();
    const decisions = new Map<string, Decision>([['', ALLOW]]);
    const decisionOf = (k: string): Decision => {
      let d = decisions.get(k);
      if (d === undefined) decisions.set(k, (d = { kind: 'drop', target: this.#dropTarget(k, labels.get(k) ?? k) }));
      return d;
    };
    const newCells: DecisionCell[] = [];
    const newNonPort: NonPortCell[] = [];
    for (const col of came?.columns ?? []) {
      if (col.nonPort !== rs.bestNonPort) newNonPort.push({ local: local.id, remote: col.remote, decision: decisionOf(col.nonPort) });
      for (const r of col.runs) if (r.key !== rs.bestPort) newCells.push({ local: local.id, remote: col.remote, protocol: r.protocol, fromPort: r.from, toPort: r.to, decision: decisionOf(r.key) });
    }
    const cells = spliceCells(row.cells, goneIds, newCells);
    const nonPortCells = spliceCells(row.nonPortCells, goneIds, newNonPort);
    const same = cells === row.cells && nonPortCells === row.nonPortCells;
    const nextRow: DecisionRow = same ? row : { local: row.local, default: row.default, cells, nonPortDefault: row.nonPortDefault, nonPortCells };
    const keys = same ? rs.keys : this.#keysOf(nextRow);
    return { ...rs, row: nextRow, counts, keys };
  }

  /** Policy keys of the drop decisions of a row. */
  #keysOf(row: DecisionRow): Set<string> {
    const byIndex = new Map([...this.#targets.values()].map((t) => [t.target.index, t.target.key]));
    const out = new Set<string>();
    const add = (d: Decision): void => {
      if (d.kind !== 'drop') return;
      const k = byIndex.get(d.target);
      if (k !== undefined) out.add(k);
    };
    add(row.default);
    add(row.nonPortDefault);
    for (const cell of row.cells) add(cell.decision);
    for (const cell of row.nonPortCells) add(cell.decision);
    return out;
  }

  #dropTarget(key: string, label: string): number {
    const t = this.#targets.get(key);
    if (t !== undefined) return t.target.index;
    const index = this.#numbering.dropTargets.get(key) ?? this.#nextTarget++;
    if (index >= this.#nextTarget) this.#nextTarget = index + 1;
    this.#targets.set(key, { target: { index, key, label }, refs: 0 });
    return index;
  }

  #retain(keys: ReadonlySet<string>): void {
    for (const k of keys) {
      const t = this.#targets.get(k);
      if (t !== undefined) t.refs++;
    }
  }

  #release(keys: ReadonlySet<string>): void {
    for (const k of keys) {
      const t = this.#targets.get(k);
      if (t !== undefined) t.refs--;
    }
  }

  /** The drop targets some row uses, by index; the last plan's list when it is the same. */
  #dropTargets(): readonly DropTarget[] {
    for (const [k, t] of this.#targets) if (t.refs <= 0) this.#targets.delete(k);
    const list = [...this.#targets.values()].map((t) => t.target).sort((a, b) => a.index - b.index);
    const last = this.#last?.dropTargets;
    return last !== undefined && sameList(last, list) ? last : list;
  }
}

/** The numbering of one plan, made into Maps when first read. */
class LazyNumbering {
  readonly identities: ReadonlyMap<string, number>;
  readonly nextIdentity: number;
  readonly dropTargets: readonly DropTarget[];
  readonly nextDropTarget: number;
  readonly classes: PortClasses | undefined;
  #value: Numbering | undefined;

  constructor(identities: ReadonlyMap<string, number>, nextIdentity: number, dropTargets: readonly DropTarget[], nextDropTarget: number, classes: PortClasses | undefined) {
    this.identities = identities;
    this.nextIdentity = nextIdentity;
    this.dropTargets = dropTargets;
    this.nextDropTarget = nextDropTarget;
    this.classes = classes;
  }

  value(): Numbering {
    this.#value ??= {
      identities: new Map(this.identities),
      nextIdentity: this.nextIdentity,
      dropTargets: new Map(this.dropTargets.map((t) => [t.key, t.index])),
      nextDropTarget: this.nextDropTarget,
      ...(this.classes === undefined ? {} : { portClasses: this.classes }),
    };
    return this.#value;
  }
}

/** A pod of the class (any: selection and named ports are the class's). */
function firstPod(identity: Identity): Pod | undefined {
  for (const p of identity.pods.keys()) return p;
  return undefined;
}

function columnOf(id: Identity): Column {
  return { id: id.id, family: id.family, membership: id.membership, pod: id.kind === 'pod' ? id.rep : undefined };
}

/**
 * Classes left out of a local class's row because no packet of theirs reaches the node
 * from it: when the local class is one pod's, that pod's classes that are its alone
 * (loopback stays inside the pod). `slot`: a pod's of the class (then its only one).
 */
function excludedOf(index: IdentityIndex, identity: Identity, slot: number): string[] {
  if (identity.pods.size !== 1) return [];
  return index.identitiesOfPod(slot, identity.family).filter((i) => i.pods.size === 1).map((i) => i.sig);
}

/** `cells` (sorted by remote) without the remotes in `gone`, with `added` merged in; the same array when neither changes it. */
function spliceCells<T extends { readonly remote: number }>(cells: readonly T[], gone: ReadonlySet<number>, added: readonly T[]): readonly T[] {
  const kept = gone.size === 0 ? cells : cells.filter((x) => !gone.has(x.remote));
  if (added.length === 0) return kept.length === cells.length ? cells : kept;
  const out: T[] = [];
  let j = 0;
  // `added` is grouped by remote in ascending order within each group; sort groups by remote.
  const incoming = [...added].sort((a, b) => a.remote - b.remote);
  for (const x of kept) {
    while (j < incoming.length && (incoming[j] as T).remote < x.remote) out.push(incoming[j++] as T);
    out.push(x);
  }
  while (j < incoming.length) out.push(incoming[j++] as T);
  return out;
}
