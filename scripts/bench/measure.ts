// Time and memory of one benchmark phase: performance.now() around the work, and
// process.memoryUsage() after a full GC (when node runs with --expose-gc) before and
// after, so "heap" is what the phase's results keep alive, not transient garbage.

export interface MemorySample {
  readonly heapUsedMB: number;
  readonly rssMB: number;
  /** Typed-array and Buffer memory outside the JS heap (bitsets live here). */
  readonly arrayBuffersMB: number;
}

export interface Measured<T> {
  readonly value: T;
  readonly ms: number;
  readonly before: MemorySample;
  readonly after: MemorySample;
}

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    // Two passes: the first can leave weakly reachable objects for the second.
    gc();
    gc();
  }
}

export function gcAvailable(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

export function sampleMemory(): MemorySample {
  collect();
  const m = process.memoryUsage();
  return { heapUsedMB: m.heapUsed / MB, rssMB: m.rss / MB, arrayBuffersMB: m.arrayBuffers / MB };
}

/** Runs `work` once, timing it and sampling memory after a GC before and after. */
export function measure<T>(work: () => T): Measured<T> {
  const before = sampleMemory();
  const start = performance.now();
  const value = work();
  const ms = performance.now() - start;
  const after = sampleMemory();
  return { value, ms, before, after };
}

/** A stopwatch: each call returns the milliseconds since the previous call (the first: since it was made). */
export function lapTimer(): () => number {
  let t = performance.now();
  return () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
}
