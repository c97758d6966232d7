// The planner's address list (Ruleset.addresses) as versions that cost what changed. The
// identity index keeps one sorted list and edits it in place; each plan gets a version
// holding only the addresses that changed since the version before (its lineage, which
// delta() reads instead of both lists), and the whole array is made only when someone
// reads it: from the nearest older version that has one, applying what changed since.
// The index gives a version its array outright once the changes since the last array
// outgrow a fraction of the list, so chains stay short and old arrays can go.
import { parseIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import type { AddressChange, AddressIdentity, AddressLineage } from './ruleset.ts';

/** A change with its address as a number (IPv4) or bigint (IPv6), to order it among the list's. */
export interface KeyedChange extends AddressChange {
  readonly key: number | bigint;
}

export class AddressVersion {
  readonly lineage: AddressLineage;
  /** How many changes lie between this version and the nearest one with an array (0: this one). */
  depth: number;
  /** Length of the list (known without making it). */
  readonly length: number;
  #parent: AddressVersion | undefined;
  #array: readonly AddressIdentity[] | undefined;

  private constructor(lineage: AddressLineage, length: number, parent: AddressVersion | undefined, array: readonly AddressIdentity[] | undefined, depth: number) {
    this.lineage = lineage;
    this.length = length;
    this.#parent = parent;
    this.#array = array;
    this.depth = depth;
  }

  /** A version that starts a lineage: the planner cannot say how it differs from an earlier one. */
  static of(array: readonly AddressIdentity[]): AddressVersion {
    return new AddressVersion({ version: Symbol('addresses') }, array.length, undefined, array, 0);
  }

  /** The version after this one; `changes`: sorted by (family, address), each a real change (before !== after). */
  next(changes: readonly KeyedChange[]): AddressVersion {
    let length = this.length;
    for (const c of changes) length += (c.after === undefined ? 0 : 1) - (c.before === undefined ? 0 : 1);
    const lineage: AddressLineage = { version: Symbol('addresses'), from: this.lineage.version, changes };
    return new AddressVersion(lineage, length, this, undefined, this.depth + changes.length);
  }

  /** Hands this version its array (which must be its list and never change); it forgets its ancestors. */
  settle(array: readonly AddressIdentity[]): void {
    if (array.length !== this.length) throw new Error(`address version: an array of ${array.length} addresses for a list of ${this.length}`);
    this.#array = array;
    this.#parent = undefined;
    this.depth = 0;
  }

  /** The list, sorted by (family, address): made on first read from the nearest version with an array. */
  value(): readonly AddressIdentity[] {
    if (this.#array !== undefined) return this.#array;
    // The changes from the base up to here, the newest of each address winning.
    const latest = new Map<string, KeyedChange>();
    const take = (v: AddressVersion): void => {
      for (const c of (v.lineage.changes ?? []) as readonly KeyedChange[]) if (!latest.has(c.ip)) latest.set(c.ip, c);
    };
    take(this);
    let base: readonly AddressIdentity[] | undefined;
    for (let v = this.#parent; v !== undefined; v = v.#parent) {
      if (v.#array !== undefined) {
        base = v.#array;
        break;
      }
      take(v);
    }
    if (base === undefined) throw new Error('address version: no version with an array in the chain');
    const changes = [...latest.values()].sort(cmpChange);
    const out: AddressIdentity[] = [];
    let from = 0;
    for (const c of changes) {
      const at = lowerBound(base, from, c.family, c.key);
      for (let i = from; i < at; i++) out.push(base[i] as AddressIdentity);
      from = at;
      const there = base[at];
      if (there !== undefined && there.family === c.family && there.ip === c.ip) from++;
      if (c.after !== undefined) out.push({ family: c.family, ip: c.ip, identity: c.after });
    }
    for (let i = from; i < base.length; i++) out.push(base[i] as AddressIdentity);
    this.settle(out);
    return out;
  }
}

export function addressKey(family: IpFamily, value: bigint): number | bigint {
  return family === 4 ? Number(value) : value;
}

function cmpChange(a: KeyedChange, b: KeyedChange): number {
  return a.family - b.family || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The first index at or after `from` whose address is not below (family, key). */
function lowerBound(list: readonly AddressIdentity[], from: number, family: IpFamily, key: number | bigint): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = list[mid] as AddressIdentity;
    const below = x.family !== family ? x.family < family : addressKey(x.family, parseIp(x.ip)?.value ?? 0n) < key;
    if (below) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
