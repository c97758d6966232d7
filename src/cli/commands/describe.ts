// `palisade describe TYPE NAME... [-n NS]`: kubectl's describe text for pods, network
// policies, namespaces and nodes of the running `palisade up`. A NetworkPolicy is also
// read by Palisade's engine and explained in plain words under `Palisade:`.
import type { Command } from 'commander';
import type { DialectOptions, HandlerTable } from '../../api/handlers.ts';
import { readPolicyCidrMatchMode } from '../../api/cilium/agent-flags.ts';
import { buildSnapshot } from '../../api/snapshot.ts';
import { describePolicy } from '../../engine/describe.ts';
import { CliError } from '../cli-error.ts';
import { ciliumCidrMatchModeOption, ciliumDialect, dialectOptions } from '../command-context.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { describeGeneric, describeNamespace, describeNetworkPolicy, describeNode, describePod } from '../format/describe-text.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { palisadeHome } from '../kube/palisade-home.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { parseResourceArgs, resourcePath, resourceResolver } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, connect, namespaceOf, runVerb } from '../kube/verb-runner.ts';
import { readRuntime } from './up-runtime.ts';

interface DescribeOptions extends ConnectionFlags, DialectFlags {
  readonly namespace?: string;
}

/**
 * The engine settings to explain policies with: the flag's, else those of the running
 * `palisade up` this command talks to (its runtime.json), so describe reads a Cilium CIDR
 * rule as that cluster's agents enforce it. With `--kubeconfig` the server may be any
 * cluster: the defaults then.
 */
export function describeSettings(opts: DescribeOptions, env: NodeJS.ProcessEnv): DialectOptions {
  if (opts.ciliumPolicyCidrMatchMode !== undefined) return dialectOptions(opts);
  if (opts.kubeconfig !== undefined && opts.kubeconfig !== '') return {};
  // `up` wrote the list after checking it; a file edited by hand into nonsense means defaults.
  const read = readPolicyCidrMatchMode(readRuntime(palisadeHome(opts, env))?.ciliumPolicyCidrMatchMode ?? []);
  return read.ok ? ciliumDialect(read.modes) : {};
}

/** The engine's plain-words description of a policy object (empty when it cannot read it). */
export function explainPolicyObject(object: unknown, handlers: HandlerTable): string[] {
  const snapshot = buildSnapshot([{ source: 'server', index: 0, object }], handlers);
  return snapshot.policies.policies.flatMap((p) => describePolicy(p));
}

export async function runDescribe(words: readonly string[], opts: DescribeOptions, client: KubeClient, ctx: CommandContext, settings: DialectOptions): Promise<number> {
  const handlers = ctx.handlers(settings);
  const refs = await parseResourceArgs(words, (m) => new CliError(m), resourceResolver(client));
  if (refs.length === 0) throw new CliError('you must specify the name of the resource to describe');
  const texts: string[] = [];
  for (const r of refs) {
    const core = r.info.group === '';
    const render = core && r.info.kind === 'Pod' ? describePod
      : core && r.info.kind === 'Namespace' ? describeNamespace
        : core && r.info.kind === 'Node' ? describeNode
          : r.info.group === 'networking.k8s.io' && r.info.kind === 'NetworkPolicy' ? (o: unknown): string => describeNetworkPolicy(o, explainPolicyObject(o, handlers))
            // Every other kind (Calico, Cilium, admin policies...): kubectl's generic describer, and what the engine reads in it.
            : (o: unknown): string => describeGeneric(o, explainPolicyObject(o, handlers));
    const object = await client.request('GET', resourcePath(r.info, r.info.namespaced ? namespaceOf(opts, client) : undefined, r.name));
    texts.push(render(object));
  }
  // kubectl separates several descriptions by an empty line.
  ctx.io.stdout.write(texts.join('\n\n'));
  return EXIT.ok;
}

export function registerDescribe(program: Command, ctx: CommandContext): void {
  const cmd = program.command('describe')
    .summary('show details of a pod, network policy (any dialect), namespace or node of the running palisade')
    .description('Print kubectl\'s description of objects of the embedded API server (kubectl\'s generic one for\n'
      + 'Calico, Cilium and admin policies). For every policy,\n'
      + 'Palisade adds what the policy means in plain words (as `palisade explain` says it),\n'
      + 'read with the running palisade up\'s --cilium-policy-cidr-match-mode unless the flag is given.')
    .argument('<args...>', 'TYPE NAME... or TYPE/NAME... (pod, networkpolicy, namespace, node, or any type the server lists: gnp, cnp, ciliumnp, ...)');
  addNamespaceOption(cmd);
  cmd.addOption(ciliumCidrMatchModeOption());
  addConnectionOptions(cmd)
    .addHelpText('after', '\nExit codes: 0 described, 1 error from the server (e.g. NotFound) or palisade not running, 2 usage error.')
    .action(async (words: string[], opts: DescribeOptions) => runVerb(ctx, async () => {
      // A bad flag value is a usage error whether or not palisade runs.
      const settings = describeSettings(opts, ctx.io.env);
      return runDescribe(words, opts, await connect(opts, ctx.io), ctx, settings);
    }));
}
