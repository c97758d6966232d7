// What every verb that talks to `palisade up` shares: the connection flags (--home,
// --kubeconfig), the namespace flags, and one place that turns failures into kubectl's
// messages and exit codes (API errors and "not running": 1; usage errors stay 2).
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { ApiError, NotRunningError, formatApiError } from './api-error.ts';
import { KubeClient } from './kube-client.ts';
import { kubeconfigPath } from './palisade-home.ts';
import type { ConnectionFlags } from './palisade-home.ts';

export interface NamespaceFlags {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'Palisade home of the running `palisade up` (default $PALISADE_HOME, else ~/.palisade)')
    .option('--kubeconfig <path>', 'kubeconfig to use (default <home>/kubeconfig; $KUBECONFIG is never read)');
}

export function addNamespaceOption(cmd: Command): Command {
  return cmd.option('-n, --namespace <name>', 'namespace (default: the kubeconfig context\'s, else "default")');
}

export function connect(flags: ConnectionFlags, io: CliIo): Promise<KubeClient> {
  return KubeClient.fromKubeconfig(kubeconfigPath(flags, io.env));
}

/** The namespace to work in: -n, else the kubeconfig context's. */
export function namespaceOf(flags: NamespaceFlags, client: KubeClient): string {
  return flags.namespace !== undefined && flags.namespace !== '' ? flags.namespace : client.defaultNamespace;
}

/** Prints an error as kubectl would; returns the exit code. Unknown errors are rethrown (bugs). */
export function reportVerbError(e: unknown, io: CliIo): number {
  if (e instanceof ApiError) {
    io.stderr.write(formatApiError(e));
    return EXIT.no;
  }
  if (e instanceof NotRunningError) {
    io.stderr.write(`error: ${e.message}\n`);
    return EXIT.no;
  }
  throw e;
}

/** Runs a verb's body, mapping API and connection errors to kubectl's output (exit 1). */
export async function runVerb(ctx: CommandContext, body: () => Promise<number>): Promise<void> {
  try {
    ctx.exitCode = await body();
  } catch (e) {
    if (e instanceof CliError) throw e;
    ctx.exitCode = reportVerbError(e, ctx.io);
  }
}
