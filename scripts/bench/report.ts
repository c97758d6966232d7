// Turns benchmark results into the printed report: one table row per size and phase with
// growth ratios against the previous size, the notes, and a verdict on each goal.
import type { PhaseResult, SizeResult } from './run-size.ts';

export const GOALS = {
  /** "A 150k-pod cluster compiles in seconds." */
  compileSeconds: 10,
  /** "One flow evaluates in microseconds": mean per flow. */
  evalMeanUs: 50,
  /** "Memory grows linearly with pods": retained-heap ratio / pod ratio at most this. */
  linearSlack: 1.5,
} as const;

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatUs(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '';
  if (us < 0.01) return `${(us * 1000).toFixed(2)} ns`;
  if (us < 1) return `${(us * 1000).toFixed(0)} ns`;
  if (us < 100) return `${us.toFixed(2)} µs`;
  if (us < 100_000) return `${us.toFixed(0)} µs`;
  return formatMs(us / 1000);
}

function ratio(now: number, before: number | undefined): string {
  // Tiny retained-heap deltas are noise; a ratio of them would mislead.
  if (before === undefined || !(before > 0.5) || !(now > 0)) return '';
  return `x${(now / before).toFixed(1)}`;
}

function pad(cells: readonly string[][]): string {
  const widths = cells[0]?.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length))) ?? [];
  const rightAligned = new Set([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
  return cells.map((row) => row.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The main table: one row per (size, phase); ratios compare with the same phase one size down. */
export function formatTable(results: readonly SizeResult[]): string {
  const header = ['size', 'pods', 'ns', 'policies', 'phase', 'time', 'per-op', 'p50', 'p99', 'heap MB', 'Δheap MB', 'x time', 'x Δheap'];
  const rows: string[][] = [header];
  results.forEach((r, i) => {
    const prev = i > 0 ? results[i - 1] : undefined;
    const prevPhase = (name: string): PhaseResult | undefined => prev?.phases.find((p) => p.phase === name);
    for (const [k, p] of r.phases.entries()) {
      const before = prevPhase(p.phase);
      rows.push([
        k === 0 ? r.size : '',
        k === 0 ? String(r.pods) : '',
        k === 0 ? String(r.namespaces) : '',
        k === 0 ? String(r.policies) : '',
        p.phase,
        formatMs(p.ms),
        p.perOpUs === undefined ? '' : `${formatUs(p.perOpUs)}/${p.opUnit ?? 'op'}`,
        formatUs(p.p50Us),
        formatUs(p.p99Us),
        p.heapMB.toFixed(0),
        (p.heapDeltaMB + p.arrayBuffersDeltaMB).toFixed(1),
        ratio(p.ms, before?.ms),
        ratio(p.heapDeltaMB + p.arrayBuffersDeltaMB, before === undefined ? undefined : before.heapDeltaMB + before.arrayBuffersDeltaMB),
      ]);
    }
  });
  const growth = results.slice(1).map((r, i) => {
    const prev = results[i] as SizeResult;
    const pods = r.pods / prev.pods;
    return `${prev.size} -> ${r.size}: pods x${pods.toFixed(1)}, pairs x${(pods * pods).toFixed(0)}`;
  });
  return [pad(rows), ...(growth.length > 0 ? ['', `growth: ${growth.join('; ')}`] : [])].join('\n');
}

export function formatNotes(results: readonly SizeResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const p of r.phases) if (p.note !== undefined) lines.push(`[${r.size}] ${p.phase}: ${p.note}`);
    for (const n of r.notes) lines.push(`[${r.size}] ${n}`);
  }
  return lines.join('\n');
}

export interface GoalVerdict {
  readonly goal: string;
  readonly met: boolean;
  readonly detail: string;
}

const find = (r: SizeResult, name: string): PhaseResult | undefined => r.phases.find((p) => p.phase === name);

/** Judges the three goals against the measured results. */
export function judgeGoals(results: readonly SizeResult[]): GoalVerdict[] {
  const verdicts: GoalVerdict[] = [];
  const largest = results.at(-1);
  const compile = largest === undefined ? undefined : find(largest, 'compile');
  if (largest !== undefined && compile !== undefined) {
    verdicts.push({
      goal: `compile ${largest.pods} pods in seconds (<= ${GOALS.compileSeconds} s)`,
      met: compile.ms <= GOALS.compileSeconds * 1000,
      detail: `${formatMs(compile.ms)} (buildSnapshot ${formatMs(find(largest, 'buildSnapshot')?.ms ?? Number.NaN)} before it)`,
    });
  }
  for (const r of results) {
    const ev = find(r, 'eval');
    if (ev?.perOpUs === undefined) continue;
    verdicts.push({
      goal: `${r.size}: one flow evaluates in microseconds (mean <= ${GOALS.evalMeanUs} µs)`,
      met: ev.perOpUs <= GOALS.evalMeanUs,
      detail: `mean ${formatUs(ev.perOpUs)}, p50 ${formatUs(ev.p50Us)}, p99 ${formatUs(ev.p99Us)} (no policies: ${formatUs(find(r, 'eval (no policies)')?.perOpUs)})`,
    });
  }
  for (let i = 1; i < results.length; i++) {
    const prev = results[i - 1] as SizeResult;
    const r = results[i] as SizeResult;
    const a = find(prev, 'compile');
    const b = find(r, 'compile');
    if (a === undefined || b === undefined) continue;
    const podRatio = r.pods / prev.pods;
    const heapA = a.heapDeltaMB + a.arrayBuffersDeltaMB;
    const heapB = b.heapDeltaMB + b.arrayBuffersDeltaMB;
    const heapRatio = heapB / heapA;
    verdicts.push({
      goal: `${prev.size} -> ${r.size}: compiled memory grows with pods, not pairs (x heap <= ${GOALS.linearSlack} * x pods)`,
      met: heapA > 0 && heapRatio <= GOALS.linearSlack * podRatio,
      detail: `retained ${heapA.toFixed(1)} -> ${heapB.toFixed(1)} MB: x${heapRatio.toFixed(1)} for pods x${podRatio.toFixed(1)}, pairs x${(podRatio * podRatio).toFixed(0)}; ${((heapB * 1024) / r.pods).toFixed(2)} KB/pod`,
    });
  }
  return verdicts;
}

/** Not a goal but worth seeing next to it: how the matrix result's memory grows. */
export function matrixMemoryLines(results: readonly SizeResult[]): string[] {
  const lines: string[] = [];
  for (let i = 1; i < results.length; i++) {
    const prev = results[i - 1] as SizeResult;
    const r = results[i] as SizeResult;
    const a = prev.phases.find((p) => p.phase.startsWith('matrix') && p.phase.includes('all pods'));
    const b = r.phases.find((p) => p.phase.startsWith('matrix') && p.phase.includes('all pods'));
    if (a === undefined || b === undefined) continue;
    const heapA = a.heapDeltaMB + a.arrayBuffersDeltaMB;
    const heapB = b.heapDeltaMB + b.arrayBuffersDeltaMB;
    const pods = r.pods / prev.pods;
    lines.push(`INFO   ${prev.size} -> ${r.size}: full-matrix result memory ${heapA.toFixed(1)} -> ${heapB.toFixed(1)} MB: x${(heapB / heapA).toFixed(1)} for pods x${pods.toFixed(1)}, pairs x${(pods * pods).toFixed(0)}; time x${(b.ms / a.ms).toFixed(1)}`);
  }
  return lines;
}

export function formatGoals(verdicts: readonly GoalVerdict[]): string {
  return verdicts.map((v) => `${v.met ? 'MET   ' : 'MISSED'} ${v.goal}: ${v.detail}`).join('\n');
}
