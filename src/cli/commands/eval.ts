// `palisade eval`: judge one connection and explain the verdict. Exit 0 allowed,
// 1 denied, 2 usage or input error.
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'yaml';
import { compile } from '../../engine/compile.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { CliIo } from '../cli-io.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { ciliumCidrMatchModeOption, filenameOption, inputHandlers } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { loadValidInputs } from '../load-inputs.ts';
import { parseEndpoint, parsePort, parseProtocol } from '../option-values.ts';
import { resolveFlow } from '../resolve-flow.ts';
import { renderVerdict } from '../format/verdict-text.ts';

interface EvalOptions extends DialectFlags {
  filename: string[];
  from: string;
  to: string;
  port: string;
  protocol: string;
  output: 'text' | 'json' | 'yaml';
}

export async function runEval(opts: EvalOptions, io: CliIo, handlers: HandlerTable): Promise<number> {
  const request = {
    src: parseEndpoint('--from', opts.from),
    dst: parseEndpoint('--to', opts.to),
    port: parsePort('--port', opts.port),
    protocol: parseProtocol('--protocol', opts.protocol),
  };
  const { snapshot } = await loadValidInputs(opts.filename, io, handlers);
  const compiled = compile(snapshot.cluster, snapshot.policies);
  const flow = resolveFlow(compiled, request);
  const verdict = evaluate(compiled, flow);
  switch (opts.output) {
    case 'json': io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`); break;
    case 'yaml': io.stdout.write(stringify(verdict)); break;
    case 'text': io.stdout.write(renderVerdict(verdict, typeof request.port === 'string' ? request.port : undefined)); break;
  }
  return verdict.allowed ? EXIT.ok : EXIT.no;
}

export function registerEval(program: Command, ctx: CommandContext): void {
  program.command('eval')
    .summary('judge one connection and explain which rule decided')
    .description('Judge one new connection from --from to --to on --port/--protocol against the policies in the input,\n'
      + 'and explain the verdict: for egress (at the source) and ingress (at the destination), the tiers\n'
      + 'that had a say, the policies that selected the pod, and the rule that decided, with its field path.')
    .addOption(filenameOption())
    .requiredOption('--from <endpoint>', 'source: NAMESPACE/POD, or an IP address')
    .requiredOption('--to <endpoint>', 'destination: NAMESPACE/POD, or an IP address')
    .requiredOption('--port <port>', 'destination port: a number, or a container port name of the destination pod')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP (any case)', 'TCP')
    .addOption(new Option('-o, --output <format>', 'text: the explanation; json/yaml: the Verdict object').choices(['text', 'json', 'yaml']).default('text'))
    .addOption(ciliumCidrMatchModeOption())
    .addHelpText('after', [
      '',
      'Exit codes: 0 allowed, 1 denied, 2 usage or input error.',
      '',
      'Examples:',
      '  palisade eval -f examples/demo --from demo/client --to demo/server --port 80',
      '  palisade eval -f cluster.yaml -f policies/ --from x/a --to 10.0.0.9 --port dns --protocol udp -o json',
    ].join('\n'))
    .action(async (opts: EvalOptions) => { ctx.exitCode = await runEval(opts, ctx.io, inputHandlers(ctx, opts)); });
}
