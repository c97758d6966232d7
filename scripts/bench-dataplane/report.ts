// Text tables of the dataplane benchmark (pure): one per part, aligned columns.
import type { AbRow, RateRow } from './goals.ts';
import { modelledRatio } from './perf-attribution.ts';
import type { AttributionSample } from './rate-part.ts';
import { PHASES } from './change-path.ts';
import type { ChangeTiming } from './change-path.ts';
import { median, summarizeLatency } from './stats.ts';

export function table(rows: readonly (readonly string[])[], rightFrom = 1): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 1) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

const SCENARIO_TEXT: Record<string, string> = { none: '(a) no table', conntrack: 'conntrack only', empty: '(b) 0 policies', small: '(b\') 3 policies', big: '(c) big table' };

/** µs of CPU per connection by part, and the modelled rate vs no table and vs conntrack only. */
export function formatAttribution(samples: readonly AttributionSample[]): string {
  const cells: string[][] = [['scenario', 'placement', 'proto', 'connections', 'nftables µs', 'conntrack µs', 'hooks µs', 'netfilter µs', 'busy µs', 'model vs (a)', 'model vs ct']];
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
  for (const s of samples) {
    const base = (scenario: string): AttributionSample | undefined => samples.find((b) => b.scenario === scenario && b.placement === s.placement && b.protocol === s.protocol);
    const none = base('none');
    const ct = base('conntrack');
    const p = s.perConnection;
    cells.push([
      SCENARIO_TEXT[s.scenario] ?? s.scenario, s.placement, s.protocol.toUpperCase(), String(s.connections),
      p.parts.nftables.toFixed(2), p.parts.conntrack.toFixed(2), p.parts.hooks.toFixed(2), p.netfilter.toFixed(2), p.busy.toFixed(0),
      none === undefined ? '-' : pct(modelledRatio(p, none.perConnection)), ct === undefined ? '-' : pct(modelledRatio(p, ct.perConnection)),
    ]);
  }
  return table(cells, 3);
}

export function formatRate(rows: readonly RateRow[]): string {
  const cells: string[][] = [['scenario', 'placement', 'proto', 'median/s', 'min/s', 'max/s', 'spread', 'vs (a)', 'failed']];
  for (const r of rows) {
    const base = rows.find((b) => b.scenario === 'none' && b.placement === r.placement && b.protocol === r.protocol);
    const vs = base === undefined || !(base.runs.median > 0) ? '-' : `${((r.runs.median / base.runs.median) * 100).toFixed(1)}%`;
    cells.push([
      SCENARIO_TEXT[r.scenario] ?? r.scenario, r.placement, r.protocol.toUpperCase(),
      r.runs.median.toFixed(0), r.runs.min.toFixed(0), r.runs.max.toFixed(0), `${(r.runs.spread * 100).toFixed(1)}%`, vs, String(r.failed),
    ]);
  }
  return table(cells, 3);
}

/** The simultaneous comparisons: each candidate against its baseline, ratios over repetitions. */
export function formatRateAb(rows: readonly AbRow[]): string {
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
  const us = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const cells: string[][] = [['candidate', 'baseline', 'placement', 'proto', 'ratio (median)', 'min', 'max', 'candidate/s', 'baseline/s', 'softirq µs c/b', 'user µs c/b', 'failed']];
  for (const r of rows) {
    cells.push([
      SCENARIO_TEXT[r.candidate] ?? r.candidate, SCENARIO_TEXT[r.baseline] ?? r.baseline, r.placement, r.protocol.toUpperCase(),
      pct(r.ratios.median), pct(r.ratios.min), pct(r.ratios.max), r.candidateRate.toFixed(0), r.baselineRate.toFixed(0),
      `${us(r.softirq.candidate)}/${us(r.softirq.baseline)}`, `${us(r.user.candidate)}/${us(r.user.baseline)}`, String(r.failed),
    ]);
  }
  return table(cells, 4);
}

/** One row per label: n, p50, p90, p99, max, and the median of each phase. */
export function formatChanges(rows: ReadonlyArray<{ readonly label: string; readonly timings: readonly ChangeTiming[] }>): string {
  const cells: string[][] = [['what', 'n', 'p50', 'p90', 'p99', 'max', ...PHASES.map((p) => `${p} p50`), 'elements p50']];
  for (const r of rows) {
    const s = summarizeLatency(r.timings.map((t) => t.totalMs));
    cells.push([
      r.label, String(s.n), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max),
      ...PHASES.map((p) => fmtMs(median(r.timings.map((t) => t.phases[p])))),
      r.timings.some((t) => t.full) ? 'full' : String(median(r.timings.map((t) => t.changes))),
    ]);
  }
  return table(cells, 1);
}
