// `palisade version`: the version of this build (package.json), for bug reports and scripts.
import type { Command } from 'commander';
import { Option } from 'commander';
import pkg from '../../../package.json' with { type: 'json' };
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';

export const VERSION: string = pkg.version;

export function registerVersion(program: Command, ctx: CommandContext): void {
  program.command('version')
    .summary('print the version')
    .description('Print the version of palisade: "palisade VERSION", or {"version":"VERSION"} with -o json.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { output: 'text' | 'json' }) => {
      ctx.io.stdout.write(opts.output === 'json' ? `${JSON.stringify({ version: VERSION })}\n` : `palisade ${VERSION}\n`);
      ctx.exitCode = EXIT.ok;
    });
}
