// `palisade probe [-n NS,...] --port N --protocol P [-o table|json] [--timeout 1s]`: the
// pod-to-pod truth table measured with REAL traffic in the lab of the running
// `palisade up` (one agnhost-style connect per pair, in parallel), printed exactly as
// `palisade matrix` prints the engine's answer, so the two can be compared line by line.
import type { Command } from 'commander';
import { Option } from 'commander';
import { LabError } from '../../lab/errors.ts';
import { probe } from '../../lab/probe.ts';
import type { ProbeResult } from '../../lab/probe.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderTruthTable, sortedTable } from '../format/truth-table.ts';
import type { TruthTable } from '../format/truth-table.ts';
import { openRunningLab } from '../kube/lab-access.ts';
import type { ConnectionFlags } from '../kube/palisade-home.ts';
import { addConnectionOptions, runVerb } from '../kube/verb-runner.ts';
import { parseNamespaces, parsePort, parseProtocol } from '../option-values.ts';

const PROBE_FORMATS = ['table', 'json'] as const;
type ProbeFormat = (typeof PROBE_FORMATS)[number];

interface ProbeOptions extends ConnectionFlags {
  readonly namespace?: string;
  readonly port: string;
  readonly protocol: string;
  readonly output: ProbeFormat;
  readonly timeout: string;
}

/** `1s`, `500ms`, `2.5s`, `1m` or a bare number of seconds, as Go durations are written. */
export function parseTimeout(flag: string, text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new CliError(`${flag} ${JSON.stringify(text)}: expected a duration such as 1s or 500ms`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (!(ms >= 1) || ms > 600_000) throw new CliError(`${flag} ${text}: expected a duration from 1ms to 10m`);
  return Math.round(ms);
}

/** A probe result as the truth table the matrix renderers print. */
export function probeTable(r: ProbeResult): TruthTable {
  return sortedTable({
    port: r.port,
    protocol: r.protocol,
    pods: r.pods,
    allowed: (i, j) => r.allowed[r.pods[i] ?? '']?.[r.pods[j] ?? ''] === true,
  });
}

export async function runProbe(opts: ProbeOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const port = parsePort('--port', opts.port);
  if (typeof port !== 'number') throw new CliError(`--port ${opts.port}: probe needs a port number (names resolve per pod only in the engine: use palisade matrix)`);
  const protocol = parseProtocol('--protocol', opts.protocol);
  const timeoutMs = parseTimeout('--timeout', opts.timeout);
  const namespaces = opts.namespace === undefined ? undefined : parseNamespaces('--namespace', opts.namespace);
  const lab = openRunningLab(opts, io);
  const pods = lab.pods.filter((p) => namespaces === undefined || namespaces.includes(p.namespace)).map((p) => p.key);
  for (const ns of namespaces ?? []) {
    if (!lab.pods.some((p) => p.namespace === ns)) io.stderr.write(`warning: namespace ${ns} has no pods in the lab\n`);
  }
  let result: ProbeResult;
  try {
    result = await probe(lab, { from: pods, to: pods, port, protocol, timeoutMs });
  } catch (e) {
    if (e instanceof LabError && e.code === 'sctp-unsupported') {
      io.stderr.write(`note: SCTP cannot be probed with real traffic here (${e.message}); "palisade matrix --protocol SCTP" gives the engine's answer\n`);
      return EXIT.no;
    }
    if (e instanceof LabError) throw new CliError(e.message, EXIT.no);
    throw e;
  }
  // How the cells were measured, where it differs from a plain connection (raw SCTP packets).
  if (result.note !== undefined) io.stderr.write(`note: ${result.note}\n`);
  io.stdout.write(renderTruthTable(probeTable(result), opts.output));
  return EXIT.ok;
}

export function registerProbe(program: Command, ctx: CommandContext): void {
  const cmd = program.command('probe')
    .summary('measure the pod-to-pod truth table with real traffic in the lab')
    .description('Connect from every lab pod to every lab pod (agnhost connect semantics, in parallel) and\n'
      + 'print the truth table in the format of `palisade matrix`: "." connected, "X" not.')
    .option('-n, --namespace <names>', 'only pods of these namespaces (comma-separated)')
    .option('--port <port>', 'destination port number', '80')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP (any case)', 'TCP')
    .option('--timeout <duration>', 'per connection attempt, e.g. 1s or 500ms', '1s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(PROBE_FORMATS).default('table'));
  addConnectionOptions(cmd)
    .addHelpText('after', [
      '',
      'table: the Kubernetes e2e truth table (tab-separated); json: one line',
      '{"port":80,"protocol":"TCP","pods":[...],"allowed":{"FROM":{"TO":true|false}}}, as palisade matrix.',
      'SCTP: without SCTP sockets in the kernel, SCTP is probed by raw INIT/INIT-ACK packets and a note on stderr says so; where the lab cannot send SCTP at all (no python3), a note says so and the exit code is 1.',
      'Exit codes: 0 printed, 1 palisade (or its lab) not running or SCTP not probeable, 2 usage error.',
    ].join('\n'))
    .action(async (opts: ProbeOptions) => runVerb(ctx, async () => runProbe(opts, ctx)));
}
