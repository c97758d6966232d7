// The store and the agent of the agent latency part, in a worker thread of their own: the
// process of `palisade up` holds its store and its agents, not the bench's own model of
// the big cluster (~300 MB at 100k pods) and the earlier parts' garbage. In one heap with
// those, the agent's changes paid for V8 major collections of memory no agent holds.
//
// The worker regenerates the cluster from the spec (the generator is seeded, so the
// objects are the bench's), loads the store, starts the agent on the node's real table and
// answers one message per change. Collections are observed inside the worker (its own
// isolate), so each change says how long its heap stopped it: a slow change is then
// attributable to a collection or not.
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { NodeTable } from '../../src/agent/node-table.ts';
import { systemClock } from '../../src/store/clock.ts';
import { elementCounts } from './load-part.ts';
import { benchCluster } from './bench-cluster.ts';
import type { ClusterSpec, LabEndpoint, LabNode } from './bench-cluster.ts';
import type { AgentChangeTiming, StoreLoad } from './agent-change.ts';
import { applyRecorder, idle, labNodeAgent, loadStore, measureChange } from './agent-change.ts';
import { allowPolicy } from './latency-part.ts';

export interface AgentHostJob {
  readonly spec: ClusterSpec;
  readonly nodes: readonly LabNode[];
  readonly endpoints: readonly LabEndpoint[];
  readonly node: string;
  readonly netns: string;
  /** The store's directory (removed when the host stops). */
  readonly dir: string;
}

/** What the host says once the agent applied its first table. */
export interface HostReady {
  readonly load: StoreLoad;
  readonly initial: { readonly readyMs: number; readonly idleMs: number; readonly reconciles: number; readonly elements: number };
  /** The host's heap after a full collection, with the store and the ready agent (NaN without --expose-gc). */
  readonly heapMb: number;
  readonly fallback?: string;
}

/** Pauses of the host's heap inside one change (from its store write to its transaction). */
export interface ChangeGc {
  readonly majorMs: number;
  readonly minorMs: number;
}

export type HostTiming = AgentChangeTiming & { readonly gc: ChangeGc };

type ToHost = { readonly type: 'change'; readonly blocked: boolean } | { readonly type: 'stop' };
type FromHost =
  | ({ readonly type: 'ready' } & HostReady)
  | { readonly type: 'changed'; readonly timing: HostTiming }
  | { readonly type: 'stopped' }
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'failed'; readonly message: string };

interface GcEntry {
  readonly start: number;
  readonly end: number;
  readonly major: boolean;
}

/** Sums the pauses that overlap [from, to]: a pause is the heap stopping this thread. */
export function gcInside(entries: readonly GcEntry[], from: number, to: number): ChangeGc {
  let majorMs = 0;
  let minorMs = 0;
  for (const e of entries) {
    const d = Math.min(e.end, to) - Math.max(e.start, from);
    if (d <= 0) continue;
    if (e.major) majorMs += d;
    else minorMs += d;
  }
  return { majorMs, minorMs };
}

/** This thread's garbage collections from now on, until stop(). */
export interface GcLog {
  /** The pauses overlapping [from, to] (performance.now() times). */
  inside(from: number, to: number): ChangeGc;
  stop(): void;
}

export function recordGc(): GcLog {
  const gcs: GcEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
      gcs.push({ start: e.startTime, end: e.startTime + e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { inside: (from, to) => gcInside(gcs, from, to), stop: () => observer.disconnect() };
}

/** A full collection then the used heap, in MiB; NaN when gc is not exposed. */
function collectedHeapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  return getHeapStatistics().used_heap_size / 2 ** 20;
}

/** The worker's side: runs until told to stop; every failure is reported, not thrown. */
export async function serveAgentHost(job: AgentHostJob, port: MessagePort, openTable: (netns: string) => Promise<{ table: NodeTable; fallback?: string }>): Promise<void> {
  const post = (m: FromHost): void => port.postMessage(m);
  const gcs = recordGc();
  const clock = systemClock();
  const objects = benchCluster(job.spec, job.nodes, job.endpoints).documents.map((d) => d.object);
  const { store, disk, load } = loadStore(job.dir, objects, clock);
  objects.length = 0;
  const { table, fallback } = await openTable(job.netns);
  const recorder = applyRecorder((message) => post({ type: 'log', message }));
  const agent = labNodeAgent({ store, node: job.node, netns: job.netns, table, clock, logger: recorder });
  const stop = async (): Promise<void> => {
    gcs.stop();
    await agent.stop();
    await table.close?.();
    store.close();
    rmSync(job.dir, { recursive: true, force: true });
  };
  try {
    const t0 = performance.now();
    agent.start();
    await idle(agent, 600_000, 'start');
    const first = recorder.applies[0];
    const applied = agent.applied();
    const initial = { readyMs: (first?.at ?? Number.NaN) - t0, idleMs: performance.now() - t0, reconciles: agent.status().reconciles, elements: applied === undefined ? 0 : elementCounts(applied).total };
    post({ type: 'ready', load, initial, heapMb: collectedHeapMb(), ...(fallback === undefined ? {} : { fallback }) });
  } catch (e) {
    await stop();
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.on('message', (m: ToHost) => {
    if (m.type === 'stop') {
      void stop().then(() => post({ type: 'stopped' }), (e: unknown) => post({ type: 'failed', message: String(e) }));
      return;
    }
    const t0 = performance.now();
    measureChange(store, disk, agent, recorder.applies, allowPolicy(m.blocked))
      // The observer's entries arrive a turn after the collection: wait one before summing.
      .then(async (t) => {
        await new Promise((r) => setTimeout(r, 0));
        post({ type: 'changed', timing: { ...t, gc: gcs.inside(t0, t0 + t.totalMs) } });
      })
      .catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
  });
}

export interface AgentHost {
  readonly ready: HostReady;
  /** Writes the bench policy (blocked: allow an unused port) and resolves when its rules are live. */
  change(blocked: boolean): Promise<HostTiming>;
  /** Stops the agent (the table stays), closes and removes the store, ends the worker. */
  stop(): Promise<void>;
}

/** Starts the host in a worker thread and resolves once the agent is ready; the agent's warnings and errors go to `log`. */
export function startAgentHost(job: AgentHostJob, log: (m: string) => void = () => undefined): Promise<AgentHost> {
  const worker = new Worker(new URL('./agent-host-worker.ts', import.meta.url), { workerData: job });
  let waiting: { resolve: (m: FromHost) => void; reject: (e: Error) => void } | undefined;
  let dead: Error | undefined;
  const next = (): Promise<FromHost> => {
    if (dead !== undefined) return Promise.reject(dead);
    return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
  };
  const fail = (e: Error): void => {
    dead ??= e;
    const w = waiting;
    waiting = undefined;
    w?.reject(e);
  };
  worker.on('message', (m: FromHost) => {
    if (m.type === 'log') {
      log(m.message);
      return;
    }
    const w = waiting;
    waiting = undefined;
    if (m.type === 'failed') fail(new Error(`agent host: ${m.message}`));
    else w?.resolve(m);
  });
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => fail(new Error(`the agent host's worker exited with ${code}`)));
  const expect = async <T extends FromHost['type']>(type: T): Promise<Extract<FromHost, { type: T }>> => {
    const m = await next();
    if (m.type !== type) throw new Error(`agent host: expected ${type}, got ${m.type}`);
    return m as Extract<FromHost, { type: T }>;
  };
  return expect('ready').then(
    ({ type: _, ...ready }) => ({
      ready,
      change: async (blocked) => {
        const reply = expect('changed');
        worker.postMessage({ type: 'change', blocked } satisfies ToHost);
        return (await reply).timing;
      },
      stop: async () => {
        const reply = expect('stopped');
        worker.postMessage({ type: 'stop' } satisfies ToHost);
        try {
          await reply;
        } finally {
          await worker.terminate();
        }
      },
    }),
    async (e: unknown) => {
      await worker.terminate();
      rmSync(job.dir, { recursive: true, force: true });
      throw e;
    },
  );
}

/** The store directory of a host under the bench's state directory. */
export function hostDir(stateDir: string): string {
  return join(stateDir, 'agent-store');
}
