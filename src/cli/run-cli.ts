// The `palisade` command: builds the commander program, runs one command, and turns
// every outcome into an exit code. User errors become one `error: ...` line; only a
// bug prints a stack trace, under an "internal error" header.
import { Command, CommanderError } from 'commander';
import { InputError, formatProblem } from '../api/problem.ts';
import { EngineError } from '../engine/engine-error.ts';
import type { CliIo } from './cli-io.ts';
import { CliError } from './cli-error.ts';
import type { CliWiring, CommandContext } from './command-context.ts';
import { EXIT } from './exit-codes.ts';
import { registerDataplane } from './commands/dataplane-render.ts';
import { registerDiff } from './commands/diff.ts';
import { registerEval } from './commands/eval.ts';
import { registerExplain } from './commands/explain.ts';
import { registerMatrix } from './commands/matrix.ts';
import { registerValidate } from './commands/validate.ts';
import { registerVersion, VERSION } from './commands/version.ts';
import { registerApply } from './commands/apply.ts';
import { registerCreate } from './commands/create.ts';
import { registerDelete } from './commands/delete.ts';
import { registerDescribe } from './commands/describe.ts';
import { registerExec } from './commands/exec.ts';
import { registerGet } from './commands/get.ts';
import { registerLabel } from './commands/label.ts';
import { registerProbe } from './commands/probe.ts';
import { registerRun } from './commands/run.ts';
import { registerUp } from './commands/up.ts';
import { registerDown } from './commands/down.ts';
import { registerKubeconfig } from './commands/kubeconfig.ts';
import { registerAgent } from './commands/agent.ts';
import { registerConvert } from './commands/convert.ts';

export type { CliIo } from './cli-io.ts';
export type { CliWiring } from './command-context.ts';

const HINT = '(run "palisade --help" for usage)';

export function buildProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('palisade')
    .description('Kubernetes network policy engine and workbench: exact semantics, explained verdicts.')
    .version(`palisade ${VERSION}`, '--version', 'print the version')
    .exitOverride()
    .showHelpAfterError(HINT)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .addHelpText('after', [
      '',
      'Inputs (-f) are Kubernetes manifests (YAML or JSON, multi-document, List): namespaces, pods,',
      'nodes, services and policies together. Directories are read for *.yaml, *.yml and *.json.',
      '',
      'Exit codes: 0 success; 1 the answer is "no" (invalid, denied, changed: see each command);',
      '2 usage or input error; 3 internal error (a bug).',
    ].join('\n'));
  registerValidate(program, ctx);
  registerEval(program, ctx);
  registerMatrix(program, ctx);
  registerExplain(program, ctx);
  registerDiff(program, ctx);
  registerConvert(program, ctx);
  registerDataplane(program, ctx);
  registerCreate(program, ctx);
  registerRun(program, ctx);
  registerApply(program, ctx);
  registerGet(program, ctx);
  registerDescribe(program, ctx);
  registerLabel(program, ctx);
  registerDelete(program, ctx);
  registerExec(program, ctx);
  registerProbe(program, ctx);
  registerUp(program, ctx);
  registerDown(program, ctx);
  registerKubeconfig(program, ctx);
  registerAgent(program, ctx);
  registerVersion(program, ctx);
  return program;
}

/** Prints what the user needs to know about a failed run and returns its exit code. */
export function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (and the hint); only the code is ours to set.
    // Help and version exit 0; help shown because of a usage mistake (no command) exits 1.
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof CliError) {
    io.stderr.write(`error: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof InputError) {
    for (const p of e.problems) io.stderr.write(`${formatProblem(p)}\n`);
    return EXIT.usage;
  }
  if (e instanceof EngineError) {
    io.stderr.write(`error: ${e.message}\n`);
    return EXIT.usage;
  }
  const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  io.stderr.write(`internal error: this is a bug in palisade, please report it with the command you ran\n${detail}\n`);
  return EXIT.internal;
}

/** Runs one command; `wiring` holds the concrete parts main/ chose (src/main/cli-wiring.ts). */
export async function runCli(argv: readonly string[], io: CliIo, wiring: CliWiring): Promise<number> {
  // A closed pipe (`palisade matrix ... | head`) is not an error worth a stack trace. The
  // error arrives after the write returned, so the listener stays for the process' life.
  const ignorePipe = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') io.stderr.write(`error: cannot write output: ${err.message}\n`);
  };
  io.stdout.on('error', ignorePipe);
  const ctx: CommandContext = { io, handlers: wiring.handlers, exitCode: EXIT.ok };
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return reportError(e, io);
  }
}
