// Long-running pod processes: started detached inside a pod's namespace, recorded in a
// pidfile (pid + kernel start time) the moment they exist, and stopped only by that
// record, so teardown from another process can never hit an unrelated (reused) PID.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LabError } from './errors.ts';
import { netnsExecArgv } from './netns.ts';
import { LOG_DIR, PID_DIR, type LabProcessState } from './lab-state.ts';

/** Kernel start time of `pid` (field 22 of /proc/<pid>/stat), undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall; fields[0] is field 3
  } catch {
    return undefined;
  }
}

export interface SpawnInNetnsOptions {
  readonly stateDir: string;
  /** Names the pidfile and the log file. */
  readonly name: string;
  readonly netns: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Wait for the process to write a line on fd 3 (PALISADE_READY_FD) before resolving. */
  readonly waitReady: boolean;
  readonly readyTimeoutMs?: number;
}

/** Starts the process detached (own process group, survives its creator), records it. */
export async function spawnInNetns(o: SpawnInNetnsOptions): Promise<LabProcessState> {
  const logDir = join(o.stateDir, LOG_DIR);
  const pidDir = join(o.stateDir, PID_DIR);
  mkdirSync(logDir, { recursive: true });
  mkdirSync(pidDir, { recursive: true });
  const logFd = openSync(join(logDir, `${o.name}.log`), 'a');
  const env = { ...process.env, ...o.env, ...(o.waitReady ? { PALISADE_READY_FD: '3' } : {}) };
  let child;
  try {
    // `ip netns exec` execs the command in place, so child.pid is the pod process itself.
    child = spawn('ip', netnsExecArgv(o.netns, o.command, o.args), {
      detached: true,
      stdio: ['ignore', logFd, logFd, o.waitReady ? 'pipe' : 'ignore'],
      env,
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new LabError('process-failed', `could not start ${o.command} in ${o.netns}`);
  }
  const pidFile = join(pidDir, `${o.name}.pid`);
  const startTime = processStartTime(pid) ?? '';
  writeFileSync(pidFile, `${pid}\n${startTime}\n`);
  const record: LabProcessState = { pid, startTime, pidFile };
  child.unref();
  if (!o.waitReady) return record;

  const ready = child.stdio[3] as Readable;
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new LabError('process-failed',
        `${o.name}: not ready after ${o.readyTimeoutMs ?? 10_000} ms (log: ${join(logDir, `${o.name}.log`)})`)), o.readyTimeoutMs ?? 10_000);
      ready.on('data', (b: Buffer) => {
        seen += b.toString('utf8');
        if (seen.includes('\n')) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        let log = '';
        try { log = readFileSync(join(logDir, `${o.name}.log`), 'utf8').trim().split('\n').slice(-5).join('\n'); } catch { /* no log */ }
        reject(new LabError('process-failed', `${o.name}: exited (${signal ?? code}) before it was ready${log === '' ? '' : `:\n${log}`}`));
      });
    });
  } catch (e) {
    killRecorded(record);
    throw e;
  } finally {
    ready.destroy();
    child.removeAllListeners('exit');
  }
  return record;
}

/** SIGKILLs the recorded process if it is still the same one; removes its pidfile. */
export function killRecorded(p: LabProcessState): void {
  const now = processStartTime(p.pid);
  // No recorded start time: the PID alone is not proof enough (the namespace sweep of
  // destroyLab still finds the process if it lives in the lab).
  if (now !== undefined && p.startTime !== '' && now === p.startTime) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  rmSync(p.pidFile, { force: true });
}

/** Processes recorded by pidfiles in `<stateDir>/pids` (also those lab.json never heard of). */
export function recordedProcesses(stateDir: string): LabProcessState[] {
  const dir = join(stateDir, PID_DIR);
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  const out: LabProcessState[] = [];
  for (const n of names) {
    if (!n.endsWith('.pid')) continue;
    const pidFile = join(dir, n);
    const [pidText, startTime] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 1) out.push({ pid, startTime: startTime ?? '', pidFile });
    else rmSync(pidFile, { force: true });
  }
  return out;
}

/** Whether `pid` is alive (a zombie, killed but not yet reaped by its parent, is not). */
export function isRunning(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves once `pid` has exited (polling /proc), or after `timeoutMs`. */
export async function waitGone(pid: number, startTime: string, timeoutMs = 2000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = processStartTime(pid);
    if (now === undefined || (startTime !== '' && now !== startTime)) return true;
    // A killed process stays a zombie until its parent reaps it: it is gone for us.
    if (!isRunning(pid)) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
