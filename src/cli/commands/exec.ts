// `palisade exec [-n NS] POD -- CMD...`: runs CMD inside the pod's network namespace in the
// lab of the running `palisade up`, passing its stdout, stderr and exit code through.
// `agnhost ...` and `/agnhost ...` run Palisade's agnhost, so the Kubernetes docs'
// `/agnhost connect IP:80 --timeout=3s --protocol=tcp` prints nothing on success and
// `TIMEOUT` when the connection is dropped.
import type { Command } from 'commander';
import { LabError } from '../../lab/errors.ts';
import { podExec } from '../../lab/topology.ts';
import { CliError } from '../cli-error.ts';
import type { CliIo } from '../cli-io.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { openRunningLab } from '../kube/lab-access.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { kubeconfigPath } from '../kube/palisade-home.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { BUILTIN_RESOURCES, resourcePath, resolveResourceWord } from '../kube/resources.ts';
import { addConnectionOptions, addNamespaceOption, runVerb } from '../kube/verb-runner.ts';

interface ExecOptions extends ConnectionFlags {
  readonly namespace?: string;
  readonly stdin?: boolean;
  readonly tty?: boolean;
  readonly container?: string;
  readonly timeout?: string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Why the lab has no such pod: the API server's NotFound, or "not wired yet". */
async function explainMissingPod(opts: ExecOptions, io: CliIo, namespace: string, pod: string): Promise<never> {
  const client = await KubeClient.fromKubeconfig(kubeconfigPath(opts, io.env));
  const info = resolveResourceWord('pods', BUILTIN_RESOURCES);
  if (info === undefined) throw new Error('pods are not a built-in resource');
  await client.request('GET', resourcePath(info, namespace, pod));
  throw new CliError(`pod ${namespace}/${pod} has no network namespace in the lab (yet); try again in a moment`, EXIT.no);
}

export async function runExec(pod: string, argv: readonly string[], opts: ExecOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (argv.length === 0) throw new CliError('you must specify at least one command for the container (after --)');
  const namespace = opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : 'default';
  const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError(`--timeout ${opts.timeout}: expected a number of seconds`);
  const lab = openRunningLab(opts, io);
  const key = `${namespace}/${pod}`;
  if (!lab.pods.some((p) => p.key === key)) await explainMissingPod(opts, io, namespace, pod);
  const input = opts.stdin === true ? await readAll(io.stdin) : undefined;
  let r;
  try {
    r = await podExec(lab, key, argv, { ...(input === undefined ? {} : { input }), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (e) {
    if (e instanceof LabError) throw new CliError(e.message, EXIT.no);
    throw e;
  }
  io.stdout.write(r.stdout);
  io.stderr.write(r.stderr);
  // Killed by a signal: the shell's convention, 128 + signal (SIGKILL on timeout).
  return r.exitCode ?? 137;
}

export function registerExec(program: Command, ctx: CommandContext): void {
  const cmd = program.command('exec')
    .summary('run a command in a lab pod\'s network namespace')
    .description('Run CMD inside the network namespace of POD in the lab of the running `palisade up`; its\n'
      + 'stdout, stderr and exit code are passed through. `agnhost ...` and `/agnhost ...` run Palisade\'s\n'
      + 'agnhost (connect, serve-hostname, netexec); anything else runs as a host program inside the\n'
      + 'pod\'s network namespace.')
    .argument('<pod>', 'pod name')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'accepted for kubectl compatibility (no terminal is allocated)')
    .option('-c, --container <name>', 'accepted for kubectl compatibility (a lab pod has one network namespace)')
    .option('--timeout <seconds>', 'kill the command after this many seconds (default 30)');
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'Exit codes: the command\'s own; 1 when the pod does not exist or palisade (or its lab) is not running;',
      '2 usage error.',
      '',
      'Example:',
      '  palisade exec -n demo client -- /agnhost connect 10.240.0.2:80 --timeout=3s --protocol=tcp',
    ].join('\n'))
    .action(async (pod: string, argv: string[], opts: ExecOptions) => runVerb(ctx, async () => runExec(pod, argv, opts, ctx)));
}
