// Process entry of the embedded default: `palisade up` runs this file (in the foreground,
// or detached for `up -d`). It starts the embedded cluster in --home, serves the API,
// logs (JSON, pino) to <home>/palisade.log, prints what a user needs on stdout, marks
// runtime.json ready once the lab and agents have converged, and on SIGINT/SIGTERM stops
// what it started and removes the lab (namespaces, pod processes) — the store stays, so
// the next `up` has the same objects.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ciliumAgentOptions, readPolicyCidrMatchMode } from '../api/cilium/agent-flags.ts';
import { HOME_FILES, livePid } from '../cli/commands/up-runtime.ts';
import type { EmbeddedCluster } from './embedded-cluster.ts';
import { startEmbeddedCluster } from './embedded-cluster.ts';

const { values } = parseArgs({
  options: {
    home: { type: 'string' }, nodes: { type: 'string', default: '1' }, port: { type: 'string', default: '0' },
    'cilium-policy-cidr-match-mode': { type: 'string', multiple: true },
  },
  strict: true,
});
const home = values.home;
const nodes = Number(values.nodes);
const port = Number(values.port);
const out = (line: string): boolean => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
};

if (home === undefined || home === '') fail('--home is required');
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 250) fail(`--nodes ${values.nodes}: want an integer 1..250`);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${values.port}: want 0..65535`);
const cidrModes = readPolicyCidrMatchMode(values['cilium-policy-cidr-match-mode'] ?? []);
if (!cidrModes.ok) fail(`--cilium-policy-cidr-match-mode: ${cidrModes.message}`);
const modes = cidrModes.ok ? cidrModes.modes : [];
const dir = home as string;
mkdirSync(dir, { recursive: true, mode: 0o700 });
const other = livePid(dir);
if (other !== undefined && other !== process.pid) fail(`palisade is already running in ${dir} (pid ${other}); stop it with "palisade down"`);

const logger = pino({ base: { pid: process.pid } }, pino.destination({ dest: join(dir, HOME_FILES.log), append: true, sync: true, mkdir: true }));

let cluster: EmbeddedCluster | undefined;
let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) {
    out(`${signal} again: exiting now; run "palisade down" to remove what is left`);
    process.exit(130);
  }
  stopping = true;
  out('stopping: removing the lab (the store is kept)');
  logger.info({ signal }, 'stopping');
  const c = cluster;
  (c === undefined ? Promise.resolve() : c.stop({ destroy: true })).then(
    () => { out('palisade stopped'); process.exit(0); },
    (e: unknown) => { process.stderr.write(`error: stopping failed: ${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  out(`starting palisade in ${dir} (${nodes} lab node${nodes === 1 ? '' : 's'}${modes.length === 0 ? '' : `; Cilium policy-cidr-match-mode: ${modes.join(',')}`})`);
  cluster = await startEmbeddedCluster({ home: dir, nodes, port, serve: true, health: true, pidfile: true, logger, dialect: { cilium: ciliumAgentOptions(modes) } });
} catch (e) {
  logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'start failed');
  fail(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
}
const c = cluster as EmbeddedCluster;
if (c.enforced) {
  try {
    await c.waitForConvergence({ timeoutMs: 120_000 });
  } catch (e) {
    // Still serving: the agents keep retrying and say why in the log.
    out(`warning: ${e instanceof Error ? e.message : String(e)}`);
  }
}
c.markReady();
if (!stopping) {
  if (c.enforced) {
    out(`lab ${c.lab?.id ?? ''}: ${c.lab?.nodes.map((n) => n.name).join(', ') ?? ''} (network policies are enforced by nftables in each node)`);
  } else {
    out(`WARNING: the lab cannot run here (${c.reasons.join('; ')}): the API serves, but NOTHING IS ENFORCED`);
  }
  out(`API server: ${c.apiUrl ?? ''}`);
  out(`kubeconfig: ${c.kubeconfigPath ?? ''}`);
  out('palisade is up; Ctrl-C (or "palisade down") stops it');
}
