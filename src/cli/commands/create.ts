// `palisade create namespace NAME`: creates a namespace on the running `palisade up`
// (`namespace/NAME created`), as `kubectl create namespace` does.
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { BUILTIN_RESOURCES, resourcePath, resolveResourceWord } from '../kube/resources.ts';
import { addConnectionOptions, connect, runVerb } from '../kube/verb-runner.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type CreateOptions = ConnectionFlags;

export function registerCreate(program: Command, ctx: CommandContext): void {
  const create = program.command('create')
    .summary('create a resource on the running palisade (namespace)')
    .description('Create a resource on the embedded API server of `palisade up`.');
  addConnectionOptions(create.command('namespace')
    .alias('ns')
    .summary('create a namespace')
    .description('Create a namespace with the given name. Prints `namespace/NAME created`.')
    .argument('<name>', 'namespace name (a DNS label)')
    .addHelpText('after', '\nExit codes: 0 created, 1 error from the server (e.g. AlreadyExists) or palisade not running, 2 usage error.'))
    .action(async (name: string, opts: CreateOptions) => runVerb(ctx, async () => {
      if (!DNS_LABEL.test(name)) throw new CliError(`invalid namespace name ${JSON.stringify(name)}: must be a lowercase RFC 1123 label`);
      const info = resolveResourceWord('namespaces', BUILTIN_RESOURCES);
      if (info === undefined) throw new Error('namespaces are not a built-in resource');
      const client = await connect(opts, ctx.io);
      await client.request('POST', resourcePath(info, undefined), { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
      ctx.io.stdout.write(`namespace/${name} created\n`);
      return EXIT.ok;
    }));
}
