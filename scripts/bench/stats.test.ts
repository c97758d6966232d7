// Tests for the timing statistics (nearest-rank percentiles, as in NIST's definition).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarizeMs } from './stats.ts';

const cases: { name: string; data: number[]; p: number; expected: number }[] = [
  { name: 'median of odd count', data: [1, 2, 3, 4, 5], p: 50, expected: 3 },
  { name: 'median of even count is the lower middle', data: [1, 2, 3, 4], p: 50, expected: 2 },
  { name: 'p99 of 100 values is the 99th', data: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, expected: 99 },
  { name: 'p100 is the maximum', data: [3, 7, 9], p: 100, expected: 9 },
  { name: 'tiny p is the minimum', data: [3, 7, 9], p: 0.001, expected: 3 },
  { name: 'single value', data: [42], p: 99, expected: 42 },
];
for (const c of cases) {
  test(`percentile: ${c.name}`, () => assert.equal(percentile(c.data, c.p), c.expected));
}

test('percentile rejects p outside (0, 100] and is NaN on empty input', () => {
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summarizeMs sorts its input and converts ms to µs', () => {
  const s = summarizeMs(Float64Array.from([0.004, 0.001, 0.003, 0.002]));
  assert.equal(s.count, 4);
  assert.ok(Math.abs(s.meanUs - 2.5) < 1e-9);
  assert.ok(Math.abs(s.p50Us - 2) < 1e-9);
  assert.ok(Math.abs(s.p99Us - 4) < 1e-9);
  assert.ok(Math.abs(s.maxUs - 4) < 1e-9);
});
