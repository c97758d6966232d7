// The files a running `palisade up` keeps in its home directory, shared by the process
// that runs the embedded cluster (main/) and by `up -d` / `down`, which only see it from
// outside:
//   store/        the persisted objects (kept by `down`; removed by `down --purge`)
//   lab/          the lab's record: lab.json, pod pidfiles and logs
//   kubeconfig    loopback URL + bearer token, mode 0600
//   palisade.pid  the `up` process: PID and kernel start time (so a reused PID is never signalled)
//   runtime.json  what runs where (API URL, lab id, nodes), `ready` once converged
//   palisade.log  the daemon's log (`up -d`)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processStartTime } from '../../lab/processes.ts';

export const HOME_FILES = Object.freeze({
  store: 'store',
  lab: 'lab',
  kubeconfig: 'kubeconfig',
  pid: 'palisade.pid',
  runtime: 'runtime.json',
  log: 'palisade.log',
});

export interface RuntimeInfo {
  readonly pid: number;
  /** Set once the lab's pods run and every agent has applied its table. */
  readonly ready: boolean;
  readonly apiUrl?: string;
  readonly kubeconfig?: string;
  /** Whether policies are enforced (false: the lab cannot run here). */
  readonly enforced: boolean;
  /** Why nothing is enforced. */
  readonly reasons: readonly string[];
  readonly labId?: string;
  readonly nodes: readonly { readonly name: string; readonly netns: string; readonly healthPort?: number }[];
  /** Cilium's policy-cidr-match-mode the agents and the API's validation read with; absent or empty: the default. */
  readonly ciliumPolicyCidrMatchMode?: readonly string[];
}

export function writePidfile(home: string, pid: number): void {
  writeFileSync(join(home, HOME_FILES.pid), `${pid}\n${processStartTime(pid) ?? ''}\n`);
}

/** The recorded `up` process if it still runs (the same process, not a reused PID). */
export function livePid(home: string): number | undefined {
  return liveProcess(home)?.pid;
}

/** The recorded `up` process (PID and start time) if it still runs. */
export function liveProcess(home: string): { readonly pid: number; readonly startTime: string } | undefined {
  let text: string;
  try { text = readFileSync(join(home, HOME_FILES.pid), 'utf8'); } catch { return undefined; }
  const [pidText, startTime = ''] = text.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const now = processStartTime(pid);
  if (now === undefined || (startTime !== '' && now !== startTime)) return undefined;
  // A daemon killed with SIGKILL stays a zombie until reaped: it no longer runs.
  if (!isRunning(pid)) return undefined;
  return { pid, startTime };
}

export function writeRuntime(home: string, info: RuntimeInfo): void {
  const file = join(home, HOME_FILES.runtime);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function readRuntime(home: string): RuntimeInfo | undefined {
  try { return JSON.parse(readFileSync(join(home, HOME_FILES.runtime), 'utf8')) as RuntimeInfo; } catch { return undefined; }
}
