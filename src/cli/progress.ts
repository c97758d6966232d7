// Progress of long work (big matrices, diffs) on stderr: one line rewritten in place,
// only when stderr is a terminal, so piped and scripted runs stay quiet.

export interface Progress {
  /** Report `done` of `total` units; cheap to call often (throttled). */
  update(done: number, total: number): void;
  /** Erase the progress line, if one was drawn. */
  finish(): void;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  readonly label: string;
  /** Milliseconds between redraws. */
  readonly intervalMs?: number;
  /** Clock in milliseconds; injectable for tests. */
  readonly now?: () => number;
}

const QUIET: Progress = Object.freeze({ update() {}, finish() {} });

export function createProgress(options: ProgressOptions): Progress {
  if (options.stream.isTTY !== true) return QUIET;
  const { stream, label } = options;
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (t - last < interval && done < total) return;
      last = t;
      const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
      stream.write(`\r\x1b[K${label}: ${done}/${total} (${pct}%)`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
