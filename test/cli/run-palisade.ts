// Runs bin/palisade (or another command, e.g. kubectl) as a user would (a child process
// in the repository root), with this test's node first on PATH so bin/palisade-node picks
// it; returns exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
const BIN = join(ROOT, 'bin', 'palisade');

/** Fixture path relative to the repository root, as a user would type it from there. */
export function fixture(name: string): string {
  return join('test', 'cli', 'fixtures', name);
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runPalisade(args: readonly string[], stdin?: string): Promise<RunResult> {
  return runCommand(BIN, args, { stdin });
}

/** Runs `cmd` with `env` added to this process's environment (PATH excepted). */
export function runCommand(cmd: string, args: readonly string[], o: { readonly env?: Readonly<Record<string, string>>; readonly stdin?: string | undefined } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...o.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        NO_COLOR: '1',
        // Node's compile cache makes each of the many runs start about twice as fast.
        NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'palisade-test-compile-cache'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(o.stdin ?? '');
  });
}

/** User errors never show a stack trace or an "internal error". */
export function assertNoStackTrace(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
}
