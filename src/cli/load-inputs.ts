// Reading `-f` inputs for a command: files, directories and `-` (stdin) through api/,
// into a Snapshot read by the command's handlers (its dialect flags choose them), with
// every problem of every file collected. Commands that need valid
// input print the problems (one formatProblem line each) and stop with exit code 2.
import { readInputs } from '../api/read-inputs.ts';
import type { HandlerTable } from '../api/handlers.ts';
import { buildSnapshot } from '../api/snapshot.ts';
import type { Snapshot } from '../api/snapshot.ts';
import { formatProblem } from '../api/problem.ts';
import type { Problem } from '../api/problem.ts';
import type { CliIo } from './cli-io.ts';
import { CliError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';

export interface LoadedInputs {
  readonly snapshot: Snapshot;
  /** How many API objects were read (List items count one each). */
  readonly objects: number;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
}

/** Fails when `-` is given more than once: stdin can be read only once per run. */
export function checkStdinOnce(...lists: ReadonlyArray<readonly string[]>): void {
  const n = lists.flat().filter((p) => p === '-').length;
  if (n > 1) throw new CliError('"-" (stdin) may be given only once');
}

export async function loadInputs(paths: readonly string[], io: CliIo, handlers: HandlerTable): Promise<LoadedInputs> {
  checkStdinOnce(paths);
  const read = await readInputs(paths, io.stdin);
  const snapshot = buildSnapshot(read.documents, handlers);
  const all = dedupe([...read.problems, ...snapshot.problems, ...snapshot.warnings]);
  return {
    snapshot,
    objects: read.documents.length,
    errors: all.filter((p) => p.severity === 'error'),
    warnings: all.filter((p) => p.severity === 'warning'),
  };
}

/** Writes one line per problem to stderr, errors first. */
export function printProblems(io: CliIo, problems: readonly Problem[]): void {
  const sorted = [...problems.filter((p) => p.severity === 'error'), ...problems.filter((p) => p.severity !== 'error')];
  for (const p of sorted) io.stderr.write(`${formatProblem(p)}\n`);
}

/**
 * For commands that cannot work on invalid input: prints warnings, and on errors prints
 * them and throws a CliError (exit 2) whose message sums them up.
 */
export async function loadValidInputs(paths: readonly string[], io: CliIo, handlers: HandlerTable, what = 'input'): Promise<LoadedInputs> {
  const loaded = await loadInputs(paths, io, handlers);
  printProblems(io, [...loaded.errors, ...loaded.warnings]);
  if (loaded.errors.length > 0) {
    const n = loaded.errors.length;
    throw new CliError(`${n} ${n === 1 ? 'problem' : 'problems'} in the ${what}; nothing evaluated`, EXIT.usage);
  }
  return loaded;
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
