// `palisade label [--overwrite] TYPE NAME... k=v... k-...`: sets and removes labels of
// objects on the running `palisade up` with a merge patch, with kubectl's rules: changing
// a value needs --overwrite (`error: 'app' already has a value (x), and --overwrite is
// false`), and the result is `TYPE/NAME labeled|unlabeled|not labeled`.
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { applyLabelChanges, isLabelArg, parseLabelArgs } from '../kube/label-changes.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { parseResourceArgs, resourcePath, resourceResolver, typeName } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, connect, namespaceOf, runVerb } from '../kube/verb-runner.ts';

interface LabelOptions extends ConnectionFlags {
  readonly overwrite?: boolean;
  readonly namespace?: string;
}

export async function runLabel(words: readonly string[], opts: LabelOptions, client: KubeClient, ctx: CommandContext): Promise<number> {
  const firstLabel = words.findIndex((w, i) => i > 0 && isLabelArg(w));
  if (firstLabel < 0) throw new CliError('at least one label update is required');
  const targets = await parseResourceArgs(words.slice(0, firstLabel), (m) => new CliError(m), resourceResolver(client));
  if (targets.length === 0) throw new CliError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  const changes = parseLabelArgs(words.slice(firstLabel));
  const overwrite = opts.overwrite === true;
  for (const t of targets) {
    const namespace = t.info.namespaced ? namespaceOf(opts, client) : undefined;
    const path = resourcePath(t.info, namespace, t.name);
    const live = await client.request('GET', path) as { metadata?: { labels?: Record<string, string> } };
    const result = applyLabelChanges(live.metadata?.labels ?? {}, changes, overwrite);
    for (const k of result.notFound) ctx.io.stdout.write(`label ${JSON.stringify(k)} not found.\n`);
    if (Object.keys(result.patch).length > 0) {
      await client.request('PATCH', path, { body: { metadata: { labels: result.patch } }, contentType: 'application/merge-patch+json' });
    }
    ctx.io.stdout.write(`${typeName(t.info)}/${t.name} ${result.message}\n`);
  }
  return EXIT.ok;
}

export function registerLabel(program: Command, ctx: CommandContext): void {
  const cmd = program.command('label')
    .summary('add, change or remove labels of objects on the running palisade')
    .description('Update labels: `KEY=VALUE` sets, `KEY-` removes. Changing an existing value needs --overwrite.')
    .argument('<args...>', 'TYPE NAME... (or TYPE/NAME...) then KEY=VALUE... and KEY-...')
    .option('--overwrite', 'allow changing the value of a label that is already set');
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'Exit codes: 0 labeled, 1 a value exists without --overwrite, an error from the server, or palisade not',
      'running; 2 usage error.',
      '',
      'Examples:',
      '  palisade label pod client -n demo app=client',
      '  palisade label --overwrite pod/client -n demo app=other',
      '  palisade label ns demo team-',
    ].join('\n'))
    .action(async (words: string[], opts: LabelOptions) => runVerb(ctx, async () => runLabel(words, opts, await connect(opts, ctx.io), ctx)));
}
