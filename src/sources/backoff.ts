// Exponential backoff for retries of lists, watches and applies: base, 2·base, 4·base, …
// capped at max. No jitter: callers are single agents per node, and deterministic delays
// keep tests exact.

export interface BackoffOptions {
  /** First delay in ms; default 100. */
  readonly baseMs?: number;
  /** Upper bound in ms; default 30,000. */
  readonly maxMs?: number;
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 100;
  const max = o.maxMs ?? 30_000;
  if (attempt < 1) return 0;
  return Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
}

/** Timer functions, injected so that tests and main/ choose; main/ passes the globals. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const GLOBAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
