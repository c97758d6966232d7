// `palisade delete (-f PATH... | TYPE NAME... | TYPE/NAME...)`: deletes objects of the
// running `palisade up` and prints `TYPE "NAME" deleted` per object, as kubectl does; a
// missing object is `Error from server (NotFound): ...` (exit 1) unless --ignore-not-found.
import type { Command } from 'commander';
import { formatProblem } from '../../api/problem.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { ApiError, formatApiError } from '../kube/api-error.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { readManifests } from '../kube/manifests.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { parseResourceArgs, resourcePath, resourceResolver, typeName } from '../kube/resources.ts';
import type { ResourceInfo } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, connect, namespaceOf, runVerb } from '../kube/verb-runner.ts';
import { placeManifest } from './apply.ts';

interface DeleteOptions extends ConnectionFlags {
  readonly filename?: string[];
  readonly namespace?: string;
  readonly ignoreNotFound?: boolean;
}

interface Target {
  readonly info: ResourceInfo;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly source?: string;
}

export async function runDelete(words: readonly string[], opts: DeleteOptions, client: KubeClient, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const targets: Target[] = [];
  let failed = false;
  if (opts.filename !== undefined) {
    if (words.length > 0) throw new CliError('use -f or TYPE NAME, not both');
    const { manifests, readProblems } = await readManifests(opts.filename, io, ctx.handlers({}));
    for (const p of readProblems) io.stderr.write(`${formatProblem(p)}\n`);
    failed = readProblems.some((p) => p.severity === 'error');
    const flagNamespace = opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
    for (const m of manifests) {
      const placed = await placeManifest(m, client, flagNamespace, ctx);
      if (placed === undefined) {
        for (const p of m.problems.filter((x) => x.severity === 'error')) io.stderr.write(`${formatProblem(p)}\n`);
        failed = true;
      } else {
        targets.push({ info: placed.info, name: placed.name, namespace: placed.namespace, source: m.doc.source });
      }
    }
  } else {
    const refs = await parseResourceArgs(words, (m) => new CliError(m), resourceResolver(client));
    if (refs.length === 0) throw new CliError(`resource(s) were provided, but no name was specified`);
    for (const r of refs) targets.push({ info: r.info, name: r.name, namespace: r.info.namespaced ? namespaceOf(opts, client) : undefined });
  }
  for (const t of targets) {
    try {
      await client.request('DELETE', resourcePath(t.info, t.namespace, t.name));
      io.stdout.write(`${typeName(t.info)} ${JSON.stringify(t.name)} deleted\n`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.httpStatus === 404 && opts.ignoreNotFound === true) continue;
      io.stderr.write(formatApiError(t.source === undefined ? e : e.withSource('deleting', t.source)));
      failed = true;
    }
  }
  return failed ? EXIT.no : EXIT.ok;
}

export function registerDelete(program: Command, ctx: CommandContext): void {
  const cmd = program.command('delete')
    .summary('delete objects of the running palisade, by name or from manifests')
    .description('Delete objects named on the command line (TYPE NAME... or TYPE/NAME...) or in manifests (-f).\n'
      + 'Deleting a namespace deletes its pods and policies.')
    .argument('[args...]', 'TYPE NAME... or TYPE/NAME...')
    .option('-f, --filename <path...>', 'manifest files or directories, or - for stdin; repeatable')
    .option('--ignore-not-found', 'treat a missing object as deleted');
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', '\nExit codes: 0 deleted, 1 some object was not found or could not be deleted, or palisade not running;\n2 usage error.')
    .action(async (words: string[], opts: DeleteOptions) => runVerb(ctx, async () => {
      if (opts.filename === undefined && words.length === 0) throw new CliError('you must provide one or more resources by argument or filename');
      return runDelete(words, opts, await connect(opts, ctx.io), ctx);
    }));
}
