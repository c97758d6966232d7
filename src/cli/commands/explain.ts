// `palisade explain`: every policy in plain words, then what the analyzer finds doubtful
// (shadowed rules, selectors matching nothing, ...). Exit 0, or 1 if the input is invalid.
import type { Command } from 'commander';
import { Option } from 'commander';
import { analyze } from '../../engine/analyze.ts';
import { compile } from '../../engine/compile.ts';
import { describePolicy } from '../../engine/describe.ts';
import type { Policy } from '../../model/policy.ts';
import type { CliIo } from '../cli-io.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { loadInputs, printProblems } from '../load-inputs.ts';
import { renderExplain } from '../format/explain-text.ts';

interface ExplainOptions extends DialectFlags {
  filename: string[];
  output: 'text' | 'json';
}

export async function runExplain(opts: ExplainOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  const loaded = await loadInputs(opts.filename, io, handlers);
  printProblems(io, [...loaded.errors, ...loaded.warnings]);
  if (loaded.errors.length > 0) {
    const n = loaded.errors.length;
    io.stderr.write(`error: ${n} ${n === 1 ? 'problem' : 'problems'} in the input; nothing explained\n`);
    return EXIT.no;
  }
  const { cluster, policies } = loaded.snapshot;
  const compiled = compile(cluster, policies);
  const tierOrder = new Map(policies.tiers.map((t) => [t.name, t.order]));
  const rank = (p: Policy): number => tierOrder.get(p.tier) ?? Number.MAX_SAFE_INTEGER;
  const ordered = [...policies.policies].sort((a, b) => rank(a) - rank(b) || a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const descriptions = ordered.map((policy) => ({ policy, lines: describePolicy(policy) }));
  const findings = analyze(compiled);
  if (opts.output === 'json') {
    io.stdout.write(`${JSON.stringify({
      policies: descriptions.map((d) => ({ id: d.policy.id, ref: d.policy.ref, tier: d.policy.tier, order: d.policy.order, staged: d.policy.staged, description: d.lines })),
      findings,
    }, null, 2)}\n`);
  } else {
    io.stdout.write(renderExplain(descriptions, findings));
  }
  return EXIT.ok;
}

export function registerExplain(program: Command, ctx: CommandContext): void {
  program.command('explain')
    .summary('describe each policy in plain words and flag doubtful ones')
    .description('Describe every policy of the input in plain words, in evaluation order (tier, order, id),\n'
      + 'then list the findings of the analyzer: each with its severity, policy, field path and a code.')
    .addOption(filenameOption())
    .addOption(new Option('-o, --output <format>', 'text, or json: {"policies":[{id,ref,tier,order,staged,description}],"findings":[...]}').choices(['text', 'json']).default('text'))
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'Findings do not change the exit code. Exit codes: 0 explained, 1 invalid input, 2 usage error.',
      '',
      'Example:',
      '  palisade explain -f examples/demo',
    ].join('\n'))
    .action(async (opts: ExplainOptions) => { ctx.exitCode = await runExplain(opts, ctx.io, inputHandlers(ctx, opts)); });
}
