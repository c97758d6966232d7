// `palisade run NAME --image IMG [--labels k=v,...] [--port N] [--command] -- ARGS...`:
// creates a Pod as `kubectl run` does (`pod/NAME created`). Palisade cannot attach a
// terminal to a pod: `-i`/`-t` are accepted, the pod is created, and a note points to
// `palisade exec`.
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { BUILTIN_RESOURCES, resourcePath, resolveResourceWord } from '../kube/resources.ts';
import { buildRunPod } from '../kube/run-pod.ts';
import { addConnectionOptions, addNamespaceOption, connect, namespaceOf, runVerb } from '../kube/verb-runner.ts';

interface RunOptions extends ConnectionFlags {
  readonly image: string;
  readonly labels?: string;
  readonly annotations?: string[];
  readonly port?: string;
  readonly command?: boolean;
  readonly env?: string[];
  readonly restart?: string;
  readonly imagePullPolicy?: string;
  readonly namespace?: string;
  readonly stdin?: boolean;
  readonly tty?: boolean;
  readonly rm?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function registerRun(program: Command, ctx: CommandContext): void {
  const cmd = program.command('run')
    .summary('create a pod running an image (like kubectl run)')
    .description('Create a Pod named NAME with one container NAME running IMAGE, labelled run=NAME unless\n'
      + '--labels is given. Words after `--` become the container\'s args, or its command with --command.\n'
      + 'In the lab, a command `/agnhost SUBCOMMAND ...` (or `agnhost ...`) runs Palisade\'s agnhost.')
    .argument('<name>', 'pod name')
    .argument('[args...]', 'container args (after --), or the command with --command')
    .requiredOption('--image <image>', 'container image (recorded; the lab runs the command, not the image)')
    .option('-l, --labels <labels>', 'comma-separated labels k=v,...; default run=NAME')
    .option('--annotations <annotations>', 'annotations k=v,... (repeatable)', collect)
    .option('--port <port>', 'the port the container exposes')
    .option('--command', 'use the words after -- as the command instead of args')
    .option('--env <NAME=VALUE>', 'environment variable (repeatable)', collect)
    .option('--restart <policy>', 'restart policy: Always, OnFailure or Never', 'Always')
    .option('--image-pull-policy <policy>', 'image pull policy (recorded)')
    .option('-i, --stdin', 'accepted for kubectl compatibility: palisade cannot attach; use palisade exec')
    .option('-t, --tty', 'accepted for kubectl compatibility: palisade cannot attach; use palisade exec')
    .option('--rm', 'accepted for kubectl compatibility: without an attached session the pod is kept');
  addNamespaceOption(cmd);
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'Exit codes: 0 created, 1 error from the server or palisade not running, 2 usage error.',
      '',
      'Examples:',
      '  palisade run server -n demo --image=registry.k8s.io/e2e-test-images/agnhost:2.43 --labels=app=server --port=80 \\',
      '    --command -- /agnhost serve-hostname --tcp --http=false --port "80"',
      '  palisade run client -n demo --image=registry.k8s.io/e2e-test-images/agnhost:2.43 --command -- sleep infinity',
    ].join('\n'))
    .action(async (name: string, args: string[], opts: RunOptions) => runVerb(ctx, async () => {
      const client = await connect(opts, ctx.io);
      const namespace = namespaceOf(opts, client);
      const pod = buildRunPod({
        name, image: opts.image, namespace, command: opts.command === true, args,
        ...(opts.labels === undefined ? {} : { labels: opts.labels }),
        ...(opts.annotations === undefined ? {} : { annotations: opts.annotations }),
        ...(opts.port === undefined ? {} : { port: opts.port }),
        ...(opts.env === undefined ? {} : { env: opts.env }),
        ...(opts.restart === undefined ? {} : { restart: opts.restart }),
        ...(opts.imagePullPolicy === undefined ? {} : { imagePullPolicy: opts.imagePullPolicy }),
      });
      const info = resolveResourceWord('pods', BUILTIN_RESOURCES);
      if (info === undefined) throw new Error('pods are not a built-in resource');
      await client.request('POST', resourcePath(info, namespace), { body: pod });
      ctx.io.stdout.write(`pod/${name} created\n`);
      if (opts.stdin === true || opts.tty === true) {
        ctx.io.stderr.write(`note: palisade cannot attach to a pod; pod/${name} was created and keeps running. Run commands in its network namespace with: palisade exec -n ${namespace} ${name} -- CMD...\n`);
      }
      if (opts.rm === true) ctx.io.stderr.write(`note: --rm has no effect without an attached session; delete the pod with: palisade delete pod ${name} -n ${namespace}\n`);
      return EXIT.ok;
    }));
}
