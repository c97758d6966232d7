// `palisade convert`: rewrites the policies of the inputs into another policy model and
// proves it on the snapshot: the output is re-read through buildSnapshot (so it is valid
// by construction), both sides are compiled, and every pod pair is compared on every
// port/protocol the inputs mention. Exit 0 equivalent, 1 flows differ, 2 input error,
// 3 when the converter produced something Palisade itself rejects (a bug).
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'yaml';
import { convertPolicies } from '../../api/convert/convert.ts';
import { formatNote } from '../../api/convert/convert-support.ts';
import type { ConversionTarget, Manifest } from '../../api/convert/limitations.ts';
import { CONVERSION_TARGETS } from '../../api/convert/limitations.ts';
import { formatProblem } from '../../api/problem.ts';
import { readInputs } from '../../api/read-inputs.ts';
import { buildSnapshot } from '../../api/snapshot.ts';
import type { SourceDocument } from '../../api/source-document.ts';
import { compile } from '../../engine/compile.ts';
import { diffConnectivity } from '../../engine/diff.ts';
import { STANDARD_TIERS } from '../../model/tier.ts';
import type { CliIo } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CliWiring, CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, dialectOptions, filenameOption } from '../command-context.ts';
import { defaultDiffPorts } from '../diff-ports.ts';
import { EXIT } from '../exit-codes.ts';
import { checkStdinOnce, printProblems } from '../load-inputs.ts';

interface ConvertOptions extends DialectFlags {
  filename: string[];
  to: ConversionTarget;
  output: 'yaml' | 'json';
}

export const CONVERTED_SOURCE = '<converted>';

/** Whether a document holds policies or tiers (it is replaced by the conversion). */
function isPolicyDocument(doc: SourceDocument, handlers: HandlerTable): boolean {
  const s = buildSnapshot([doc], handlers);
  return s.policies.policies.length > 0 || s.policies.tiers.length > STANDARD_TIERS.length;
}

function render(objects: readonly Manifest[], format: 'yaml' | 'json', header: readonly string[]): string {
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  const head = header.map((l) => `# ${l}\n`).join('');
  return head + objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

export async function runConvert(opts: ConvertOptions, io: CliIo, wiring: CliWiring): Promise<number> {
  // The inputs, the output and the target engine share the settings of the flags.
  const dialect = dialectOptions(opts);
  const handlers = wiring.handlers(dialect);
  checkStdinOnce(opts.filename);
  const read = await readInputs(opts.filename, io.stdin);
  const before = buildSnapshot(read.documents, handlers);
  const problems = [...read.problems, ...before.problems, ...before.warnings];
  printProblems(io, problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) throw new CliError(`${errors} ${errors === 1 ? 'problem' : 'problems'} in the input; nothing converted`, EXIT.usage);

  const converted = convertPolicies(before.policies, before.cluster, opts.to, dialect);
  const kept = read.documents.filter((d) => !isPolicyDocument(d, handlers));
  const produced: SourceDocument[] = converted.objects.map((object, index) => ({ source: CONVERTED_SOURCE, index, object }));
  const after = buildSnapshot([...kept, ...produced], handlers);
  if (after.problems.length > 0) {
    const detail = after.problems.map(formatProblem).join('\n');
    io.stderr.write(`internal error: the converted output does not validate; this is a bug in palisade, please report it\n${detail}\n`);
    return EXIT.internal;
  }

  const found = defaultDiffPorts([before, after], 'all', Number.MAX_SAFE_INTEGER);
  const diff = diffConnectivity(compile(before.cluster, before.policies), compile(after.cluster, after.policies), found.queries);
  const pods = before.cluster.pods.length;
  const pairs = found.queries.length;
  const summary = diff.changes.length === 0
    ? `equivalent on this snapshot (${pods} pods, ${pairs} port/protocol pairs)`
    : `${diff.changes.length} ${diff.changes.length === 1 ? 'flow differs' : 'flows differ'} on this snapshot (${pods} pods, ${pairs} port/protocol pairs)`;

  const noteLines = converted.notes.map(formatNote);
  const header = [`converted to ${opts.to} by palisade convert: ${summary}`, ...noteLines];
  io.stdout.write(render(converted.objects, opts.output, header));
  for (const l of noteLines) io.stderr.write(`${l}\n`);
  for (const c of diff.changes) {
    io.stderr.write(`differs: ${c.src} -> ${c.dst} ${c.protocol}/${c.port}: ${c.before ? 'allowed' : 'denied'} -> ${c.after ? 'allowed' : 'denied'}\n`);
  }
  io.stderr.write(`${summary}\n`);
  return diff.changes.length === 0 ? EXIT.ok : EXIT.no;
}

export function registerConvert(program: Command, ctx: CommandContext): void {
  program.command('convert')
    .summary('rewrite policies into another policy model, and prove the meaning is kept')
    .description('Convert the policies of the inputs to Kubernetes NetworkPolicy (k8s), Calico (calico),\n'
      + 'Cilium (cilium) or ClusterNetworkPolicy (cnp), then check on the snapshot of the inputs that\n'
      + 'every pod-to-pod connection on every port/protocol they mention gets the same verdict.')
    .addOption(filenameOption('manifests: files, directories, or - for stdin; repeatable'))
    .addOption(new Option('--to <model>', 'target policy model').choices([...CONVERSION_TARGETS]).makeOptionMandatory())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'stdout: the converted policies (YAML documents, or a JSON List), each note about what could not',
      'be carried over also kept in the object\'s palisade.dev/conversion-notes annotation.',
      'stderr: one line per note ("not converted: ..." / "approximation: ..."), one "differs:" line per',
      'flow whose verdict changes, and a last line "equivalent on this snapshot (N pods, M port/protocol',
      'pairs)" or "K flows differ on this snapshot (...)".',
      '',
      'Exit codes: 0 equivalent, 1 flows differ, 2 usage or input error, 3 internal error.',
      '',
      'Example:',
      '  palisade convert -f cluster.yaml -f policies/ --to cilium > cilium-policies.yaml',
    ].join('\n'))
    .action(async (opts: ConvertOptions) => { ctx.exitCode = await runConvert(opts, ctx.io, ctx); });
}
