// Address versions (address-versions.ts) must give every version's list exactly, whichever
// versions were read or handed an array and in whatever order: a property replays random
// add/readdress/remove steps on a plain reference list and compares every version's
// value() with the reference list of its step. Named cases pin the lineage and length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp, parseIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import { addressKey, AddressVersion } from './address-versions.ts';
import type { KeyedChange } from './address-versions.ts';
import type { AddressIdentity } from './ruleset.ts';

/** Reference: address text → identity, listed sorted by (family, value). */
function listOf(m: ReadonlyMap<string, number>): AddressIdentity[] {
  const items = [...m].map(([ip, identity]) => {
    const p = parseIp(ip);
    assert.ok(p !== undefined);
    return { family: p.family, ip, identity, value: p.value };
  });
  items.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return items.map(({ family, ip, identity }) => ({ family, ip, identity }));
}

function change(ip: string, before: number | undefined, after: number | undefined): KeyedChange {
  const p = parseIp(ip);
  assert.ok(p !== undefined);
  return { family: p.family, ip, key: addressKey(p.family, p.value), before, after };
}

const addressArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((n) => formatIp({ family: 4, value: 0x0a000000n + BigInt(n) })),
  fc.integer({ min: 0, max: 20 }).map((n) => formatIp({ family: 6 as IpFamily, value: (0xfd00n << 112n) + BigInt(n) })),
);

test('address versions: property — every version lists exactly its step, whatever was read or settled when', () => {
  const stepArb = fc.record({
    edits: fc.array(fc.record({ ip: addressArb, identity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) }), { maxLength: 6 }),
    read: fc.boolean(),
    settle: fc.boolean(),
  });
  fc.assert(fc.property(fc.array(stepArb, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 10 }), (steps, lateReads) => {
    const ref = new Map<string, number>();
    let v = AddressVersion.of([]);
    const versions: Array<{ v: AddressVersion; expected: AddressIdentity[] }> = [{ v, expected: [] }];
    for (const step of steps) {
      const byIp = new Map<string, KeyedChange>();
      for (const e of step.edits) {
        const before = byIp.get(e.ip)?.before ?? ref.get(e.ip);
        byIp.set(e.ip, change(e.ip, before, e.identity));
      }
      const changes = [...byIp.values()].filter((c) => c.before !== c.after);
      changes.sort((a, b) => a.family - b.family || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const c of changes) {
        if (c.after === undefined) ref.delete(c.ip);
        else ref.set(c.ip, c.after);
      }
      const expected = listOf(ref);
      const next = v.next(changes);
      assert.deepEqual(next.lineage.from, v.lineage.version);
      assert.equal(next.length, expected.length);
      if (step.settle) next.settle(expected);
      if (step.read) assert.deepEqual(next.value(), expected);
      v = next;
      versions.push({ v, expected });
    }
    // Versions read late, out of order, after newer ones settled.
    for (const k of lateReads) {
      const at = versions[k % versions.length];
      assert.ok(at !== undefined);
      assert.deepEqual(at.v.value(), at.expected);
    }
    for (const at of versions) assert.deepEqual(at.v.value(), at.expected);
  }), { numRuns: 300 });
});

test('address versions: a version names the one it came from and its changes; a read list stays the same array', () => {
  const root = AddressVersion.of([{ family: 4, ip: '10.0.0.2', identity: 1 }]);
  assert.equal(root.lineage.from, undefined);
  const changes = [change('10.0.0.1', undefined, 2), change('10.0.0.2', 1, undefined), change('fd00::1', undefined, 3)];
  const next = root.next(changes);
  assert.equal(next.lineage.from, root.lineage.version);
  assert.notEqual(next.lineage.version, root.lineage.version);
  assert.equal(next.lineage.changes, changes);
  assert.equal(next.length, 2);
  const list = next.value();
  assert.deepEqual(list, [{ family: 4, ip: '10.0.0.1', identity: 2 }, { family: 6, ip: 'fd00::1', identity: 3 }]);
  assert.equal(next.value(), list);
  assert.equal(next.depth, 0, 'a read version has its array');
});

test('address versions: handing a version an array of the wrong length is refused', () => {
  const v = AddressVersion.of([]).next([change('10.0.0.1', undefined, 1)]);
  assert.throws(() => v.settle([]), /an array of 0 addresses for a list of 1/);
});
