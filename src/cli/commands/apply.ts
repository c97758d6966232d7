// `palisade apply -f PATH...`: creates or updates every object of the manifests on the
// running `palisade up`, as kubectl's client-side apply does (last-applied annotation,
// three-way merge patch): `TYPE/NAME created|configured|unchanged`. An object the server
// rejects gets the server's message (`The NetworkPolicy "p" is invalid: FIELD: ...`)
// followed by Palisade's own findings with file and line; the others are still applied.
import type { Command } from 'commander';
import { formatProblem } from '../../api/problem.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { filenameOption } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { ApiError, formatApiError } from '../kube/api-error.ts';
import { applyPatch, withLastApplied } from '../kube/apply-patch.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { readManifests } from '../kube/manifests.ts';
import type { Manifest } from '../kube/manifests.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { resolveKind, resourcePath, typeName } from '../kube/resources.ts';
import type { ResourceInfo } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, connect, runVerb } from '../kube/verb-runner.ts';

interface ApplyOptions extends ConnectionFlags {
  readonly filename: string[];
  readonly namespace?: string;
}

export interface Placed {
  readonly info: ResourceInfo;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly object: Record<string, unknown>;
}

/**
 * Finds a manifest's resource and namespace (the object's, else -n, else the context's);
 * prints kubectl's error and returns undefined when it cannot.
 */
export async function placeManifest(m: Manifest, client: KubeClient, flagNamespace: string | undefined, ctx: CommandContext): Promise<Placed | undefined> {
  const o = m.object;
  if (o === undefined) return undefined;
  const apiVersion = String(o['apiVersion']);
  const kind = String(o['kind']);
  const meta = { ...(o['metadata'] as Record<string, unknown>) };
  const name = String(meta['name']);
  const info = await resolveKind(client, apiVersion, kind);
  if (info === undefined) {
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    ctx.io.stderr.write(`error: resource mapping not found for name: ${JSON.stringify(name)} namespace: ${JSON.stringify(ns)} from ${JSON.stringify(m.doc.source)}: no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}\n`);
    return undefined;
  }
  let namespace: string | undefined;
  if (info.namespaced) {
    const own = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : undefined;
    if (own !== undefined && flagNamespace !== undefined && own !== flagNamespace) {
      ctx.io.stderr.write(`error: the namespace from the provided object ${JSON.stringify(own)} does not match the namespace ${JSON.stringify(flagNamespace)}. You must pass '--namespace=${own}' to perform this operation.\n`);
      return undefined;
    }
    namespace = own ?? flagNamespace ?? client.defaultNamespace;
    meta['namespace'] = namespace;
  }
  return { info, name, namespace, object: { ...o, metadata: meta } };
}

async function applyOne(p: Placed, client: KubeClient): Promise<'created' | 'configured' | 'unchanged'> {
  let live: Record<string, unknown> | undefined;
  try {
    live = await client.request('GET', resourcePath(p.info, p.namespace, p.name)) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof ApiError && e.httpStatus === 404)) throw e;
  }
  if (live === undefined) {
    await client.request('POST', resourcePath(p.info, p.namespace), { body: withLastApplied(p.object), query: { fieldManager: 'palisade-client-side-apply' } });
    return 'created';
  }
  const patch = applyPatch(p.object, live);
  if (Object.keys(patch).length === 0) return 'unchanged';
  await client.request('PATCH', resourcePath(p.info, p.namespace, p.name), {
    body: patch, contentType: 'application/merge-patch+json', query: { fieldManager: 'palisade-client-side-apply' },
  });
  return 'configured';
}

export async function runApply(opts: ApplyOptions, client: KubeClient, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { manifests, readProblems } = await readManifests(opts.filename, io, ctx.handlers({}));
  let failed = readProblems.some((p) => p.severity === 'error');
  for (const p of readProblems) io.stderr.write(`${formatProblem(p)}\n`);
  if (manifests.length === 0 && !failed) throw new CliError('no objects passed to apply');
  const flagNamespace = opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
  for (const m of manifests) {
    const errors = m.problems.filter((p) => p.severity === 'error');
    for (const w of m.problems.filter((p) => p.severity === 'warning')) io.stderr.write(`${formatProblem(w)}\n`);
    const placed = await placeManifest(m, client, flagNamespace, ctx);
    if (placed === undefined) {
      for (const p of errors) io.stderr.write(`${formatProblem(p)}\n`);
      failed = true;
      continue;
    }
    try {
      const outcome = await applyOne(placed, client);
      io.stdout.write(`${typeName(placed.info)}/${placed.name} ${outcome}\n`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      io.stderr.write(formatApiError(e.withSource('applying', m.doc.source)));
      for (const p of errors) io.stderr.write(`${formatProblem(p)}\n`);
      failed = true;
    }
  }
  return failed ? EXIT.no : EXIT.ok;
}

export function registerApply(program: Command, ctx: CommandContext): void {
  const cmd = program.command('apply')
    .summary('create or update objects from manifests on the running palisade')
    .description('Create each object of the manifests, or update it to match (kubectl client-side apply:\n'
      + 'the last-applied-configuration annotation and a three-way merge patch). Prints\n'
      + '`TYPE/NAME created|configured|unchanged` per object.')
    .addOption(filenameOption('manifest files or directories, or - for stdin; repeatable'));
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'An object the server rejects is reported as kubectl does (`The NetworkPolicy "p" is invalid: ...`),',
      'followed by FILE:LINE lines for the same mistakes; the other objects are still applied.',
      'Exit codes: 0 all applied, 1 some object failed or palisade not running, 2 usage error.',
    ].join('\n'))
    .action(async (opts: ApplyOptions) => runVerb(ctx, async () => runApply(opts, await connect(opts, ctx.io), ctx)));
}
