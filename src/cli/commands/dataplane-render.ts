// `palisade dataplane render`: the nftables ruleset the node agent would apply for a
// snapshot, one full-load transaction per node, printed without touching the kernel.
import type { Command } from 'commander';
import { compile } from '../../engine/compile.ts';
import { plan } from '../../dataplane/plan.ts';
import { renderRuleset } from '../../dataplane/render.ts';
import type { CliIo } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { loadValidInputs } from '../load-inputs.ts';

interface RenderOptions extends DialectFlags {
  filename: string[];
  node?: string;
}

/** Name of the one node that holds every pod when the snapshot has no nodes. */
export const DEFAULT_NODE = 'default';

export async function runDataplaneRender(opts: RenderOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  const { snapshot } = await loadValidInputs(opts.filename, io, handlers);
  const compiled = compile(snapshot.cluster, snapshot.policies);
  const nodes = snapshot.cluster.nodes.map((n) => n.name);
  if (nodes.length === 0) {
    io.stdout.write(renderRuleset(plan(compiled, { node: opts.node ?? DEFAULT_NODE, localPods: 'all' })));
    return EXIT.ok;
  }
  if (opts.node !== undefined && !nodes.includes(opts.node)) {
    throw new CliError(`--node ${opts.node}: no such node in the input (nodes: ${nodes.join(', ')})`);
  }
  const unplaced = snapshot.cluster.pods.filter((p) => !p.hostNetwork && (p.node === undefined || !nodes.includes(p.node)));
  if (unplaced.length > 0) {
    const names = unplaced.slice(0, 3).map((p) => p.key).join(', ');
    io.stderr.write(`warning: ${unplaced.length} pod(s) not on any node of the input (${names}${unplaced.length > 3 ? ', ...' : ''}): no table checks their side\n`);
  }
  const chosen = opts.node === undefined ? [...nodes].sort() : [opts.node];
  io.stdout.write(chosen.map((n) => renderRuleset(plan(compiled, { node: n }))).join('\n'));
  return EXIT.ok;
}

export function registerDataplane(program: Command, ctx: CommandContext): void {
  const dataplane = program.command('dataplane')
    .summary('show what the nftables dataplane would enforce')
    .description('Inspect the nftables dataplane without touching the kernel.');
  dataplane.command('render')
    .summary('print the nftables ruleset of each node')
    .description('Print the `nft -f` transaction the node agent would apply for the snapshot: one\n'
      + 'atomic replace of table inet palisade per node, with the decisions of the engine.')
    .addOption(filenameOption())
    .option('--node <name>', 'only this node; without nodes in the input, the name of the one node holding every pod')
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'Without --node, every node of the input in name order; an input without nodes gets one',
      `node "${DEFAULT_NODE}" holding every pod. Exit codes: 0 printed, 2 usage or input error.`,
      '',
      'Examples:',
      '  palisade dataplane render -f cluster.yaml -f policies/',
      '  palisade dataplane render -f cluster.yaml -f policies/ --node worker-1 | sudo ip netns exec NS nft -c -f -',
    ].join('\n'))
    .action(async (opts: RenderOptions) => { ctx.exitCode = await runDataplaneRender(opts, ctx.io, inputHandlers(ctx, opts)); });
}
