// `palisade kubeconfig`: prints the path of the kubeconfig `palisade up` wrote, so that
// `kubectl --kubeconfig "$(palisade kubeconfig)" ...` talks to the embedded API server.
// Exit 1 with a hint when no `up` has written one.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { kubeconfigPath } from '../kube/palisade-home.ts';

export function registerKubeconfig(program: Command, ctx: CommandContext): void {
  program.command('kubeconfig')
    .summary('print the path of the embedded API server\'s kubeconfig')
    .description('Print the path of the kubeconfig written by "palisade up" (<home>/kubeconfig). Exit 1 when palisade is not running.')
    .option('--home <dir>', 'palisade home (default $PALISADE_HOME or ~/.palisade)')
    .action((opts: { home?: string }) => {
      const path = kubeconfigPath(opts.home === undefined ? {} : { home: opts.home }, ctx.io.env);
      if (!existsSync(path)) {
        ctx.io.stderr.write(`error: palisade is not running (no kubeconfig at ${path}); start it with "palisade up -d"\n`);
        ctx.exitCode = EXIT.no;
        return;
      }
      ctx.io.stdout.write(`${path}\n`);
      ctx.exitCode = EXIT.ok;
    });
}
