// Tests for the benchmark report: unit formatting, growth ratios and goal verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMs, formatTable, formatUs, judgeGoals } from './report.ts';
import type { PhaseResult, SizeResult } from './run-size.ts';

const msCases: [number, string][] = [[1.234, '1.23 ms'], [42.4, '42 ms'], [1234, '1.23 s'], [61_000, '61.0 s'], [Number.NaN, '-']];
for (const [ms, text] of msCases) test(`formatMs(${ms}) = ${text}`, () => assert.equal(formatMs(ms), text));

const usCases: [number | undefined, string][] = [[0.00025, '0.25 ns'], [0.25, '250 ns'], [3.456, '3.46 µs'], [512, '512 µs'], [250_000, '250 ms'], [undefined, '']];
for (const [us, text] of usCases) test(`formatUs(${us}) = ${JSON.stringify(text)}`, () => assert.equal(formatUs(us), text));

function phase(name: string, ms: number, heapDeltaMB: number, perOpUs?: number): PhaseResult {
  return { phase: name, ms, heapMB: 100, heapDeltaMB, arrayBuffersDeltaMB: 0, rssMB: 200, ...(perOpUs === undefined ? {} : { perOpUs, opUnit: 'flow' }) };
}
function size(name: string, pods: number, compileMs: number, compileHeap: number, evalUs: number): SizeResult {
  return {
    size: name, pods, namespaces: pods / 14, policies: pods / 7, nodes: pods / 100,
    phases: [phase('buildSnapshot', compileMs / 2, compileHeap), phase('compile', compileMs, compileHeap), phase('eval', 100, 0, evalUs)],
    notes: [],
  };
}

test('formatTable shows ratios against the same phase of the previous size', () => {
  const text = formatTable([size('1k', 1000, 10, 2, 3), size('10k', 10_000, 100, 20, 3)]);
  const compileRows = text.split('\n').filter((l) => l.includes(' compile '));
  assert.equal(compileRows.length, 2);
  assert.match(compileRows[1] ?? '', /x10\.0\s+x10\.0$/);
  assert.match(text, /growth: 1k -> 10k: pods x10\.0, pairs x100/);
});

test('judgeGoals: linear memory and fast compile/eval are met', () => {
  const v = judgeGoals([size('10k', 10_000, 500, 20, 4), size('150k', 150_000, 6000, 290, 6)]);
  assert.deepEqual(v.map((g) => g.met), [true, true, true, true]);
});

test('judgeGoals: slow compile, slow eval and quadratic memory are missed', () => {
  const v = judgeGoals([size('10k', 10_000, 500, 20, 4), size('150k', 150_000, 45_000, 20 * 225, 80)]);
  assert.deepEqual(v.map((g) => [g.goal.split(':')[0], g.met]), [
    ['compile 150000 pods in seconds (<= 10 s)', false],
    ['10k', true],
    ['150k', false],
    ['10k -> 150k', false],
  ]);
});
