// A load generator that stays up for many runs (loadgen.ts `serve`) inside one client
// pod, pinned to one CPU: the rate part's simultaneous comparison measures both pairs with
// processes whose code is already compiled, instead of a fresh Node process per run.
// Runs are one at a time per generator; a run that does not answer in time kills it.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadRun, LoadRunResult } from './loadgen.ts';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));

export interface WarmLoadgen {
  run(request: LoadRun): Promise<LoadRunResult>;
  /** Ends the process (closes its input; SIGKILL after 5 s). */
  close(): Promise<void>;
}

/** Starts `loadgen.ts serve` in `netns` on `cpu`; a failure to start shows at the first run. */
export function startWarmLoadgen(netns: string, cpu: number): WarmLoadgen {
  const child: ChildProcessWithoutNullStreams = spawn('taskset', ['-c', String(cpu), 'ip', 'netns', 'exec', netns, process.execPath, LOADGEN, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b.toString('utf8')));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  let dead: Error | undefined;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  const exited = new Promise<void>((resolve) => {
    child.on('close', (code) => {
      dead = new Error(`the load generator in ${netns} exited ${code ?? 'by signal'}${stderr.length > 0 ? `: ${stderr.join('').trim()}` : ''}`);
      for (const w of waiting.splice(0)) w.reject(dead);
      resolve();
    });
  });
  child.on('error', (e) => {
    dead ??= e;
    for (const w of waiting.splice(0)) w.reject(e);
  });

  const run: WarmLoadgen['run'] = async (request) => {
    if (dead !== undefined) throw dead;
    const reply = new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
    const timer = setTimeout(() => child.kill('SIGKILL'), (request.seconds + 30) * 1000);
    try {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const result = JSON.parse(await reply) as LoadRunResult & { error?: string };
      if (result.error !== undefined) throw new Error(`the load generator in ${netns} refused the run: ${result.error}`);
      return result;
    } finally {
      clearTimeout(timer);
    }
  };

  const close = async (): Promise<void> => {
    if (dead === undefined) {
      child.stdin.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    }
  };

  return { run, close };
}
