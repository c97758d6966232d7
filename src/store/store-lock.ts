// Single-writer guard for a store directory: a `lock` file holding the owner's PID,
// created atomically with its content (write a private temp file, then hard-link it into
// place: the link fails if a lock exists). A lock whose PID is no longer running is
// stale (its owner was killed) and is taken over.
// Limitation: two processes stealing the same stale lock in the same instant can both
// succeed; starting two stores on one directory at the same moment is not supported.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class StoreLockedError extends Error {
  readonly pid: number;

  constructor(dir: string, pid: number) {
    super(`store ${dir} is in use by process ${pid} (lock file ${path.join(dir, 'lock')}); stop it first`);
    this.name = 'StoreLockedError';
    this.pid = pid;
  }
}

export interface StoreLock {
  release(): void;
}

/**
 * Whether a process with this PID runs (EPERM: it exists but belongs to someone else). A
 * process killed with SIGKILL stays a zombie until its parent reaps it — and where the
 * parent never does (an init that does not reap), signal 0 still succeeds: on Linux the
 * state in /proc/PID/stat tells a zombie (Z) or dead (X) process from a live one.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): signal 0 is all we know
  }
}

function readPid(file: string): number | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function acquireLock(dir: string, pid: number = process.pid, isAlive: (pid: number) => boolean = isProcessAlive): StoreLock {
  const file = path.join(dir, 'lock');
  const tmp = path.join(dir, `lock.${pid}.tmp`);
  fs.writeFileSync(tmp, `${pid}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return {
          release(): void {
            if (readPid(file) === pid) fs.rmSync(file, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readPid(file);
      // Our own PID counts as live: a second open in the same process must fail too.
      if (owner !== undefined && isAlive(owner)) throw new StoreLockedError(dir, owner);
      fs.rmSync(file, { force: true });
    }
    throw new Error(`could not lock store ${dir}: the lock file keeps reappearing`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
