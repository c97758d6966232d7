// `palisade get TYPE [NAME...] [-o wide|json|yaml|name] [-n NS | -A] [-l SELECTOR]`:
// lists or fetches objects of the running `palisade up` and prints them as kubectl does.
// Tables come from the server (Accept ...;as=Table); a server without Tables gets the
// same table built here with the server's printers.
import type { Command } from 'commander';
import { Option } from 'commander';
import { toTable } from '../../server/table.ts';
import type { ResourceType } from '../../store/resource-registry.ts';
import type { StoredObject } from '../../store/store-object.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { asOutputObject, renderJson, renderNames, renderYaml } from '../format/object-output.ts';
import { mergeTables, renderResourceTable } from '../format/resource-table.ts';
import type { WireTable } from '../format/resource-table.ts';
import type { KubeClient, Query } from '../kube/kube-client.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { resourcePath, resourceResolver, typeName } from '../kube/resources.ts';
import type { ResourceInfo } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, connect, namespaceOf, runVerb } from '../kube/verb-runner.ts';

const GET_FORMATS = ['wide', 'json', 'yaml', 'name'] as const;
type GetFormat = (typeof GET_FORMATS)[number];

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface GetOptions extends ConnectionFlags {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly output?: GetFormat;
  readonly selector?: string;
  readonly fieldSelector?: string;
  // commander's --no-headers sets headers=false
  readonly headers?: boolean;
}

function isTable(v: unknown): v is WireTable {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Table'
    && Array.isArray((v as { rows?: unknown }).rows) && Array.isArray((v as { columnDefinitions?: unknown }).columnDefinitions);
}

function items(list: unknown): unknown[] {
  const i = (list as { items?: unknown } | undefined)?.items;
  return Array.isArray(i) ? i : [];
}

/** A Table for objects the server sent as JSON, with the server's own printers. */
function localTable(info: ResourceInfo, objects: readonly unknown[]): WireTable {
  const type: ResourceType = { ...info, statusSubresource: false };
  return toTable(type, objects as StoredObject[], Date.now(), { includeObject: 'Metadata' });
}

async function fetchTable(client: KubeClient, path: string, query: Query, info: ResourceInfo, single: boolean): Promise<WireTable> {
  const answer = await client.request('GET', path, { query: { ...query, includeObject: 'Metadata' }, accept: TABLE_ACCEPT });
  if (isTable(answer)) return answer;
  return localTable(info, single ? [answer] : items(answer));
}

export async function runGet(typeWord: string, names: readonly string[], opts: GetOptions, client: KubeClient, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const info = await resourceResolver(client)(typeWord);
  if (info === undefined) throw new CliError(`the server doesn't have a resource type "${typeWord}"`);
  if (opts.allNamespaces === true && names.length > 0) throw new CliError('a resource cannot be retrieved by name across all namespaces');
  const all = opts.allNamespaces === true && info.namespaced;
  const namespace = info.namespaced && !all ? namespaceOf(opts, client) : undefined;
  const query: Query = { labelSelector: opts.selector, fieldSelector: opts.fieldSelector };
  const format = opts.output;

  if (format === 'json' || format === 'yaml' || format === 'name') {
    const objects: unknown[] = [];
    if (names.length > 0) {
      for (const n of names) objects.push(await client.request('GET', resourcePath(info, namespace, n)));
    } else {
      objects.push(...items(await client.request('GET', resourcePath(info, namespace), { query })));
    }
    if (format === 'name') {
      io.stdout.write(renderNames(typeName(info), objects.map((o) => String((o as { metadata?: { name?: unknown } }).metadata?.name ?? ''))));
    } else {
      const value = asOutputObject(objects, names.length === 1);
      io.stdout.write(format === 'json' ? renderJson(value) : renderYaml(value));
    }
    if (objects.length === 0 && names.length === 0) noneFound(ctx, namespace, format === 'name');
    return EXIT.ok;
  }

  const tables: WireTable[] = [];
  if (names.length > 0) {
    for (const n of names) tables.push(await fetchTable(client, resourcePath(info, namespace, n), {}, info, true));
  } else {
    tables.push(await fetchTable(client, resourcePath(info, namespace), query, info, false));
  }
  const table = mergeTables(tables);
  if (table === undefined || table.rows.length === 0) {
    noneFound(ctx, namespace, true);
    return EXIT.ok;
  }
  io.stdout.write(renderResourceTable(table, { wide: format === 'wide', withNamespace: all, noHeaders: opts.headers === false }));
  return EXIT.ok;
}

function noneFound(ctx: CommandContext, namespace: string | undefined, say: boolean): void {
  if (!say) return;
  ctx.io.stderr.write(namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
}

export function registerGet(program: Command, ctx: CommandContext): void {
  const cmd = program.command('get')
    .summary('list objects of the running palisade (pods, namespaces, networkpolicies, nodes, services)')
    .description('Print objects of the embedded API server as kubectl does. TYPE is pods (po), namespaces (ns),\n'
      + 'networkpolicies (netpol), nodes (no) or services (svc); TYPE/NAME works too.')
    .argument('<type>', 'resource type, or TYPE/NAME')
    .argument('[names...]', 'object names (default: all)')
    .addOption(new Option('-o, --output <format>', 'wide, json, yaml or name (default: a table)').choices(GET_FORMATS))
    .option('-A, --all-namespaces', 'list across all namespaces (adds a NAMESPACE column)')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
    .option('--field-selector <selector>', 'field selector, e.g. spec.nodeName=node-1')
    .option('--no-headers', 'leave out the header line of tables');
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'With nothing to show, prints "No resources found in NS namespace." on stderr and exits 0.',
      'Exit codes: 0 printed, 1 error from the server (e.g. NotFound) or palisade not running, 2 usage error.',
    ].join('\n'))
    .action(async (typeWord: string, names: string[], opts: GetOptions) => runVerb(ctx, async () => {
      let type = typeWord;
      let wanted = names;
      if (typeWord.includes('/')) {
        const slash = typeWord.indexOf('/');
        type = typeWord.slice(0, slash);
        wanted = [typeWord.slice(slash + 1), ...names.map((n) => {
          if (!n.startsWith(`${type}/`)) throw new CliError('mixing TYPE/NAME with other types is not supported; run get once per type');
          return n.slice(type.length + 1);
        })];
      }
      const client = await connect(opts, ctx.io);
      return runGet(type, wanted, opts, client, ctx);
    }));
}
