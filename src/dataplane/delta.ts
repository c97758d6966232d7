// delta(): the smallest `nft -f` transaction that turns the table of one plan into the
// table of the next: element deletes and adds (a changed value is a delete plus an add),
// drop chains of new policies added first and those of gone policies removed last, so
// no element ever points at a missing chain. Long element lists are cut into chunks of
// commands; the file is still one transaction. Should a drop chain's number be reused
// for another policy, the answer is a full resync instead (render.ts).
//
// Cost follows what changed, not the cluster: addresses from the planner's address
// lineage when `next` was planned right after `old` (only the addresses that changed),
// else by a sorted merge; regions by a merge (skipped when plan handed back the same
// array); local addresses one by one, skipped when the address keeps its identity, its
// rows are the same objects and the port classes are equal; only then is any element
// text built. A local address is in a direction's checked set exactly when its decisions
// there are not "allow everything".
import { parseIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import {
  addressDecisions, CLASS_BITS, cellsSet, checkedSet, defaultSet, DIRECTIONS, elementText, identityMark, nonPortDefaultSet, portBitRuns, portBitSet,
  portClassElements, portClasses, portClassMap, portRangeText, rangeText, rowIndex, rowIsChecked, samePortClasses, SETS,
} from './layout.ts';
import type { AddressDecisions, PortClasses, PortSegment } from './layout.ts';
import { dropChainName, dropChainRules, FAMILY_TABLE, renderRuleset } from './render.ts';
import type { AddressIdentity, Decision, DecisionRow, RegionIdentity, Ruleset } from './ruleset.ts';
import { sameList } from '../model/same-list.ts';

export interface Delta {
  /** The transaction text; empty when nothing changes. */
  readonly text: string;
  /** Elements deleted + added, chains added + removed. */
  readonly changes: number;
  /** True when the fixed chains changed and `text` is a full resync. */
  readonly full: boolean;
}

export const DEFAULT_CHUNK = 1000;

/** Element deletes and adds per set. */
class Changes {
  readonly del = new Map<string, string[]>();
  readonly add = new Map<string, string[]>();

  delete(set: string, key: string): void {
    push(this.del, set, key);
  }

  put(set: string, key: string, value: string | null): void {
    push(this.add, set, elementText(key, value));
  }

  /** A keyed element list before and after: changed values are a delete and an add. */
  diff(set: string, before: ReadonlyArray<readonly [string, string | null]>, after: ReadonlyArray<readonly [string, string | null]>): void {
    const old = new Map(before);
    for (const [k, v] of after) {
      if (!old.has(k)) this.put(set, k, v);
      else if (old.get(k) !== v) {
        this.delete(set, k);
        this.put(set, k, v);
      }
      old.delete(k);
    }
    for (const k of old.keys()) this.delete(set, k);
  }
}

function push(m: Map<string, string[]>, set: string, item: string): void {
  let l = m.get(set);
  if (l === undefined) m.set(set, (l = []));
  l.push(item);
}

export function delta(old: Ruleset, next: Ruleset, chunk = DEFAULT_CHUNK): Delta {
  const lines: string[] = [];
  let changes = 0;
  const oldTargets = new Map(old.dropTargets.map((t) => [t.index, t]));
  const newTargets = new Map(next.dropTargets.map((t) => [t.index, t]));
  for (const t of next.dropTargets) {
    const before = oldTargets.get(t.index);
    if (before !== undefined && before.key === t.key) continue;
    if (before !== undefined) return { text: renderRuleset(next), changes: Number.NaN, full: true };
    const name = dropChainName(t.index);
    lines.push(`add counter ${FAMILY_TABLE} ${name}`, `add chain ${FAMILY_TABLE} ${name}`);
    for (const rule of dropChainRules(t)) lines.push(`add rule ${FAMILY_TABLE} ${name} ${rule}`);
    changes++;
  }

  const ch = new Changes();
  diffAddresses(ch, old, next);
  if (old.regions !== next.regions) diffRegions(ch, old.regions, next.regions);
  diffDecisions(ch, old, next);

  const adds: string[] = [];
  for (const { name: set } of SETS) {
    const del = ch.del.get(set) ?? [];
    const add = ch.add.get(set) ?? [];
    for (let i = 0; i < del.length; i += chunk) lines.push(`delete element ${FAMILY_TABLE} ${set} { ${del.slice(i, i + chunk).join(', ')} }`);
    for (let i = 0; i < add.length; i += chunk) adds.push(`add element ${FAMILY_TABLE} ${set} { ${add.slice(i, i + chunk).join(', ')} }`);
    changes += del.length + add.length;
  }
  // Every delete precedes every add: an interval split or merge never overlaps itself,
  // and a changed value is never a duplicate key.
  lines.push(...adds);
  for (const t of old.dropTargets) {
    if (newTargets.get(t.index)?.key === t.key) continue;
    const name = dropChainName(t.index);
    lines.push(`flush chain ${FAMILY_TABLE} ${name}`, `delete chain ${FAMILY_TABLE} ${name}`, `delete counter ${FAMILY_TABLE} ${name}`);
    changes++;
  }
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, changes, full: false };
}

/** Orders two addresses as plan sorts them: by family, then value. Only called where the lists differ. */
function cmpAddress(a: AddressIdentity, b: AddressIdentity): number {
  if (a.family !== b.family) return a.family - b.family;
  const x = parseIp(a.ip)?.value ?? 0n;
  const y = parseIp(b.ip)?.value ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The address elements that differ. When `next`'s list was made from `old`'s (their
 * addressLineage says so), its changes are the answer, in the merge's order, without
 * reading either list; otherwise a merge over the two sorted lists (skipped when they
 * are the same array) where equal texts are compared in place and only mismatches parsed.
 */
function diffAddresses(ch: Changes, old: Ruleset, next: Ruleset): void {
  const from = old.addressLineage;
  const to = next.addressLineage;
  if (from !== undefined && to !== undefined) {
    if (to.version === from.version) return;
    if (to.from === from.version && to.changes !== undefined) {
      for (const c of to.changes) {
        if (c.before === c.after) continue;
        if (c.before !== undefined) ch.delete(`addr${c.family}`, c.ip);
        if (c.after !== undefined) ch.put(`addr${c.family}`, c.ip, String(identityMark(c.after)));
      }
      return;
    }
  }
  const a = old.addresses;
  const b = next.addresses;
  if (a === b) return;
  let i = 0;
  let j = 0;
  const gone = (x: AddressIdentity): void => ch.delete(`addr${x.family}`, x.ip);
  const added = (x: AddressIdentity): void => ch.put(`addr${x.family}`, x.ip, String(identityMark(x.identity)));
  while (i < a.length && j < b.length) {
    const x = a[i] as AddressIdentity;
    const y = b[j] as AddressIdentity;
    if (x === y || (x.ip === y.ip && x.family === y.family)) {
      if (x.identity !== y.identity) {
        gone(x);
        added(y);
      }
      i++;
      j++;
      continue;
    }
    const c = cmpAddress(x, y);
    if (c < 0) {
      gone(x);
      i++;
    } else if (c > 0) {
      added(y);
      j++;
    } else {
      // Same address written differently: cannot happen with canonical text, but stay exact.
      gone(x);
      added(y);
      i++;
      j++;
    }
  }
  for (; i < a.length; i++) gone(a[i] as AddressIdentity);
  for (; j < b.length; j++) added(b[j] as AddressIdentity);
}

function diffRegions(ch: Changes, a: readonly RegionIdentity[], b: readonly RegionIdentity[]): void {
  for (const f of [4, 6] as IpFamily[]) {
    const els = (l: readonly RegionIdentity[]): Array<readonly [string, string]> =>
      l.filter((g) => g.family === f).map((g) => [rangeText(g.family, g.first, g.last), String(identityMark(g.identity))] as const);
    ch.diff(`region${f}`, els(a), els(b));
  }
}

/** Port-bit sets when the classes moved, and each local address's decision elements whose inputs changed. */
function diffDecisions(ch: Changes, old: Ruleset, next: Ruleset): void {
  const sameRows = DIRECTIONS.every((d) => sameList(old[d].rows, next[d].rows));
  // The classes are a function of the rows: the same rows give the same classes.
  let oldPc: PortClasses | undefined;
  let nextPc: PortClasses | undefined;
  const pcNext = (): PortClasses => (nextPc ??= portClasses(next));
  const pcOld = (): PortClasses => (sameRows ? pcNext() : (oldPc ??= portClasses(old)));
  const samePc = sameRows || samePortClasses(pcOld(), pcNext());
  if (!samePc) {
    for (const p of PROTOCOLS) {
      for (let bit = 0; bit < CLASS_BITS; bit++) {
        const els = (pc: PortClasses): Array<readonly [string, null]> => portBitRuns(pc, p, bit).map(([f, l]) => [portRangeText(f, l), null] as const);
        ch.diff(portBitSet(p, bit), els(pcOld()), els(pcNext()));
      }
      ch.diff(portClassMap(p), portClassElements(pcOld(), p), portClassElements(pcNext(), p));
    }
  }
  if (sameRows && samePc && old.local === next.local) return;
  let movedRanges: ((protocol: Protocol, from: number, to: number) => boolean) | undefined;
  const moved = (): ((protocol: Protocol, from: number, to: number) => boolean) => (movedRanges ??= movedSegments(pcOld(), pcNext()));
  const oldLocal = new Map(old.local.map((a) => [a.ip, a]));
  const seen = new Set<string>();
  for (const dir of DIRECTIONS) {
    const oldRows = rowIndex(old[dir]);
    const nextRows = rowIndex(next[dir]);
    const elementsOf = (row: DecisionRow | undefined, a: AddressIdentity | undefined, pc: () => PortClasses): AddressDecisions | undefined =>
      a === undefined || row === undefined ? undefined : addressDecisions(row, a.ip, pc());
    const visit = (before: AddressIdentity | undefined, after: AddressIdentity | undefined): void => {
      const rowA = before === undefined ? undefined : oldRows.get(before.identity);
      const rowB = after === undefined ? undefined : nextRows.get(after.identity);
      if (samePc && before !== undefined && after !== undefined && before.identity === after.identity && rowA === rowB) return;
      // The same address with a changed row (or another local identity: element keys hold
      // the address, the remote and the class, never the local identity): only the remotes
      // whose cells differ become element text (a policy change usually touches a few
      // remotes of rows with tens of thousands of cells); when the classes moved, also the
      // cells over the moved segments, changed row or not.
      const narrowed = before !== undefined && after !== undefined && rowA !== undefined && rowB !== undefined
        ? changedRemotes(rowA, rowB, samePc ? undefined : moved()) : undefined;
      const narrow = (row: DecisionRow | undefined, part: Pick<DecisionRow, 'cells' | 'nonPortCells'> | undefined): DecisionRow | undefined =>
        row === undefined || part === undefined ? row : { ...row, ...part };
      const x = elementsOf(narrow(rowA, narrowed?.before), before, pcOld);
      const y = elementsOf(narrow(rowB, narrowed?.after), after, pcNext);
      const a = (after ?? before) as AddressIdentity;
      const member = (row: DecisionRow | undefined): Array<readonly [string, null]> => (row !== undefined && rowIsChecked(row) ? [[a.ip, null]] : []);
      ch.diff(checkedSet(dir, a.family), member(rowA), member(rowB));
      ch.diff(cellsSet(dir, a.family), x?.cells ?? [], y?.cells ?? []);
      const one = (v: string | undefined): Array<readonly [string, string]> => (v === undefined ? [] : [[a.ip, v]]);
      ch.diff(defaultSet(dir, a.family), one(x?.default), one(y?.default));
      ch.diff(nonPortDefaultSet(dir, a.family), one(x?.nonPortDefault), one(y?.nonPortDefault));
    };
    seen.clear();
    for (const a of next.local) {
      seen.add(a.ip);
      visit(oldLocal.get(a.ip), a);
    }
    for (const a of old.local) if (!seen.has(a.ip)) visit(a, undefined);
  }
}

const sameDecision = (x: Decision, y: Decision): boolean => x === y || (x.kind === y.kind && (x.kind === 'allow' || (y.kind === 'drop' && x.target === y.target)));

/**
 * The cells (port and non-port) of the remotes whose cells differ between two rows of one
 * local address, plus the cells `moved` picks among the others; undefined when a list is
 * not sorted by remote (then only a full comparison is exact). Element keys are unique
 * within a row, so diffing just these cells' elements gives the same changes as diffing
 * the whole rows'.
 */
export function changedRemotes(
  a: DecisionRow, b: DecisionRow, moved?: (protocol: Protocol, from: number, to: number) => boolean,
): { before: Pick<DecisionRow, 'cells' | 'nonPortCells'>; after: Pick<DecisionRow, 'cells' | 'nonPortCells'> } | undefined {
  const cells = changedGroups(a.cells, b.cells, (x, y) => x.protocol === y.protocol && x.fromPort === y.fromPort && x.toPort === y.toPort && sameDecision(x.decision, y.decision),
    moved === undefined ? undefined : (x) => moved(x.protocol, x.fromPort, x.toPort));
  const nonPort = changedGroups(a.nonPortCells, b.nonPortCells, (x, y) => sameDecision(x.decision, y.decision));
  if (cells === undefined || nonPort === undefined) return undefined;
  return { before: { cells: cells.a, nonPortCells: nonPort.a }, after: { cells: cells.b, nonPortCells: nonPort.b } };
}

/**
 * The port ranges whose segments differ between two class lists (a segment of one list
 * without an identical segment — same first, last and class — in the other), as a test
 * "does this cell's range overlap one of them". Cells elsewhere give the same elements
 * under both lists.
 */
export function movedSegments(a: PortClasses, b: PortClasses): (protocol: Protocol, from: number, to: number) => boolean {
  const ranges = new Map<Protocol, Array<readonly [number, number]>>();
  for (const p of PROTOCOLS) {
    const key = (x: PortSegment): string => `${x.first}-${x.last}-${x.cls}`;
    const inA = new Set(a[p].map(key));
    const inB = new Set(b[p].map(key));
    const out = [...a[p].filter((x) => !inB.has(key(x))), ...b[p].filter((x) => !inA.has(key(x)))].map((x) => [x.first, x.last] as const);
    ranges.set(p, out);
  }
  return (protocol, from, to) => (ranges.get(protocol) ?? []).some(([f, l]) => f <= to && from <= l);
}

/**
 * Walks two lists sorted by remote group by group; returns the groups that differ, and
 * of the equal groups the items `force` picks (in both lists).
 */
function changedGroups<T extends { readonly remote: number }>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean, force?: (x: T) => boolean): { a: T[]; b: T[] } | undefined {
  const outA: T[] = [];
  const outB: T[] = [];
  let i = 0;
  let j = 0;
  let last = -Infinity;
  while (i < a.length || j < b.length) {
    const r = Math.min(a[i]?.remote ?? Infinity, b[j]?.remote ?? Infinity);
    if (r <= last) return undefined;
    last = r;
    let ie = i;
    while (ie < a.length && (a[ie] as T).remote === r) ie++;
    let je = j;
    while (je < b.length && (b[je] as T).remote === r) je++;
    let equal = ie - i === je - j;
    for (let k = 0; equal && k < ie - i; k++) equal = same(a[i + k] as T, b[j + k] as T);
    if (!equal) {
      for (let k = i; k < ie; k++) outA.push(a[k] as T);
      for (let k = j; k < je; k++) outB.push(b[k] as T);
    } else if (force !== undefined) {
      for (let k = 0; k < ie - i; k++) {
        if (!force(a[i + k] as T)) continue;
        outA.push(a[i + k] as T);
        outB.push(b[j + k] as T);
      }
    }
    i = ie;
    j = je;
  }
  return { a: outA, b: outB };
}
