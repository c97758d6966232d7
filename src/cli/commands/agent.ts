// `palisade agent [--node NAME] [--kubeconfig PATH]` and `palisade agent cleanup`: the node
// agent of a real cluster (what the DaemonSet runs; see deploy/ and docs/deploy.md). It
// runs in its own process, src/main/agent-main.ts, where the concrete parts are wired (the
// CLI layer may not import main/), with stdio passed through and SIGTERM/SIGINT forwarded,
// so the container's stop signal reaches the agent and its exit code is ours.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { waitForwardingSignals } from '../child-process.ts';
import { EXIT } from '../exit-codes.ts';

/** The process entry of the agent (a path, not an import: cli may not import main/). */
export const AGENT_ENTRY = fileURLToPath(new URL('../../main/agent-main.ts', import.meta.url));

async function runAgent(ctx: CommandContext, args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [AGENT_ENTRY, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: ctx.io.env });
  const code = await waitForwardingSignals(child);
  ctx.exitCode = code === 0 ? EXIT.ok : EXIT.no;
}

export function registerAgent(program: Command, ctx: CommandContext): void {
  const agent = program.command('agent')
    .summary('run the node agent against a Kubernetes API server (the DaemonSet of a real cluster)')
    .description([
      'Follow a Kubernetes API server (in-cluster service account, or --kubeconfig) and enforce its network',
      'policies for this node (--node, else $NODE_NAME) in the nftables table "inet palisade" of the current',
      'network namespace: run it with hostNetwork, as deploy/ does. Health and metrics on',
      '127.0.0.1:$PALISADE_HEALTH_PORT (default 9750). On SIGTERM the table stays in place and keeps',
      'enforcing, unless $PALISADE_CLEANUP_ON_EXIT=true; "palisade agent cleanup" removes it.',
    ].join('\n'))
    .option('--node <name>', 'this node\'s name (default $NODE_NAME)')
    .option('--kubeconfig <path>', 'kubeconfig to use instead of the in-cluster service account')
    .action(async (opts: { node?: string; kubeconfig?: string }) => {
      await runAgent(ctx, [...(opts.node === undefined ? [] : ['--node', opts.node]), ...(opts.kubeconfig === undefined ? [] : ['--kubeconfig', opts.kubeconfig])]);
    });
  agent.command('cleanup')
    .summary('remove the agent\'s nftables table from this network namespace (uninstall)')
    .action(async () => {
      await runAgent(ctx, ['cleanup']);
    });
}
