// `palisade up [-d] [--nodes N] [--home DIR] [--cilium-policy-cidr-match-mode MODES]`: starts
// the embedded default — the store, the API server on loopback, a lab of N nodes with one
// agent each, reading Cilium policies with the given agent settings. The cluster runs in
// its own process (src/main/palisade-up.ts, where the concrete parts are wired; the CLI
// layer may not import main/): in the foreground its output is relayed and Ctrl-C or
// SIGTERM stops it (the lab is removed, the store kept); with -d it is started detached,
// logging to <home>/palisade.log, and `up` returns once it is ready (API healthy, pods
// running, every node's table applied), printing where the kubeconfig is.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Option } from 'commander';
import { parse } from 'yaml';
import { waitForwardingSignals } from '../child-process.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext, DialectFlags } from '../command-context.ts';
import { CILIUM_CIDR_MATCH_MODE_FLAG, ciliumCidrMatchModeOption } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { palisadeHome } from '../kube/palisade-home.ts';
import { parseCiliumCidrMatchMode } from '../option-values.ts';
import { HOME_FILES, livePid, readRuntime } from './up-runtime.ts';

/** The process entry that runs the embedded cluster (a path, not an import: cli may not import main/). */
export const UP_ENTRY = fileURLToPath(new URL('../../main/palisade-up.ts', import.meta.url));

interface UpOptions extends DialectFlags {
  readonly detach?: boolean;
  readonly nodes: string;
  readonly home?: string;
  readonly port: string;
  readonly timeout: string;
}

function positiveInt(text: string, what: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 0 || n > max) throw new CliError(`invalid ${what} ${JSON.stringify(text)}: want an integer 0..${max}`);
  return n;
}

interface Credentials {
  readonly token: string;
  /** PEM of the server's (self-signed) certificate, when it serves HTTPS. */
  readonly ca?: string;
}

/** The bearer token and pinned certificate in `<home>/kubeconfig` (written by the daemon). */
function credentialsOf(kubeconfig: string): Credentials | undefined {
  try {
    const doc = parse(readFileSync(kubeconfig, 'utf8')) as {
      users?: Array<{ user?: { token?: string } }>;
      clusters?: Array<{ cluster?: { 'certificate-authority-data'?: string } }>;
    };
    const token = doc.users?.[0]?.user?.token;
    const caData = doc.clusters?.[0]?.cluster?.['certificate-authority-data'];
    if (token === undefined) return undefined;
    return { token, ...(caData === undefined ? {} : { ca: Buffer.from(caData, 'base64').toString('utf8') }) };
  } catch {
    return undefined;
  }
}

/** GET /readyz with the kubeconfig's credentials: 200 means the API serves. */
function apiHealthy(url: string, creds: Credentials): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL('/readyz', url);
    const options = { headers: { authorization: `Bearer ${creds.token}` }, timeout: 2000, ...(creds.ca === undefined ? {} : { ca: creds.ca }) };
    const req = (target.protocol === 'https:' ? https : http).get(target, options, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function logTail(home: string, lines = 15): string {
  try {
    return readFileSync(join(home, HOME_FILES.log), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** How a policy-cidr-match-mode list reads in messages. */
function modesText(modes: readonly string[]): string {
  return modes.length === 0 ? 'the default (none)' : modes.join(',');
}

async function runDetached(ctx: CommandContext, home: string, args: string[], timeoutMs: number, cidrModes: readonly string[]): Promise<void> {
  const { io } = ctx;
  const running = livePid(home);
  if (running !== undefined) {
    const rt = readRuntime(home);
    io.stdout.write(`palisade is already running in ${home} (pid ${running})\n`);
    if (rt?.kubeconfig !== undefined) io.stdout.write(`kubeconfig: ${rt.kubeconfig}\n`);
    // Its agents keep the settings they started with: say so rather than let the user believe otherwise.
    const runningModes = rt?.ciliumPolicyCidrMatchMode ?? [];
    if (runningModes.join(',') !== cidrModes.join(',')) {
      io.stderr.write(`warning: it reads Cilium policies with policy-cidr-match-mode ${modesText(runningModes)}, not ${modesText(cidrModes)}; run "palisade down" and "palisade up" again to change it\n`);
    }
    ctx.exitCode = EXIT.ok;
    return;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const log = openSync(join(home, HOME_FILES.log), 'a');
  let child;
  try {
    child = spawn(process.execPath, [UP_ENTRY, ...args], { detached: true, stdio: ['ignore', log, log], env: io.env });
  } finally {
    closeSync(log);
  }
  let exited: string | undefined;
  child.on('exit', (code, signal) => { exited = signal ?? String(code); });
  child.on('error', (e) => { exited = e.message; });
  const pid = child.pid;
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) {
      const tail = logTail(home);
      throw new CliError(`palisade up failed (exit ${exited})${tail === '' ? '' : `; the end of ${join(home, HOME_FILES.log)}:\n${tail}`}`, EXIT.no);
    }
    const rt = readRuntime(home);
    if (rt !== undefined && rt.pid === pid && rt.ready && rt.apiUrl !== undefined && rt.kubeconfig !== undefined) {
      const creds = credentialsOf(rt.kubeconfig);
      if (creds !== undefined && await apiHealthy(rt.apiUrl, creds)) {
        if (!rt.enforced) io.stdout.write(`WARNING: the lab cannot run here (${rt.reasons.join('; ')}): the API serves, but NOTHING IS ENFORCED\n`);
        else io.stdout.write(`lab ${rt.labId ?? ''} is up: ${rt.nodes.map((n) => n.name).join(', ')}\n`);
        io.stdout.write(`palisade is running in the background (pid ${pid}); logs: ${join(home, HOME_FILES.log)}\n`);
        io.stdout.write(`API server: ${rt.apiUrl}\nkubeconfig: ${rt.kubeconfig}\n`);
        ctx.exitCode = EXIT.ok;
        return;
      }
    }
    if (Date.now() > deadline) {
      throw new CliError(`palisade up -d: not ready after ${Math.round(timeoutMs / 1000)} s (pid ${pid} still starting; see ${join(home, HOME_FILES.log)}, or stop it with "palisade down")`, EXIT.no);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runForeground(ctx: CommandContext, home: string, args: string[]): Promise<void> {
  const { io } = ctx;
  const child = spawn(process.execPath, [UP_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: io.env });
  child.stdout.pipe(io.stdout, { end: false });
  child.stderr.pipe(io.stderr, { end: false });
  // The terminal's Ctrl-C reaches the child too (same process group); a SIGTERM sent to
  // us alone is passed on. Either way we wait for the child to finish its cleanup.
  const code = await waitForwardingSignals(child);
  ctx.exitCode = code === 0 ? EXIT.ok : EXIT.no;
  if (code !== 0 && !existsSync(home)) io.stderr.write(`error: palisade up exited with ${code}\n`);
}

export function registerUp(program: Command, ctx: CommandContext): void {
  program.command('up')
    .summary('start the embedded cluster (API server, lab nodes, agents)')
    .description([
      'Start the embedded default: the store, a Kubernetes API server on 127.0.0.1 (bearer token in',
      '<home>/kubeconfig, mode 0600), and a lab of --nodes network-namespace nodes with one agent each',
      'enforcing network policies in nftables. Runs in the foreground until Ctrl-C or SIGTERM (the lab is',
      'then removed; the store is kept for the next "up"); -d runs it in the background and returns when',
      'it is ready. Where the lab cannot run (not root, no iproute2/nftables) the API still serves, and',
      'says that nothing is enforced. The agents read Cilium policies as a Cilium agent with',
      `${CILIUM_CIDR_MATCH_MODE_FLAG} would; the setting holds until "palisade down".`,
    ].join('\n'))
    .option('-d, --detach', 'run in the background; return once ready (logs: <home>/palisade.log)')
    .addOption(new Option('--nodes <n>', 'number of lab nodes').default('1'))
    .option('--home <dir>', 'state directory (default $PALISADE_HOME, else ~/.palisade)')
    .addOption(new Option('--port <port>', 'API server port on 127.0.0.1 (0: a free one)').default('0'))
    .addOption(new Option('--timeout <seconds>', 'with -d: how long to wait for readiness').default('180'))
    .addOption(ciliumCidrMatchModeOption())
    .action(async (opts: UpOptions) => {
      const home = palisadeHome(opts.home === undefined ? {} : { home: opts.home }, ctx.io.env);
      const nodes = positiveInt(opts.nodes, '--nodes', 250);
      if (nodes < 1) throw new CliError('invalid --nodes "0": want at least 1');
      const port = positiveInt(opts.port, '--port', 65535);
      const cidrModes = parseCiliumCidrMatchMode(CILIUM_CIDR_MATCH_MODE_FLAG, opts.ciliumPolicyCidrMatchMode ?? []);
      const args = ['--home', home, '--nodes', String(nodes), '--port', String(port), ...(cidrModes.length === 0 ? [] : [`${CILIUM_CIDR_MATCH_MODE_FLAG}=${cidrModes.join(',')}`])];
      if (opts.detach === true) await runDetached(ctx, home, args, positiveInt(opts.timeout, '--timeout', 3600) * 1000, cidrModes);
      else await runForeground(ctx, home, args);
    });
}
