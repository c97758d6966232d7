// `palisade matrix`: the pod-to-pod truth table for one port and protocol, in the
// Kubernetes e2e layout or as JSON, CSV, Markdown or Graphviz.
import type { Command } from 'commander';
import { Option } from 'commander';
import { compile } from '../../engine/compile.ts';
import { computeMatrix } from '../../engine/matrix.ts';
import type { CliIo } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { loadValidInputs } from '../load-inputs.ts';
import { parseNamespaces, parsePortList, parseProtocol } from '../option-values.ts';
import { createProgress } from '../progress.ts';
import { MATRIX_FORMATS, renderTruthTable, sortedTable } from '../format/truth-table.ts';
import type { MatrixFormat } from '../format/truth-table.ts';

interface MatrixOptions extends DialectFlags {
  filename: string[];
  port: string;
  protocol: string;
  namespace?: string;
  output: MatrixFormat;
}

export async function runMatrix(opts: MatrixOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  const ports = parsePortList('--port', opts.port);
  const port = ports[0];
  if (port === undefined || ports.length > 1) {
    throw new CliError(`--port ${opts.port}: matrix takes one port at a time; run it once per port`);
  }
  const protocol = parseProtocol('--protocol', opts.protocol);
  const namespaces = opts.namespace === undefined ? undefined : parseNamespaces('--namespace', opts.namespace);
  const { snapshot } = await loadValidInputs(opts.filename, io, handlers);
  const compiled = compile(snapshot.cluster, snapshot.policies);

  let pods: string[] | undefined;
  if (namespaces !== undefined) {
    const wanted = new Set(namespaces);
    pods = snapshot.cluster.pods.filter((p) => wanted.has(p.namespace)).map((p) => p.key).sort();
    for (const ns of namespaces) {
      if (!snapshot.cluster.pods.some((p) => p.namespace === ns)) io.stderr.write(`warning: namespace ${ns} has no pods in the input\n`);
    }
  }

  const progress = createProgress({ stream: io.stderr, label: `matrix ${protocol}/${port}` });
  const matrix = computeMatrix(compiled, pods === undefined ? { port, protocol } : { port, protocol, pods }, (done, total) => progress.update(done, total));
  progress.finish();
  io.stdout.write(renderTruthTable(sortedTable(matrix), opts.output));
  return EXIT.ok;
}

export function registerMatrix(program: Command, ctx: CommandContext): void {
  program.command('matrix')
    .summary('print the pod-to-pod connectivity truth table for a port')
    .description('Judge every pod-to-pod connection on one port and protocol and print the truth table.\n'
      + 'Rows are sources, columns destinations; pods are sorted by NAMESPACE/NAME.')
    .addOption(filenameOption())
    .option('--port <port>', 'destination port: a number, or a container port name (resolved per destination pod); one port only', '80')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP (any case)', 'TCP')
    .option('-n, --namespace <names>', 'only pods of these namespaces (comma-separated)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(MATRIX_FORMATS).default('table'))
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'Output formats:',
      '  table  Kubernetes e2e truth table: header "-" and the pods, then one row per source;',
      '         "." allowed, "X" denied; tab-separated',
      '  json   one line: {"port":80,"protocol":"TCP","pods":[...],"allowed":{"FROM":{"TO":true|false}}}',
      '         (port is a number, or the port name as given)',
      '  csv    RFC 4180, CRLF line ends: header "from\\to" and the pods; cells 1 allowed, 0 denied',
      '  md     Markdown table, rows from, columns to; ✓ allowed, ✗ denied',
      '  dot    Graphviz digraph: a box per pod grouped by namespace, an edge per allowed pair',
      '         (a pod\'s connection to itself is left out)',
      '',
      'Exit codes: 0 printed, 2 usage or input error. Progress goes to stderr when it is a terminal.',
      '',
      'Examples:',
      '  palisade matrix -f cluster.yaml -f policies/',
      '  palisade matrix -f cluster.yaml -f policies/ --port 53 --protocol udp -n x,y -o csv',
    ].join('\n'))
    .action(async (opts: MatrixOptions) => { ctx.exitCode = await runMatrix(opts, ctx.io, inputHandlers(ctx, opts)); });
}
