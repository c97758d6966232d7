// Runs external commands with an argument vector, never through a shell, so no pod name,
// IP or user text can be interpreted as shell syntax. Failures become CommandError.
import { spawn } from 'node:child_process';
import { CommandError } from './errors.ts';

export interface RunOptions {
  /** Written to the command's stdin, then stdin is closed. */
  readonly input?: string;
  /** Kill the command (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** null when the command was killed by a signal. */
  readonly exitCode: number | null;
}

/** Runs `command args…` and resolves with its output whatever the exit code. */
export function runRaw(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(command, args, null, e.message, e));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code });
    });
    // A command that exits before reading its stdin makes the write fail with EPIPE: the
    // exit code reports the real problem.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `command args…`; throws CommandError (with stderr) unless it exits 0. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runRaw(command, args, options);
  if (result.exitCode !== 0) throw new CommandError(command, args, result.exitCode, result.stderr || result.stdout);
  return result.stdout;
}
