// Summary statistics for per-operation timings: mean and nearest-rank percentiles.

export interface TimingSummary {
  readonly count: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** Nearest-rank percentile of an ascending-sorted array; p in (0, 100]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Summarises durations given in milliseconds (as performance.now() differences) in µs. */
export function summarizeMs(durationsMs: Float64Array): TimingSummary {
  const sorted = Float64Array.from(durationsMs).sort();
  let sum = 0;
  for (const d of sorted) sum += d;
  const n = sorted.length;
  return {
    count: n,
    meanUs: n === 0 ? Number.NaN : (sum / n) * 1000,
    p50Us: percentile(sorted, 50) * 1000,
    p99Us: percentile(sorted, 99) * 1000,
    maxUs: n === 0 ? Number.NaN : (sorted[n - 1] as number) * 1000,
  };
}
