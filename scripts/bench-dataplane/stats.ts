// Statistics of repeated measurements on a noisy 2-core machine: median and spread of
// the runs of a scenario (rates), and percentiles of latency samples in milliseconds.
import { percentile } from '../bench/stats.ts';

export interface RunSummary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median: how far apart the runs are, relative to the median. */
  readonly spread: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarizeRuns(values: readonly number[]): RunSummary {
  if (values.length === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN };
  const med = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { n: values.length, median: med, min, max, spread: med > 0 ? (max - min) / med : Number.NaN };
}

export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Percentiles (nearest rank) of samples in ms; with fewer than 100 samples p99 is the maximum. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[n - 1] as number,
    mean: sum / n,
  };
}

/** Ratio of two medians, NaN when the baseline is not positive. */
export function ratioOf(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(value) ? value / baseline : Number.NaN;
}
