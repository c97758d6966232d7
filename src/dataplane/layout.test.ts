// The layout's contract: port classes tile every protocol's port space and every cell's
// range, are numbered densely, their bit sets (and the high-bit guard) give back each
// port's class, numbers stay put for surviving segments when the previous classes are
// the hint (split: first piece keeps it; merge: the first piece's), element counts agree
// with the elements, and the fixed 20/12 split of the conntrack mark refuses what does
// not fit with a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile } from '../engine/compile.ts';
import { clusterArb, policySetArb } from '../engine/random-policies.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import {
  addressDecisions, assignPortClasses, CLASS_BITS, CLASS_LIMIT, classChainName, classOfPort, DIRECT_CLASSES, elementCounts, elementsOf, IDENTITY_LIMIT, LayoutLimitError, markOf,
  portBitRuns, portBitsChainName, portClassElements, portClasses, segmentsWithin,
} from './layout.ts';
import type { PortClasses } from './layout.ts';
import { plan } from './plan.ts';
import { ALLOW } from './ruleset.ts';
import type { Decision, DecisionCell, DecisionRow, Ruleset } from './ruleset.ts';

const DROP: Decision = { kind: 'drop', target: 1 };

function row(local: number, cells: ReadonlyArray<Omit<DecisionCell, 'local'>>, nonPortCells: ReadonlyArray<{ remote: number; decision: Decision }> = []): DecisionRow {
  return { local, default: DROP, cells: cells.map((c) => ({ local, ...c })), nonPortDefault: ALLOW, nonPortCells: nonPortCells.map((c) => ({ local, ...c })) };
}

/** A hand-made ruleset: one local address 10.0.0.1 of identity 1, the given egress rows. */
function ruleset(rows: readonly DecisionRow[], identities: readonly number[] = [1, 2]): Ruleset {
  const table = (rs: readonly DecisionRow[]): Ruleset['egress'] => ({
    rows: rs, defaults: new Map(rs.map((r) => [r.local, r.default])), cells: rs.flatMap((r) => r.cells),
    nonPortDefaults: new Map(rs.map((r) => [r.local, r.nonPortDefault])), nonPortCells: rs.flatMap((r) => r.nonPortCells),
  });
  return {
    node: 'n',
    addresses: identities.map((identity, i) => ({ family: 4 as const, ip: `10.0.0.${i + 1}`, identity })),
    regions: [{ family: 4, first: 0n, last: 2n ** 32n - 1n, identity: 3 }],
    local: [{ family: 4, ip: '10.0.0.1', identity: identities[0] ?? 1 }],
    dropTargets: [{ index: 1, key: 'p', label: 'p' }],
    egress: table(rows),
    ingress: table([]),
    numbering: { identities: new Map(), nextIdentity: 4, dropTargets: new Map([['p', 1]]), nextDropTarget: 2 },
  };
}

const tcp = (fromPort: number, toPort: number, remote = 2, decision: Decision = ALLOW): Omit<DecisionCell, 'local'> => ({ remote, protocol: 'TCP', fromPort, toPort, decision });

function classesOf(pc: PortClasses, protocol: Protocol): Array<readonly [number, number, number]> {
  return pc[protocol].map((s) => [s.first, s.last, s.cls] as const);
}

test('layout: port classes tile each protocol, one whole-range class for a protocol no cell names', () => {
  const pc = portClasses(ruleset([row(1, [tcp(80, 80), tcp(8000, 8999)])]));
  assert.deepEqual(pc.TCP.map((s) => [s.first, s.last]), [[0, 79], [80, 80], [81, 7999], [8000, 8999], [9000, 65535]]);
  assert.deepEqual(pc.UDP.map((s) => [s.first, s.last]), [[0, 65535]]);
  assert.deepEqual(pc.SCTP.map((s) => [s.first, s.last]), [[0, 65535]]);
  const all = PROTOCOLS.flatMap((p) => pc[p].map((s) => s.cls));
  assert.equal(new Set(all).size, all.length, 'class numbers are distinct across protocols');
  for (const c of all) assert.ok(c >= 1 && c < CLASS_LIMIT, `class ${c} fits 12 bits and is never 0 (0 = no port)`);
  assert.deepEqual(segmentsWithin(pc, 'TCP', 80, 8999).map((s) => s.first), [80, 81, 8000]);
  assert.throws(() => segmentsWithin(pc, 'TCP', 85, 8999), /do not tile/);
});

test('layout: property — the class map (direct chain, or the port-bit sets for large classes) gives back every port\'s class; each cell maps to the classes inside its range', () => {
  const cellArb = fc.record({ protocol: fc.constantFrom(...PROTOCOLS), a: fc.integer({ min: 0, max: 65535 }), b: fc.integer({ min: 0, max: 65535 }) });
  fc.assert(fc.property(fc.array(cellArb, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 20 }), (cells, ports) => {
    const rs = ruleset([row(1, cells.map((c) => ({ remote: 2, protocol: c.protocol, fromPort: Math.min(c.a, c.b), toPort: Math.max(c.a, c.b), decision: ALLOW })))]);
    const pc = portClasses(rs);
    for (const p of PROTOCOLS) {
      const runs = Array.from({ length: CLASS_BITS }, (_, b) => portBitRuns(pc, p, b));
      const map = portClassElements(pc, p).map(([range, target]) => {
        const [first = 0, last = first] = range.split('-').map(Number);
        return { first, last, target };
      });
      for (const port of [...ports, 0, 65535]) {
        const els = map.filter((e) => e.first <= port && port <= e.last);
        assert.equal(els.length, 1, `${p}/${port} is in exactly one class map element`);
        const target = els[0]?.target ?? '';
        const direct = /^jump port_class_(\d+)$/.exec(target);
        const fromBits = runs.reduce((m, r, b) => (r.some(([f, l]) => f <= port && port <= l) ? m + 2 ** b : m), 0);
        if (direct !== null) assert.equal(Number(direct[1]), classOfPort(pc, p, port), `${p}/${port} direct`);
        else {
          assert.equal(target, `jump ${portBitsChainName(p)}`);
          assert.equal(fromBits, classOfPort(pc, p, port), `${p}/${port} from bits`);
        }
      }
      for (const rs2 of runs) for (let i = 1; i < rs2.length; i++) assert.ok((rs2[i - 1]?.[1] ?? 0) + 1 < (rs2[i]?.[0] ?? 0), 'runs are disjoint and never adjacent (no interval merging needed)');
    }
    for (const c of rs.egress.rows[0]?.cells ?? []) {
      const segs = segmentsWithin(pc, c.protocol, c.fromPort, c.toPort);
      assert.equal(segs[0]?.first, c.fromPort);
      assert.equal(segs[segs.length - 1]?.last, c.toPort);
    }
  }), { numRuns: 300 });
});

test('layout: property — large tables (bitmap of the port space) cut the same segments as a plain sort of every boundary', () => {
  const cellArb = fc.record({ protocol: fc.constantFrom(...PROTOCOLS), a: fc.integer({ min: 0, max: 65535 }), len: fc.integer({ min: 0, max: 300 }) });
  fc.assert(fc.property(fc.array(cellArb, { minLength: 1025, maxLength: 1400 }), (cells) => {
    const rs = ruleset([row(1, cells.map((c) => ({ remote: 2, protocol: c.protocol, fromPort: c.a, toPort: Math.min(65535, c.a + c.len), decision: ALLOW })))]);
    const pc = portClasses(rs);
    for (const p of PROTOCOLS) {
      const want = new Set([0]);
      for (const c of rs.egress.rows[0]?.cells ?? []) {
        if (c.protocol !== p) continue;
        want.add(c.fromPort);
        if (c.toPort < 65535) want.add(c.toPort + 1);
      }
      assert.deepEqual(pc[p].map((s) => s.first), [...want].sort((x, y) => x - y), p);
    }
  }), { numRuns: 20 });
});

// "Keep the numbering stable from one layout to the next": with the previous classes as
// the hint, a segment that survives keeps its class; a split keeps the class on the first
// piece, a merge the first piece's; a new piece takes the lowest free number.
test('layout: class numbers survive a new boundary; a split keeps the first piece\'s class, a merge the first piece\'s', () => {
  const base = portClasses(ruleset([row(1, [tcp(80, 80), tcp(443, 443)])]));
  const split = assignPortClasses(ruleset([row(1, [tcp(80, 80), tcp(443, 443), tcp(8080, 8080)])]), base);
  const [t0, t80, t81, t443, t444] = classesOf(base, 'TCP');
  const after = new Map(classesOf(split, 'TCP').map(([f, l, c]) => [`${f}-${l}`, c]));
  assert.equal(after.get(`${t0?.[0]}-${t0?.[1]}`), t0?.[2], 'untouched 0-79');
  assert.equal(after.get(`${t80?.[0]}-${t80?.[1]}`), t80?.[2], 'untouched 80');
  assert.equal(after.get(`${t81?.[0]}-${t81?.[1]}`), t81?.[2], 'untouched 81-442');
  assert.equal(after.get(`${t443?.[0]}-${t443?.[1]}`), t443?.[2], 'untouched 443');
  assert.equal(after.get('444-8079'), t444?.[2], 'the first piece of the split 444-65535 keeps its class');
  const used = new Set(classesOf(base, 'TCP').concat(classesOf(base, 'UDP'), classesOf(base, 'SCTP')).map(([, , c]) => c));
  const lowestFree = Array.from({ length: 100 }, (_, i) => i + 1).find((c) => !used.has(c));
  assert.equal(after.get('8080-8080'), lowestFree, 'the new piece takes the lowest free number');
  assert.deepEqual(classesOf(split, 'UDP'), classesOf(base, 'UDP'), 'other protocols are untouched');
  // Merge: 80 disappears, 0-79 and 81-442 join under 0-79's class.
  const merged = assignPortClasses(ruleset([row(1, [tcp(443, 443)])]), base);
  assert.equal(merged.TCP[0]?.last, 442);
  assert.equal(merged.TCP[0]?.cls, t0?.[2]);
  assert.equal(merged.TCP[1]?.cls, t443?.[2]);
});

test('layout: without a hint classes are dense, 1..n in (protocol, port) order', () => {
  const pc = portClasses(ruleset([row(1, [tcp(80, 80), tcp(443, 443), { remote: 2, protocol: 'UDP', fromPort: 53, toPort: 53, decision: ALLOW }])]));
  const all = [...pc.TCP, ...pc.UDP, ...pc.SCTP].map((s) => s.cls);
  assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1));
});

test('layout: property — with the previous classes as hint, every surviving segment keeps its class and numbers stay dense', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 65534 }), { minLength: 1, maxLength: 40 }), fc.uniqueArray(fc.integer({ min: 1, max: 65534 }), { maxLength: 5 }), fc.integer({ min: 0, max: 5 }), (ports, extra, drop) => {
    const a = portClasses(ruleset([row(1, ports.map((p) => tcp(p, p)))]));
    const nextPorts = [...ports.slice(drop), ...extra];
    const b = assignPortClasses(ruleset([row(1, nextPorts.map((p) => tcp(p, p)))]), a);
    const before = new Map(a.TCP.map((s) => [s.first, s.cls]));
    for (const s of b.TCP) if (before.has(s.first)) assert.equal(s.cls, before.get(s.first), `segment from ${s.first} keeps its class`);
    const all = [...b.TCP, ...b.UDP, ...b.SCTP].map((s) => s.cls);
    assert.equal(new Set(all).size, all.length, 'class numbers are unique');
    assert.ok(Math.max(...all) <= Math.max(all.length, ...[...a.TCP, ...a.UDP, ...a.SCTP].map((s) => s.cls)), 'no number beyond what is needed or was used');
  }), { numRuns: 300 });
});

test('layout: classes below DIRECT_CLASSES jump to their own chain; larger ones go to the bit rules, whose sets hold only their ports', () => {
  // 40 single ports: 81 TCP segments, so classes beyond 31 exist.
  const ports = Array.from({ length: 40 }, (_, i) => 1000 + 10 * i);
  const pc = portClasses(ruleset([row(1, ports.map((p) => tcp(p, p)))]));
  for (const p of PROTOCOLS) {
    for (const [range, target] of portClassElements(pc, p)) {
      const first = Number(range.split('-')[0]);
      const cls = classOfPort(pc, p, first);
      assert.equal(target, cls < DIRECT_CLASSES ? `jump ${classChainName(cls)}` : `jump ${portBitsChainName(p)}`, `${p} ${range}`);
    }
    for (let b = 0; b < CLASS_BITS; b++) {
      for (const [f] of portBitRuns(pc, p, b)) assert.ok(classOfPort(pc, p, f) >= DIRECT_CLASSES, `${p} bit ${b} holds only large classes`);
    }
  }
  // A small cluster's classes all have chains: every bit set is empty.
  const small = portClasses(ruleset([row(1, [tcp(80, 80), tcp(443, 443)])]));
  for (const p of PROTOCOLS) for (let b = 0; b < CLASS_BITS; b++) assert.deepEqual(portBitRuns(small, p, b), [], `${p} bit ${b}`);
});

test('layout: a cell becomes one element per port class in its range for each local address; non-port cells use class 0', () => {
  const r = row(1, [tcp(80, 80, 2, DROP), tcp(80, 81, 5)], [{ remote: 2, decision: ALLOW }]);
  const rs = ruleset([row(1, [tcp(80, 80, 2, DROP), tcp(80, 81, 5)]), row(9, [tcp(81, 81)])]);
  const pc = portClasses(rs);
  const d = addressDecisions(r, '10.0.0.1', pc);
  const cls = (port: number): number => classOfPort(pc, 'TCP', port);
  const hex = (m: number): string => `0x${m.toString(16).padStart(8, '0')}`;
  assert.deepEqual(d.cells, [
    [`10.0.0.1 . ${hex(markOf(2, cls(80)))}`, 'goto drop_1'],
    [`10.0.0.1 . ${hex(markOf(5, cls(80)))}`, 'return'],
    [`10.0.0.1 . ${hex(markOf(5, cls(81)))}`, 'return'],
    ['10.0.0.1 . 0x00000002', 'return'],
  ]);
  assert.equal(d.default, 'goto drop_1');
  assert.equal(d.nonPortDefault, undefined, 'an allowing default is no element');
});

test('layout: property — elementCounts() equals the elements render writes', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl, ps) => {
    const rs = plan(compile(cl, ps), { node: '', localPods: 'all' });
    const els = elementsOf(rs);
    assert.deepEqual(new Map([...els].map(([k, v]) => [k, v.size])), new Map(elementCounts(rs)));
  }), { numRuns: 60 });
});

test('layout: an identity beyond 20 bits or more than 4095 port classes is a typed error naming the limit', () => {
  const big = ruleset([row(1, [])], [1, IDENTITY_LIMIT]);
  assert.throws(() => elementsOf(big), (e: unknown) => e instanceof LayoutLimitError && e.limit === 'identities' && e.value === IDENTITY_LIMIT && e.max === IDENTITY_LIMIT - 1);
  assert.throws(() => markOf(IDENTITY_LIMIT, 1), LayoutLimitError);
  assert.doesNotThrow(() => markOf(IDENTITY_LIMIT - 1, CLASS_LIMIT - 1));
  // n single-port TCP cells cut TCP into 2n + 1 segments, + UDP + SCTP: 2n + 3 classes.
  // 1..4095 holds 4095 of them (0 means "no port").
  const many = (n: number): Ruleset => ruleset([row(1, Array.from({ length: n }, (_, i) => tcp(2 * i + 1, 2 * i + 1)))]);
  const full = portClasses(many(2046));
  assert.equal(new Set(PROTOCOLS.flatMap((p) => full[p].map((s) => s.cls))).size, 4095, 'every class number in use');
  assert.throws(() => portClasses(many(2047)), (e: unknown) => e instanceof LayoutLimitError && e.limit === 'port classes' && e.value === 4097 && /12 port-class bits/.test(e.message));
});
