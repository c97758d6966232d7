// `palisade diff`: which connections change between two sets of manifests (say, before
// and after a policy edit). Exit 0 no change, 1 changes, 2 usage or input error.
import type { Command } from 'commander';
import { Option } from 'commander';
import { compile } from '../../engine/compile.ts';
import { diffConnectivity } from '../../engine/diff.ts';
import { createProgress } from '../progress.ts';
import type { MatrixQuery } from '../../engine/matrix.ts';
import { PROTOCOLS } from '../../model/protocol.ts';
import type { Protocol } from '../../model/protocol.ts';
import type { CliIo } from '../cli-io.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { defaultDiffPorts, DEFAULT_PORT_CAP } from '../diff-ports.ts';
import { EXIT } from '../exit-codes.ts';
import { checkStdinOnce, loadValidInputs } from '../load-inputs.ts';
import { parsePortList, parseProtocol } from '../option-values.ts';
import { renderDiffJson, renderDiffText } from '../format/diff-text.ts';

interface DiffOptions extends DialectFlags {
  filename: string[];
  against: string[];
  port?: string;
  protocol?: string;
  output: 'table' | 'json';
}

export async function runDiff(opts: DiffOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  checkStdinOnce(opts.filename, opts.against);
  const protocol: Protocol | 'all' = opts.protocol === undefined ? 'TCP'
    : opts.protocol.toLowerCase() === 'all' ? 'all' : parseProtocol('--protocol', opts.protocol);
  const ports = opts.port === undefined ? undefined : parsePortList('--port', opts.port);

  const before = (await loadValidInputs(opts.filename, io, handlers, 'old input (-f)')).snapshot;
  const after = (await loadValidInputs(opts.against, io, handlers, 'new input (--against)')).snapshot;
  const compiledBefore = compile(before.cluster, before.policies);
  const compiledAfter = compile(after.cluster, after.policies);

  let queries: MatrixQuery[];
  if (ports !== undefined) {
    const protocols: readonly Protocol[] = protocol === 'all' ? PROTOCOLS : [protocol];
    queries = protocols.flatMap((pr) => ports.map((port) => ({ port, protocol: pr })));
  } else {
    // Without --port, --protocol defaults to every protocol the inputs use.
    const found = defaultDiffPorts([before, after], opts.protocol === undefined ? 'all' : protocol);
    if (found.found > found.queries.length) {
      io.stderr.write(`warning: checking ${found.queries.length} of ${found.found} port/protocol pairs found in the inputs; choose them with --port\n`);
    }
    queries = found.queries;
  }

  const progress = createProgress({ stream: io.stderr, label: `diff ${queries.length} port/protocol pairs` });
  const result = diffConnectivity(compiledBefore, compiledAfter, queries, (done, total) => progress.update(done, total));
  progress.finish();
  const view = { queries, ...result };
  io.stdout.write(opts.output === 'json' ? renderDiffJson(view) : renderDiffText(view));
  const changed = result.changes.length > 0 || result.podsOnlyBefore.length > 0 || result.podsOnlyAfter.length > 0;
  return changed ? EXIT.no : EXIT.ok;
}

export function registerDiff(program: Command, ctx: CommandContext): void {
  program.command('diff')
    .summary('show the connections that change between two sets of manifests')
    .description('Judge every pod-to-pod connection with the old manifests (-f) and the new ones (--against)\n'
      + 'and print each flow whose verdict changes, with the reason the new verdict gives, then the\n'
      + 'pods added and removed.')
    .addOption(filenameOption('old manifests: files, directories, or - for stdin; repeatable'))
    .addOption(new Option('--against <path...>', 'new manifests: files, directories, or - for stdin; repeatable').makeOptionMandatory())
    .option('--port <ports>', `ports to check, comma-separated numbers or container port names (default: every port the policies and pods of either side name, at most ${DEFAULT_PORT_CAP}; 80 if none)`)
    .option('--protocol <protocol>', 'TCP, UDP, SCTP or all (default: TCP with --port, else every protocol found)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'Output (table): one line per changed flow, sorted by protocol, port, source, destination:',
      '  x/a -> y/b TCP/80: allowed -> denied (ingress: <why, from the new verdict>)',
      'then "pod added: NS/POD" and "pod removed: NS/POD" lines, and a last line',
      '"N flows changed (checked TCP/80, ...)" or "no changes (checked ...)".',
      'Output (json): {"queries":[...],"changes":[{from,to,port,protocol,before,after,reason,beforeVerdict,afterVerdict}],',
      '  "podsAdded":[...],"podsRemoved":[...]}; a verdict is null where a named port does not resolve on that side.',
      'Flows are compared between the pods both sides have; pods of one side only are listed instead.',
      '',
      'Exit codes: 0 no change, 1 changes (like diff(1)), 2 usage or input error.',
      '',
      'Example:',
      '  palisade diff -f cluster.yaml -f old/ --against cluster.yaml --against new/ --port 80,443',
    ].join('\n'))
    .action(async (opts: DiffOptions) => { ctx.exitCode = await runDiff(opts, ctx.io, inputHandlers(ctx, opts)); });
}
