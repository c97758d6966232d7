// `npm run bench`: times buildSnapshot, compile, per-flow evaluate and computeMatrix on
// generated clusters of 1k, 10k and 150k pods and prints a table with memory and growth
// between sizes. Each size runs in a child node process started with --expose-gc (so
// memory is measured after a full GC) and its own heap, so sizes do not disturb each
// other's numbers. Progress goes to stderr, the report to stdout.
//
//   node scripts/bench-engine.ts [--sizes 1k,10k,150k] [--flows 100000] [--json FILE]
//     [--matrix-max-pods 150000] [--matrix-sample 5000] [--naive-sample 300]
//     [--matrix-budget 240] [--yaml-max-pods 150000] [--in-process]
//
// --in-process runs everything in this process (use with `node --expose-gc --cpu-prof`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLUSTER_SIZES, isSizeName } from './bench/generate-cluster.ts';
import type { SizeName } from './bench/generate-cluster.ts';
import { gcAvailable } from './bench/measure.ts';
import { formatGoals, formatNotes, formatTable, judgeGoals, matrixMemoryLines } from './bench/report.ts';
import { runSize } from './bench/run-size.ts';
import type { SizeOptions, SizeResult } from './bench/run-size.ts';

const HEAP_LIMIT_MB = 20_480; // of the machine's 24 GiB; the 150k matrix may need it

function fail(message: string): never {
  process.stderr.write(`bench-engine: ${message}\n`);
  process.exit(2);
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, '').replace(/k$/i, '000'));
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got ${text}`);
  return n;
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    flows: { type: 'string' },
    json: { type: 'string' },
    'matrix-max-pods': { type: 'string' },
    'matrix-sample': { type: 'string' },
    'naive-sample': { type: 'string' },
    'matrix-budget': { type: 'string' },
    'yaml-max-pods': { type: 'string' },
    'in-process': { type: 'boolean' },
    worker: { type: 'string' },
    result: { type: 'string' },
  },
  strict: true,
});

const sizes: SizeName[] = (values.sizes ?? Object.keys(CLUSTER_SIZES).join(',')).split(',').map((s) => {
  const name = s.trim();
  if (!isSizeName(name)) fail(`unknown size ${name} (known: ${Object.keys(CLUSTER_SIZES).join(', ')})`);
  return name;
});
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const sizeOptions: SizeOptions = {
  flows: positiveInt('flows', values.flows, 100_000),
  matrixMaxPods: positiveInt('matrix-max-pods', values['matrix-max-pods'], 150_000),
  matrixSample: positiveInt('matrix-sample', values['matrix-sample'], 5_000),
  naiveSample: positiveInt('naive-sample', values['naive-sample'], 300),
  matrixBudgetSeconds: positiveInt('matrix-budget', values['matrix-budget'], 240),
  yamlMaxPods: positiveInt('yaml-max-pods', values['yaml-max-pods'], 150_000),
  log,
};
const passThrough = ['flows', 'matrix-max-pods', 'matrix-sample', 'naive-sample', 'matrix-budget', 'yaml-max-pods'] as const;

if (values.worker !== undefined) {
  // Child: one size, result as JSON into the file the parent named.
  const size = values.worker;
  if (!isSizeName(size)) fail(`unknown size ${size}`);
  if (values.result === undefined) fail('--worker needs --result FILE');
  writeFileSync(values.result, JSON.stringify(runSize(size, sizeOptions)));
} else {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const results: SizeResult[] = [];
  if (values['in-process'] === true) {
    if (!gcAvailable()) log('note: run node with --expose-gc for memory after GC; numbers include garbage');
    for (const size of sizes) results.push(runSize(size, sizeOptions));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
    try {
      for (const size of sizes) {
        const resultFile = join(dir, `${size}.json`);
        const args = [`--expose-gc`, `--max-old-space-size=${HEAP_LIMIT_MB}`, import.meta.filename, '--worker', size, '--result', resultFile];
        for (const name of passThrough) {
          const v = values[name];
          if (v !== undefined) args.push(`--${name}`, v);
        }
        // The child's stdout goes to our stderr: stdout carries only the report.
        const child = spawnSync(process.execPath, args, { stdio: ['ignore', 2, 2] });
        if (child.status !== 0) fail(`size ${size} failed (exit ${child.status ?? child.signal ?? 'unknown'})`);
        results.push(JSON.parse(readFileSync(resultFile, 'utf8')) as SizeResult);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const goals = judgeGoals(results);
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
  const totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write([
    `Palisade engine benchmark: ${machine}; ${sizeOptions.flows} flows per size`,
    'heap MB: heap used after the phase, after a full GC; Δheap MB: what the phase keeps alive (JS heap + typed arrays; negative when the engine drops caches);',
    'x time / x Δheap: ratio to the same phase one size down; eval/matrix per-op times are means, p50/p99 from a pass timing each call',
    '',
    formatTable(results),
    '',
    'notes:',
    formatNotes(results),
    '',
    'goals:',
    formatGoals(goals),
    ...matrixMemoryLines(results),
    '',
    `total ${totalSeconds.toFixed(0)} s; 1-min load average ${loadBefore.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (other work on the machine skews times)`,
    '',
  ].join('\n'));
  if (values.json !== undefined) {
    const { log: _log, ...options } = sizeOptions;
    writeFileSync(values.json, `${JSON.stringify({ machine, options, results, goals, totalSeconds }, null, 2)}\n`);
  }
}
