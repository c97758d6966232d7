// The embedded default (`palisade up`): one process holds the store, the lab, one agent
// per lab node, the lab's kubelet and (optionally) the API server, wired here and nowhere
// else. Everything lives under one home directory:
//   home/store/        the persisted objects (kept by `down`, so the next `up` has them)
//   home/lab/          the lab's record (lab.json, pidfiles, pod logs)
//   home/kubeconfig    bearer token + loopback URL (0600), when serving
//   home/palisade.pid  this process (pid + kernel start time), for `down`
//   home/runtime.json  what is running where (API URL, agent health ports)
// A lab left over by a crashed `up` is reused when it is intact and matches the node
// count, else destroyed and recreated; the kubelet then repairs pods from the store.
// Where the lab cannot run (not root, no iproute2/nftables) the control plane still
// starts and `enforced` is false with the reasons: nothing is enforced then. Everything
// that reads policies (the agents, their sources, the API's validation) reads them with
// one handler table, built here for the engine settings of `dialect`.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Agent } from '../agent/agent.ts';
import { createAgent } from '../agent/agent.ts';
import type { HealthServer } from '../agent/health-server.ts';
import { startHealthServer } from '../agent/health-server.ts';
import type { DialectOptions } from '../api/handlers.ts';
import { handlerTable, kindHandlers } from '../api/handlers.ts';
import type { Logger } from '../agent/logger.ts';
import { errorFields, SILENT_LOGGER, withFields } from '../agent/logger.ts';
import { sessionNodeTable } from '../agent/node-table.ts';
import { openDropLog } from '../dataplane/drop-log.ts';
import type { NodeTable } from '../agent/node-table.ts';
import type { Kubelet } from '../lab/kubelet.ts';
import { startKubelet } from '../lab/kubelet.ts';
import { labSupport, listNetns } from '../lab/netns.ts';
import { readState } from '../lab/lab-state.ts';
import type { Lab } from '../lab/topology.ts';
import { createLab, destroyLab, openLab } from '../lab/topology.ts';
import { embeddedStoreSource } from '../sources/embedded-store-source.ts';
import { storeStatusWriter } from '../sources/store-status-writer.ts';
import { apiValidator } from '../store/admission.ts';
import type { Clock } from '../store/clock.ts';
import { systemClock } from '../store/clock.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { openStore } from '../store/open-store.ts';
import { storePodFeed, storePodStatusWriter } from './kubelet-store.ts';
import { syncNodeObjects } from './lab-nodes.ts';
import type { RuntimeInfo } from '../cli/commands/up-runtime.ts';
import { HOME_FILES, writePidfile, writeRuntime } from '../cli/commands/up-runtime.ts';
import type { ApiServing } from './serve-api.ts';
import { serveApi } from './serve-api.ts';

export const VERSION_TAG = 'v1.32.0-palisade';

export interface EmbeddedClusterOptions {
  /** State directory (created when missing). */
  readonly home: string;
  /** Lab nodes; default 1. */
  readonly nodes?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Serve the Kubernetes API on loopback and write home/kubeconfig. */
  readonly serve?: boolean;
  /** Loopback port for the API; default 0 (a free one). */
  readonly port?: number;
  /** Start an agent health server (/healthz, /readyz, /metrics) per node on loopback. */
  readonly health?: boolean;
  /** Write home/palisade.pid (the `up` process; not for in-process test clusters). */
  readonly pidfile?: boolean;
  /** Agents' coalescing window (ms). */
  readonly debounceMs?: number;
  /** Engine settings that change what policies mean (Cilium's policy-cidr-match-mode); default: each engine's defaults. */
  readonly dialect?: DialectOptions;
}

export interface EmbeddedCluster {
  readonly home: string;
  readonly store: ObjectStore;
  /** Absent when the lab cannot run here. */
  readonly lab?: Lab;
  readonly agents: readonly Agent[];
  readonly kubelet?: Kubelet;
  /** Whether policies are enforced (a lab with agents runs). */
  readonly enforced: boolean;
  /** Why nothing is enforced (empty when enforced). */
  readonly reasons: readonly string[];
  readonly apiUrl?: string;
  readonly kubeconfigPath?: string;
  /** Resolves once the kubelet has realized every pod and every agent has applied the store's latest state. */
  waitForConvergence(o?: { readonly timeoutMs?: number }): Promise<void>;
  /** Records in runtime.json that the cluster has converged (what `up -d` waits for). */
  markReady(): void;
  /** Stops everything this process started; `destroy` also removes the lab (namespaces, processes). */
  stop(o?: { readonly destroy?: boolean }): Promise<void>;
}

/** The lab in `dir` if it is intact and has `nodes` nodes; otherwise a fresh one (a broken one is destroyed first). */
async function createOrReopenLab(dir: string, nodes: number, logger: Logger): Promise<Lab> {
  const state = readState(dir);
  if (state !== undefined) {
    const present = new Set(await listNetns());
    const intact = state.nodes.length === nodes && [state.fabric, ...state.nodes.map((n) => n.netns)].every((n) => present.has(n));
    if (intact) {
      logger.info({ lab: state.id, pods: state.pods.length }, 'reusing the lab of a previous run');
      return openLab(dir);
    }
    logger.warn({ lab: state.id }, 'the lab of a previous run is incomplete or has another node count: recreating it');
    await destroyLab(dir);
  }
  return createLab({ stateDir: dir, nodes });
}

export async function startEmbeddedCluster(o: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const clock = o.clock ?? systemClock();
  const logger = o.logger ?? SILENT_LOGGER;
  const home = o.home;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const dialect = o.dialect ?? {};
  const handlers = handlerTable(kindHandlers(dialect));
  const store = openStore({
    dir: join(home, HOME_FILES.store), clock, idGenerator: randomUUID, defaultValidator: apiValidator(handlers),
    // Every write is already durable in the log; a failed background snapshot only means a longer log until the next try.
    onCompactionError: (err) => logger.warn({ ...errorFields(err) }, 'store compaction failed; writes stay durable in the log, retried later'),
  });
  const labDir = join(home, HOME_FILES.lab);
  const agents: Agent[] = [];
  const tables: NodeTable[] = [];
  const health: HealthServer[] = [];
  let lab: Lab | undefined;
  let kubelet: Kubelet | undefined;
  let api: ApiServing | undefined;
  const reasons: string[] = [];

  const stopAll = async (destroy: boolean): Promise<void> => {
    await kubelet?.stop();
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(tables.map((t) => t.close?.()));
    await Promise.all(health.map((h) => h.close().catch(() => undefined)));
    await api?.close();
    // The token dies with the server: a stale kubeconfig would only mislead.
    if (api !== undefined) rmSync(api.kubeconfigPath, { force: true });
    store.close();
    if (destroy && existsSync(labDir)) await destroyLab(labDir);
    rmSync(join(home, HOME_FILES.runtime), { force: true });
    if (o.pidfile === true) rmSync(join(home, HOME_FILES.pid), { force: true });
  };

  try {
    if (o.pidfile === true) writePidfile(home, process.pid);
    const support = await labSupport();
    if (!support.ok) reasons.push(...support.reasons);
    if (support.ok) {
      lab = await createOrReopenLab(labDir, o.nodes ?? 1, logger);
      syncNodeObjects(store, lab.nodes, VERSION_TAG, clock.now());
      for (const n of lab.nodes) {
        const metrics = new Registry();
        metrics.setDefaultLabels({ node: n.name });
        const { table, fallback } = await sessionNodeTable(n.netns);
        tables.push(table);
        if (fallback !== undefined) logger.warn({ node: n.name, reason: fallback }, 'no persistent nft session: every table change spawns nft (slower)');
        const agent = createAgent({
          node: n.name, netns: n.netns, source: embeddedStoreSource(store, { handlers }), applier: table,
          clock, logger: withFields(logger, { node: n.name }), metrics, statusWriter: storeStatusWriter(store), handlers,
          dropLog: { open: (handler) => openDropLog(n.netns, handler) },
          ...(o.debounceMs === undefined ? {} : { debounceMs: o.debounceMs }),
        });
        agents.push(agent);
        agent.start();
        if (o.health === true) {
          health.push(await startHealthServer({ port: 0, status: () => agent.status(), registry: metrics }));
        }
      }
      kubelet = startKubelet({ lab, feed: storePodFeed(store), writer: storePodStatusWriter(store), now: () => clock.now(), logger });
    } else {
      logger.warn({ reasons }, 'the lab cannot run here: the control plane serves, but NOTHING IS ENFORCED');
    }
    if (o.serve === true) {
      api = await serveApi({ store, home, port: o.port ?? 0, token: randomBytes(32).toString('base64url'), clock, logger });
    }
  } catch (e) {
    await stopAll(true).catch(() => undefined);
    throw e;
  }

  const runtime: RuntimeInfo = {
    pid: process.pid,
    ready: false,
    ...(api === undefined ? {} : { apiUrl: api.url, kubeconfig: api.kubeconfigPath }),
    enforced: lab !== undefined,
    reasons,
    ...(lab === undefined ? {} : { labId: lab.id }),
    nodes: (lab?.nodes ?? []).map((n, i) => ({ name: n.name, netns: n.netns, ...(health[i] === undefined ? {} : { healthPort: health[i].port }) })),
    ciliumPolicyCidrMatchMode: dialect.cilium?.policyCidrMatchMode ?? [],
  };
  writeRuntime(home, runtime);

  let stopped = false;
  return {
    home, store, agents, reasons,
    ...(lab === undefined ? {} : { lab }),
    ...(kubelet === undefined ? {} : { kubelet }),
    enforced: lab !== undefined,
    ...(api === undefined ? {} : { apiUrl: api.url, kubeconfigPath: api.kubeconfigPath }),
    async waitForConvergence(w = {}) {
      const deadline = Date.now() + (w.timeoutMs ?? 60_000);
      for (;;) {
        const rv = store.resourceVersion;
        await kubelet?.idle();
        await Promise.all(agents.map((a) => a.whenIdle()));
        // The store delivers events synchronously: idle agents have seen everything up to
        // now. Status and report writes made meanwhile need another round.
        const failing = agents.map((a) => a.status()).filter((s) => !s.ready);
        if (store.resourceVersion === rv && failing.length === 0) return;
        if (Date.now() > deadline) {
          const why = failing.map((s) => s.lastApply?.error ?? 'not ready').join('; ');
          throw new Error(`the cluster did not converge in ${w.timeoutMs ?? 60_000} ms${why === '' ? '' : `: ${why}`}`);
        }
        if (failing.length > 0) await new Promise((r) => setTimeout(r, 50));
      }
    },
    markReady() {
      writeRuntime(home, { ...runtime, ready: true });
    },
    async stop(s = {}) {
      if (stopped) return;
      stopped = true;
      await stopAll(s.destroy === true);
    },
  };
}
