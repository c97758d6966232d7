// Process entry of the agent on a real cluster (the DaemonSet; `palisade agent` runs this
// file). It learns its node (--node, else NODE_NAME from the downward API's spec.nodeName),
// reaches the API server (--kubeconfig, else the in-cluster service account, else the
// default kubeconfig), follows it through client-node informers, and enforces in the
// nftables table `inet palisade` of its OWN network namespace (the pod runs with
// hostNetwork: that is the node's, whose forward path carries the pods' traffic).
// Logs: JSON lines (pino) on stdout. Health and metrics: /healthz, /readyz, /metrics on
// 127.0.0.1:PALISADE_HEALTH_PORT (the kubelet probes the node's loopback).
//
// On SIGTERM the agent stops and LEAVES the table in place, still enforcing the last
// policies it knew: a restart or a rolling update never opens the node, and the next agent
// swaps its own table in atomically. So removing the DaemonSet alone would freeze the last
// rules on every node. Uninstalling therefore removes the table explicitly: either set
// PALISADE_CLEANUP_ON_EXIT=true on the DaemonSet before deleting it (each agent then
// deletes the table when it is stopped), or run `palisade agent cleanup` on the node.
//
// Environment: NODE_NAME, PALISADE_HEALTH_PORT (default 9750), PALISADE_LOG_LEVEL (info),
// PALISADE_RESYNC_SECONDS (relist period, default 1800; 0 off), PALISADE_CLEANUP_ON_EXIT,
// PALISADE_REPORT (false: write no enforcement annotations),
// PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE (Cilium's policy-cidr-match-mode, the value of
// cilium-config, so that Cilium policies mean here what they mean to Cilium's agents;
// --cilium-policy-cidr-match-mode wins over it).
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createAgent } from '../agent/agent.ts';
import { openDropLog } from '../dataplane/drop-log.ts';
import { ciliumAgentOptions, readPolicyCidrMatchMode } from '../api/cilium/agent-flags.ts';
import { handlerTable, kindHandlers } from '../api/handlers.ts';
import { CIDR_MATCH_MODE_ENV } from '../cli/commands/agent.ts';
import type { HealthServer } from '../agent/health-server.ts';
import { startHealthServer } from '../agent/health-server.ts';
import { sessionNodeTable } from '../agent/node-table.ts';
import { runNft } from '../dataplane/applier.ts';
import { FAMILY_TABLE } from '../dataplane/render.ts';
import { defaultKubernetesResources, kubernetesSource } from '../sources/kubernetes-source.ts';
import { kubernetesStatusWriter } from '../sources/kubernetes-status-writer.ts';
import { systemClock } from '../store/clock.ts';

const { values, positionals } = parseArgs({
  options: { node: { type: 'string' }, kubeconfig: { type: 'string' }, 'cilium-policy-cidr-match-mode': { type: 'string', multiple: true } },
  allowPositionals: true,
  strict: true,
});
const env = process.env;
const fail = (message: string): never => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
};
const flag = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/** Removes the table from this network namespace, in one transaction; absent is fine. */
async function removeTable(): Promise<void> {
  await runNft(null, ['-f', '-'], `add table ${FAMILY_TABLE}\ndelete table ${FAMILY_TABLE}\n`);
}

if (positionals[0] === 'cleanup') {
  try {
    await removeTable();
    process.stdout.write(`table ${FAMILY_TABLE} removed from this network namespace: nothing is enforced here any more\n`);
    process.exit(0);
  } catch (e) {
    fail(`cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
  }
} else if (positionals.length > 0) {
  fail(`unknown argument ${JSON.stringify(positionals[0])}: want no argument, or "cleanup"`);
}

const node = values.node ?? env.NODE_NAME ?? '';
if (node === '') fail('the node name is unknown: pass --node NAME or set NODE_NAME (the DaemonSet sets it from spec.nodeName)');
const healthPort = Number(env.PALISADE_HEALTH_PORT ?? '9750');
if (!Number.isInteger(healthPort) || healthPort < 1 || healthPort > 65535) fail(`PALISADE_HEALTH_PORT ${JSON.stringify(env.PALISADE_HEALTH_PORT)}: want 1..65535`);
const resyncSeconds = Number(env.PALISADE_RESYNC_SECONDS ?? '1800');
if (!Number.isFinite(resyncSeconds) || resyncSeconds < 0) fail(`PALISADE_RESYNC_SECONDS ${JSON.stringify(env.PALISADE_RESYNC_SECONDS)}: want seconds >= 0`);
const modeFlag = values['cilium-policy-cidr-match-mode'];
const modeEnv = env[CIDR_MATCH_MODE_ENV];
const cidrModes = readPolicyCidrMatchMode(modeFlag ?? (modeEnv === undefined ? [] : [modeEnv]));
if (!cidrModes.ok) fail(`${modeFlag === undefined ? CIDR_MATCH_MODE_ENV : '--cilium-policy-cidr-match-mode'}: ${cidrModes.message}`);
const modes = cidrModes.ok ? cidrModes.modes : [];
// One table for everything that reads objects: the resources followed and the agent's model.
const handlers = handlerTable(kindHandlers({ cilium: ciliumAgentOptions(modes) }));

const logger = pino({ level: env.PALISADE_LOG_LEVEL ?? 'info', base: { node } });
const kc = new KubeConfig();
try {
  if (values.kubeconfig !== undefined) kc.loadFromFile(values.kubeconfig);
  else if (env.KUBERNETES_SERVICE_HOST !== undefined) kc.loadFromCluster();
  else kc.loadFromDefault();
} catch (e) {
  fail(`cannot load the Kubernetes client configuration: ${e instanceof Error ? e.message : String(e)}`);
}

const registry = new Registry();
registry.setDefaultLabels({ node });
collectDefaultMetrics({ register: registry });
const resources = defaultKubernetesResources(handlers);
const { table, fallback } = await sessionNodeTable(null);
if (fallback !== undefined) logger.warn({ reason: fallback }, 'no persistent nft session: every table change spawns nft (slower)');
const agent = createAgent({
  node, netns: null,
  source: kubernetesSource({ kubeConfig: kc, resources, resyncMs: resyncSeconds * 1000, handlers }),
  applier: table, handlers,
  clock: systemClock(), logger, metrics: registry,
  dropLog: { open: (handler) => openDropLog(null, handler) },
  ...(env.PALISADE_REPORT !== undefined && !flag(env.PALISADE_REPORT) ? {} : { statusWriter: kubernetesStatusWriter(kc, resources) }),
});

let health: HealthServer | undefined;
let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  const cleanup = flag(env.PALISADE_CLEANUP_ON_EXIT);
  logger.info({ signal, cleanup }, cleanup ? 'stopping; removing the table (PALISADE_CLEANUP_ON_EXIT)' : 'stopping; the table stays in place and keeps enforcing');
  void (async (): Promise<void> => {
    let code = 0;
    try {
      await agent.stop();
      if (cleanup) await removeTable();
    } catch (e) {
      code = 1;
      logger.error({ err: e instanceof Error ? { message: e.message } : String(e) }, 'stopping failed');
    }
    await health?.close().catch(() => undefined);
    process.exit(code);
  })();
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

try {
  health = await startHealthServer({ port: healthPort, host: '127.0.0.1', status: () => agent.status(), registry });
} catch (e) {
  fail(`cannot serve health on 127.0.0.1:${healthPort}: ${e instanceof Error ? e.message : String(e)}`);
}
logger.info({ server: kc.getCurrentCluster()?.server, healthPort, resources: resources.map((r) => r.resource), ciliumPolicyCidrMatchMode: modes }, 'palisade agent starting');
agent.start();
