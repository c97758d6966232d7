// A store persistence that times each commit (the log append and its fsync), so a bench
// can say how much of a slow store write was the disk.
import type { Persistence } from '../../src/store/persistence.ts';

export interface CommitTime {
  /** performance.now() before and after the commit returned. */
  readonly start: number;
  readonly end: number;
}

export interface TimedPersistence extends Persistence {
  /** Every commit so far, in order. */
  readonly commits: readonly CommitTime[];
  /** Milliseconds of commits inside [from, to]. */
  commitMsInside(from: number, to: number): number;
}

export function timedPersistence(inner: Persistence): TimedPersistence {
  const commits: CommitTime[] = [];
  return {
    commits,
    commitMsInside: (from, to) => commits.reduce((sum, c) => sum + Math.max(0, Math.min(c.end, to) - Math.max(c.start, from)), 0),
    load: () => inner.load(),
    commit: (record) => {
      const start = performance.now();
      try {
        inner.commit(record);
      } finally {
        commits.push({ start, end: performance.now() });
      }
    },
    compactIfDue: (state) => inner.compactIfDue(state),
    compact: (state) => inner.compact(state),
    close: () => inner.close(),
  };
}
