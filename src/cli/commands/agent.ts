// `palisade agent [--node NAME] [--kubeconfig PATH] [--cilium-policy-cidr-match-mode MODES]`
// and `palisade agent cleanup`: the node agent of a real cluster (what the DaemonSet runs;
// see deploy/ and docs/deploy.md). It runs in its own process, src/main/agent-main.ts,
// where the concrete parts are wired (the CLI layer may not import main/), with stdio
// passed through and SIGTERM/SIGINT forwarded, so the container's stop signal reaches the
// agent and its exit code is ours.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { CILIUM_CIDR_MATCH_MODE_FLAG, ciliumCidrMatchModeOption } from '../command-context.ts';
import { waitForwardingSignals } from '../child-process.ts';
import { EXIT } from '../exit-codes.ts';
import { parseCiliumCidrMatchMode } from '../option-values.ts';

/** The agent's environment variable for policy-cidr-match-mode (the flag wins over it). */
export const CIDR_MATCH_MODE_ENV = 'PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE';

interface AgentOptions extends DialectFlags {
  readonly node?: string;
  readonly kubeconfig?: string;
}

/** The agent process' arguments; a bad flag value is a usage error here, before it starts. */
export function agentArgs(opts: AgentOptions): string[] {
  const args = [...(opts.node === undefined ? [] : ['--node', opts.node]), ...(opts.kubeconfig === undefined ? [] : ['--kubeconfig', opts.kubeconfig])];
  if (opts.ciliumPolicyCidrMatchMode !== undefined) {
    // Passed even when empty: an explicit "" overrides the environment with Cilium's default.
    args.push(`${CILIUM_CIDR_MATCH_MODE_FLAG}=${parseCiliumCidrMatchMode(CILIUM_CIDR_MATCH_MODE_FLAG, opts.ciliumPolicyCidrMatchMode).join(',')}`);
  }
  return args;
}

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
      `Cilium policies are read as the cluster's Cilium agents read them: give ${CILIUM_CIDR_MATCH_MODE_FLAG}`,
      `(or $${CIDR_MATCH_MODE_ENV}) the value of the cilium-config key policy-cidr-match-mode.`,
    ].join('\n'))
    .option('--node <name>', 'this node\'s name (default $NODE_NAME)')
    .option('--kubeconfig <path>', 'kubeconfig to use instead of the in-cluster service account')
    .addOption(ciliumCidrMatchModeOption())
    .action(async (opts: AgentOptions) => {
      await runAgent(ctx, agentArgs(opts));
    });
  agent.command('cleanup')
    .summary('remove the agent\'s nftables table from this network namespace (uninstall)')
    .action(async () => {
      await runAgent(ctx, ['cleanup']);
    });
}
