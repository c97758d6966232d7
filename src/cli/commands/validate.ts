// `palisade validate`: check manifests without judging anything. Exit 0 valid (warnings
// allowed), 1 invalid, 2 usage error. One line per problem on stderr.
import type { Command } from 'commander';
import { compile, EngineError } from '../../engine/compile.ts';
import type { CliIo } from '../cli-io.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { loadInputs, printProblems } from '../load-inputs.ts';

interface ValidateOptions extends DialectFlags {
  filename: string[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function runValidate(opts: ValidateOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  const loaded = await loadInputs(opts.filename, io, handlers);
  printProblems(io, [...loaded.errors, ...loaded.warnings]);
  let errors = loaded.errors.length;
  if (errors === 0) {
    // Problems only visible across objects (duplicate names, unknown tiers) surface at compile.
    try {
      compile(loaded.snapshot.cluster, loaded.snapshot.policies);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      for (const p of e.problems) io.stderr.write(`error: ${p}\n`);
      errors += e.problems.length;
    }
  }
  const warnings = loaded.warnings.length === 0 ? '' : ` (${plural(loaded.warnings.length, 'warning')})`;
  if (errors > 0) {
    io.stderr.write(`error: ${plural(errors, 'problem')} in ${plural(loaded.objects, 'object')}${warnings}\n`);
    return EXIT.no;
  }
  io.stdout.write(`${plural(loaded.objects, 'object')} valid${warnings}\n`);
  return EXIT.ok;
}

export function registerValidate(program: Command, ctx: CommandContext): void {
  program.command('validate')
    .summary('check manifests: syntax, schema, references')
    .description('Read the manifests and report every problem, one line each on stderr:\n'
      + 'FILE:LINE: OBJECT: FIELD.PATH: message (warnings say "warning:" before the message).')
    .addOption(filenameOption())
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'On success prints "N objects valid" (and the warning count) on stdout.',
      'Exit codes: 0 valid (warnings do not fail), 1 invalid or unreadable input, 2 usage error.',
      '',
      'Example:',
      '  palisade validate -f examples/demo',
    ].join('\n'))
    .action(async (opts: ValidateOptions) => { ctx.exitCode = await runValidate(opts, ctx.io, inputHandlers(ctx, opts)); });
}
