// Tests for the seeded PRNG: determinism, ranges, and rough uniformity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './prng.ts';

test('the same seed gives the same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('a fixed seed gives fixed values (guards against accidental algorithm changes)', () => {
  const r = createRng(1);
  assert.deepEqual([r.int(1_000_000), r.int(1_000_000), r.int(1_000_000)], [425649, 790421, 691014]);
});

test('next() is in [0,1) and int(n) in [0,n) with every value reached', () => {
  const r = createRng(7);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    const k = r.int(10);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  // Each bucket expects 10,000; 5 sigma is about 475.
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `bucket count ${c}`);
});

test('weighted() follows the weights and never picks a zero weight', () => {
  const r = createRng(9);
  const seen = { a: 0, b: 0, z: 0 };
  for (let i = 0; i < 40_000; i++) seen[r.weighted([['a', 3], ['z', 0], ['b', 1]] as const)]++;
  assert.equal(seen.z, 0);
  assert.ok(Math.abs(seen.a / seen.b - 3) < 0.3, `ratio ${seen.a / seen.b}`);
});

test('invalid arguments throw', () => {
  const r = createRng(1);
  assert.throws(() => r.int(0), RangeError);
  assert.throws(() => r.int(1.5), RangeError);
  assert.throws(() => r.pick([]), RangeError);
  assert.throws(() => r.weighted([['a', 0]]), RangeError);
});
