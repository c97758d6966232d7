// Benchmarks one cluster size end to end: generate, buildSnapshot, compile, evaluate
// random flows (against the policies and against an empty policy set), computeMatrix on
// 80/TCP, and a naive per-pair evaluate() matrix on a sample as the reference the
// class/bitset algorithm must beat and agree with. Returns plain data for the report.
import { stringify } from 'yaml';
import { parseText } from '../../src/api/parse-text.ts';
import { buildSnapshot } from '../../src/api/snapshot.ts';
import type { Snapshot } from '../../src/api/snapshot.ts';
import type { SourceDocument } from '../../src/api/source-document.ts';
import { compile } from '../../src/engine/compile.ts';
import type { CompiledCluster } from '../../src/engine/compile.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Flow } from '../../src/engine/flow.ts';
import { computeMatrix } from '../../src/engine/matrix.ts';
import type { Pod } from '../../src/model/cluster.ts';
import { STANDARD_TIERS } from '../../src/model/tier.ts';
import { CLUSTER_SIZES, generateCluster } from './generate-cluster.ts';
import type { SizeName } from './generate-cluster.ts';
import { measure, sampleMemory } from './measure.ts';
import type { Measured } from './measure.ts';
import { createRng } from './prng.ts';
import { randomFlows, samplePods } from './sampling.ts';
import { percentile, summarizeMs } from './stats.ts';

export interface SizeOptions {
  readonly flows: number;
  /** Largest pod count for which the matrix covers every pod; above it, a sample. */
  readonly matrixMaxPods: number;
  /** Pods in the matrix sample when the cluster is larger than matrixMaxPods. */
  readonly matrixSample: number;
  /** Pods in the naive per-pair reference matrix (pairs = square of it). */
  readonly naiveSample: number;
  /** Give up on a full matrix whose progress projects past this many seconds. */
  readonly matrixBudgetSeconds: number;
  /** Largest pod count for which YAML text parsing (parseText) is measured too. */
  readonly yamlMaxPods: number;
  readonly log: (message: string) => void;
}

export interface PhaseResult {
  readonly phase: string;
  readonly ms: number;
  /** Operations the phase performed (flows, cells), when per-op numbers make sense. */
  readonly ops?: number;
  readonly opUnit?: string;
  readonly perOpUs?: number;
  readonly p50Us?: number;
  readonly p99Us?: number;
  /** Heap used after the phase, after a full GC. */
  readonly heapMB: number;
  /** Heap the phase's results keep alive (after minus before, both after a GC). */
  readonly heapDeltaMB: number;
  /** Typed-array memory the phase keeps alive (outside the JS heap). */
  readonly arrayBuffersDeltaMB: number;
  readonly rssMB: number;
  readonly note?: string;
}

export interface SizeResult {
  readonly size: string;
  readonly pods: number;
  readonly namespaces: number;
  readonly policies: number;
  readonly nodes: number;
  readonly phases: PhaseResult[];
  readonly notes: string[];
}

/** Thrown from onProgress to stop a matrix that would take longer than the budget. */
class MatrixOverBudget extends Error {
  readonly projectedSeconds: number;
  constructor(projectedSeconds: number) {
    super(`matrix projected to take ${projectedSeconds.toFixed(0)} s`);
    this.projectedSeconds = projectedSeconds;
  }
}

function phase<T>(name: string, m: Measured<T>, extra: Partial<PhaseResult> = {}): PhaseResult {
  return {
    phase: name,
    ms: m.ms,
    heapMB: m.after.heapUsedMB,
    heapDeltaMB: m.after.heapUsedMB - m.before.heapUsedMB,
    arrayBuffersDeltaMB: m.after.arrayBuffersMB - m.before.arrayBuffersMB,
    rssMB: m.after.rssMB,
    ...extra,
  };
}

/** Batch passes without per-call timers; the median is reported (other load on the machine skews single passes). */
const BATCH_PASSES = 3;

/**
 * Evaluates every flow: an untimed pass to warm the JIT and the engine's lazy caches, a
 * pass timing each call (for percentiles), then BATCH_PASSES passes without per-call
 * timers (for the mean, free of timer overhead).
 */
function evaluateFlows(compiled: CompiledCluster, flows: readonly Flow[], label: string, log: (m: string) => void): {
  timed: Float64Array; allowed: number; batchMs: number;
} {
  let warm = 0;
  for (const f of flows) if (evaluate(compiled, f).allowed) warm++;
  log(`  ${label}: warmed up`);
  const timed = new Float64Array(flows.length);
  let allowed = 0;
  for (let i = 0; i < flows.length; i++) {
    const t0 = performance.now();
    const v = evaluate(compiled, flows[i] as Flow);
    timed[i] = performance.now() - t0;
    if (v.allowed) allowed++;
  }
  log(`  ${label}: timed pass done`);
  const passes: number[] = [];
  for (let pass = 0; pass < BATCH_PASSES; pass++) {
    const start = performance.now();
    let again = 0;
    for (const f of flows) if (evaluate(compiled, f).allowed) again++;
    passes.push(performance.now() - start);
    if (again !== allowed || warm !== allowed) throw new Error(`${label}: evaluate is not deterministic (${warm}, ${allowed}, ${again} allowed)`);
  }
  passes.sort((a, b) => a - b);
  return { timed, allowed, batchMs: passes[Math.floor(passes.length / 2)] as number };
}

/** Mean cost of one performance.now() pair, to read per-flow timings against. */
function timerOverheadUs(): number {
  const n = 200_000;
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    sink += performance.now() - t0;
  }
  const total = performance.now() - start;
  return sink >= 0 ? (total / n) * 1000 : Number.NaN;
}

/**
 * parseText on the YAML text of the generated documents. In its own function so the
 * text and the parsed documents are garbage once it returns: buildSnapshot starts from
 * the generated objects, and later heap numbers must not carry the YAML.
 */
function measureYaml(documents: readonly SourceDocument[], sizeName: string, log: (m: string) => void): PhaseResult {
  let text = documents.map((d) => stringify(d.object)).join('---\n');
  const megabytes = text.length / 2 ** 20;
  log(`[${sizeName}] parseText on ${megabytes.toFixed(1)} MB of YAML`);
  const parsed = measure(() => {
    const r = parseText(text, `generated/${sizeName}.yaml`);
    return { documents: r.documents.length, problems: r.problems.length };
  });
  text = '';
  if (parsed.value.problems > 0 || parsed.value.documents !== documents.length) {
    throw new Error(`parseText of generated ${sizeName}: ${parsed.value.problems} problems, ${parsed.value.documents} documents`);
  }
  return phase('parseText (YAML)', parsed, {
    ops: documents.length, opUnit: 'doc', perOpUs: (parsed.ms * 1000) / documents.length,
    note: `${megabytes.toFixed(1)} MB of YAML (line maps are built on first use, for problems only); Δheap is 0 because the parsed documents are dropped, buildSnapshot starts from the generated objects`,
  });
}

type Push = (p: PhaseResult) => void;

/**
 * Generate, parse (optionally), buildSnapshot. The raw documents are garbage once this
 * returns, as they would be in a real load: later heap numbers carry only the snapshot.
 */
function loadSnapshot(sizeName: SizeName, options: SizeOptions, push: Push, notes: string[]): Snapshot {
  const shape = CLUSTER_SIZES[sizeName];
  options.log(`[${sizeName}] generating ${shape.pods} pods, ${shape.namespaces} namespaces, ${shape.policies} policies`);
  const generated = measure(() => generateCluster(shape));
  const documents = generated.value.documents;
  push(phase('generate', generated, { ops: documents.length, opUnit: 'doc', perOpUs: (generated.ms * 1000) / documents.length, note: 'not engine work; Δheap = the raw documents' }));

  notes.push(`generated: ${generated.value.counts.nodes} nodes, ${generated.value.counts.hostNetworkPods} host-network pods, ${generated.value.counts.dualStackPods} dual-stack pods; policy shapes: ${
    Object.entries(generated.value.shapeCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (shape.pods <= options.yamlMaxPods) {
    push(measureYaml(documents, sizeName, options.log));
  } else {
    notes.push(`parseText (YAML) skipped above --yaml-max-pods ${options.yamlMaxPods}`);
  }

  const built = measure(() => buildSnapshot(documents));
  const snapshot = built.value;
  if (snapshot.problems.length > 0) {
    throw new Error(`buildSnapshot reported ${snapshot.problems.length} problems on generated ${sizeName}, first: ${JSON.stringify(snapshot.problems.slice(0, 3))}`);
  }
  if (snapshot.warnings.length > 0) notes.push(`buildSnapshot: ${snapshot.warnings.length} warnings, first: ${snapshot.warnings[0]?.message ?? ''}`);
  push(phase('buildSnapshot', built, {
    ops: documents.length, opUnit: 'doc', perOpUs: (built.ms * 1000) / documents.length,
    note: `${snapshot.cluster.pods.length} pods, ${snapshot.policies.policies.length} policies from ${documents.length} documents; Δheap = the model objects`,
  }));
  return snapshot;
}

function evalPhase(label: string, compiled: CompiledCluster, flows: readonly Flow[], options: SizeOptions, timerUs: number): PhaseResult {
  options.log(`${label}: ${flows.length} flows`);
  const m = measure(() => evaluateFlows(compiled, flows, label, options.log));
  const s = summarizeMs(m.value.timed);
  return phase(label.replace(/^\[[^\]]*\] /, ''), m, {
    ms: m.value.batchMs,
    ops: flows.length,
    opUnit: 'flow',
    perOpUs: (m.value.batchMs * 1000) / flows.length,
    p50Us: s.p50Us,
    p99Us: s.p99Us,
    note: `${((100 * m.value.allowed) / flows.length).toFixed(1)}% allowed; time is the median of ${BATCH_PASSES} batch passes; per-call timed pass: mean ${s.meanUs.toFixed(2)} µs, p99.9 ${percentileUs(m.value.timed, 99.9).toFixed(0)} µs, max ${s.maxUs.toFixed(0)} µs (GC pauses land here; timer ${timerUs.toFixed(2)} µs/call)`,
  });
}

function percentileUs(ms: Float64Array, p: number): number {
  return percentile(Float64Array.from(ms).sort(), p) * 1000;
}

export function runSize(sizeName: SizeName, options: SizeOptions): SizeResult {
  const shape = CLUSTER_SIZES[sizeName];
  const { log } = options;
  const phases: PhaseResult[] = [];
  const notes: string[] = [];
  const push: Push = (p) => {
    phases.push(p);
    log(`[${sizeName}] ${p.phase}: ${p.ms.toFixed(1)} ms, heap ${p.heapMB.toFixed(0)} MB (Δ ${p.heapDeltaMB.toFixed(1)} MB)`);
  };
  sampleMemory();
  const snapshot = loadSnapshot(sizeName, options, push, notes);
  const pods = snapshot.cluster.pods;
  const flows = randomFlows(pods, options.flows, createRng(shape.seed + 1));
  const timerUs = timerOverheadUs();

  // Baseline first, and dropped before the real compile, so it does not inflate the heap
  // numbers below: the same flows against the same cluster with no policies at all.
  (() => {
    const empty = measure(() => compile(snapshot.cluster, { tiers: STANDARD_TIERS, policies: [] }));
    push(phase('compile (no policies)', empty, { note: 'baseline' }));
    push(evalPhase(`[${sizeName}] eval (no policies)`, empty.value, flows, options, timerUs));
  })();

  const compiled = measure(() => compile(snapshot.cluster, snapshot.policies));
  push(phase('compile', compiled, {
    note: `${((compiled.after.heapUsedMB - compiled.before.heapUsedMB) * 1024 / shape.pods).toFixed(2)} KB/pod retained`,
  }));
  push(evalPhase(`[${sizeName}] eval`, compiled.value, flows, options, timerUs));

  // Matrix on 80/TCP.
  const matrixRng = createRng(shape.seed + 2);
  const full = pods.length <= options.matrixMaxPods;
  const attempt = (subset: readonly Pod[] | undefined, budgetSeconds: number): ReturnType<typeof measure<ReturnType<typeof computeMatrix>>> => {
    const started = performance.now();
    let lastLog = started;
    return measure(() => computeMatrix(compiled.value, { port: 80, protocol: 'TCP', ...(subset === undefined ? {} : { pods: subset.map((p) => p.key) }) }, (done: number, total: number) => {
      const now = performance.now();
      const elapsed = (now - started) / 1000;
      if (done > 0 && elapsed > 5) {
        const projected = (elapsed * total) / done;
        if (projected > budgetSeconds) throw new MatrixOverBudget(projected);
      }
      if (now - lastLog > 5000) {
        lastLog = now;
        log(`  matrix: ${done}/${total} (${elapsed.toFixed(0)} s)`);
      }
    }));
  };
  let matrixPods: readonly Pod[] = pods;
  let matrix: Measured<ReturnType<typeof computeMatrix>> | undefined;
  if (full) {
    log(`[${sizeName}] matrix over all ${pods.length} pods`);
    try {
      matrix = attempt(undefined, options.matrixBudgetSeconds);
    } catch (e) {
      if (!(e instanceof MatrixOverBudget)) throw e;
      notes.push(`full matrix abandoned: ${e.message} (budget ${options.matrixBudgetSeconds} s)`);
      log(`[${sizeName}] ${e.message}; falling back to a ${options.matrixSample}-pod sample`);
    }
  }
  if (matrix === undefined) {
    matrixPods = samplePods(pods, options.matrixSample, matrixRng);
    log(`[${sizeName}] matrix over a sample of ${matrixPods.length} pods`);
    matrix = attempt(matrixPods, Number.POSITIVE_INFINITY);
  }
  const m = matrix.value;
  const n = m.pods.length;
  const cells = n * n;
  const counted = measure(() => m.countAllowed());
  push(phase(full && matrixPods === pods ? 'matrix 80/TCP (all pods)' : `matrix 80/TCP (sample ${n})`, matrix, {
    ops: cells,
    opUnit: 'cell',
    perOpUs: (matrix.ms * 1000) / cells,
    note: `${n}x${n} = ${cells.toExponential(2)} cells, ${(cells / (matrix.ms / 1000)).toExponential(2)} cells/s, ${counted.value} allowed (${((100 * counted.value) / cells).toFixed(1)}%), countAllowed ${counted.ms.toFixed(0)} ms`,
  }));

  // Naive reference: evaluate() per pair on a sample of the matrix's pods, and agreement.
  const naivePods = samplePods(matrixPods, options.naiveSample, matrixRng);
  const indexOf = new Map<string, number>();
  m.pods.forEach((p: string | Pod, i: number) => indexOf.set(typeof p === 'string' ? p : p.key, i));
  log(`[${sizeName}] naive matrix: ${naivePods.length}^2 evaluate() calls`);
  const naive = measure(() => {
    let allowed = 0;
    let mismatches = 0;
    let firstMismatch = '';
    for (const a of naivePods) {
      for (const b of naivePods) {
        const v = evaluate(compiled.value, { src: { kind: 'pod', pod: a.key }, dst: { kind: 'pod', pod: b.key }, protocol: 'TCP', port: 80 });
        if (v.allowed) allowed++;
        const fast = m.allowed(indexOf.get(a.key) ?? -1, indexOf.get(b.key) ?? -1);
        if (fast !== v.allowed) {
          mismatches++;
          if (firstMismatch === '') firstMismatch = `${a.key} -> ${b.key}: evaluate ${v.allowed}, matrix ${fast}`;
        }
      }
    }
    return { allowed, mismatches, firstMismatch };
  });
  const naiveCells = naivePods.length * naivePods.length;
  const matrixRate = cells / matrix.ms;
  const naiveRate = naiveCells / naive.ms;
  push(phase(`naive matrix (sample ${naivePods.length})`, naive, {
    ops: naiveCells,
    opUnit: 'cell',
    perOpUs: (naive.ms * 1000) / naiveCells,
    note: `${(naiveRate * 1000).toExponential(2)} cells/s; matrix is ${(matrixRate / naiveRate).toFixed(0)}x faster per cell; ${naive.value.mismatches} disagreements with matrix`,
  }));
  if (naive.value.mismatches > 0) notes.push(`MATRIX DISAGREES WITH evaluate() on ${naive.value.mismatches}/${naiveCells} pairs, e.g. ${naive.value.firstMismatch}`);

  const final = sampleMemory();
  notes.push(`final heap ${final.heapUsedMB.toFixed(0)} MB with snapshot, compiled cluster and matrix alive; rss ${final.rssMB.toFixed(0)} MB (RSS keeps the peak of earlier phases, parseText's above all)`);

  return {
    size: sizeName,
    pods: snapshot.cluster.pods.length,
    namespaces: snapshot.cluster.namespaces.length,
    policies: snapshot.policies.policies.length,
    nodes: snapshot.cluster.nodes.length,
    phases,
    notes,
  };
}
