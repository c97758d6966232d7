// Part 3 through the real agent: a policy change written to the embedded control plane's
// store until the agent (createAgent, wired as main/embedded-cluster.ts wires a lab node's)
// has the change in the node's kernel table. The figure covers what a `palisade up` user
// waits for: the store's durable write (fsynced log), the synchronous watch delivery, the
// agent's debounce, its reconcile (conversion cache, model, recompile, plan, delta) and
// the nft transaction. Each change flips the bench server's ingress allow between its real
// port and an unused one (as latency-part.ts does); after each change a real connection
// checks that the kernel enforces it (untimed).
//
// "Live" is when the agent's nft transaction returned: the agent logs that moment with its
// mode and timings ('table updated' / 'table replaced'), and the bench's logger stamps it.
// No polling of the kernel (listing the 158k-element table takes seconds).
import { deferredPersistence } from '../bench/deferred-persistence.ts';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Agent } from '../../src/agent/agent.ts';
import { createAgent } from '../../src/agent/agent.ts';
import type { Logger } from '../../src/agent/logger.ts';
import type { SourceDocument } from '../../src/api/source-document.ts';
import type { NodeTable } from '../../src/agent/node-table.ts';
import { sessionNodeTable } from '../../src/agent/node-table.ts';
import { embeddedStoreSource } from '../../src/sources/embedded-store-source.ts';
import { storeStatusWriter } from '../../src/sources/store-status-writer.ts';
import { apiValidator } from '../../src/store/admission.ts';
import type { Clock } from '../../src/store/clock.ts';
import { systemClock } from '../../src/store/clock.ts';
import { DiskPersistence } from '../../src/store/disk-persistence.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { isStoreError } from '../../src/store/store-errors.ts';
import type { ObjectInput } from '../../src/store/store-object.ts';
import { BENCH_NS } from './bench-cluster.ts';
import type { BenchLab } from './bench-lab.ts';
import { reachable } from './bench-lab.ts';
import { allowPolicy } from './latency-part.ts';
import { elementCounts } from './load-part.ts';
import { fmtMs, table } from './report.ts';
import { median, summarizeLatency } from './stats.ts';

/** One nft transaction of the agent, as it logged it, stamped with performance.now(). */
export interface AgentApply {
  readonly at: number;
  readonly mode: 'delta' | 'replace';
  /** Element and chain changes of a delta; NaN for a replace. */
  readonly changes: number;
  /** The agent's own figures (its clock: whole milliseconds). */
  readonly applyMs: number;
  readonly reconcileMs: number;
}

export interface AgentChangeTiming {
  /** From just before the store write until the agent's transaction with the change returned. */
  readonly totalMs: number;
  /** The store's update call: admission, the fsynced log append, the synchronous watch delivery. */
  readonly writeMs: number;
  /** The agent's reconcile that carried the change: from its start (after the debounce) to the end of its transaction. */
  readonly reconcileMs: number;
  /** The nft transaction alone. */
  readonly applyMs: number;
  readonly mode: 'delta' | 'replace';
  readonly changes: number;
  /** Reconciles the change caused until the agent was idle again (1 unless status writes came back as events). */
  readonly reconciles: number;
}

export interface StoreLoad {
  readonly objects: number;
  /** Every object through the store's create (admission, server-set metadata), durability deferred. */
  readonly createMs: number;
  /** The one snapshot that makes the load durable. */
  readonly persistMs: number;
  /** Reopening the directory as `palisade up` opens its store (snapshot load). */
  readonly openMs: number;
}

export interface AgentLatencyResult {
  readonly timings: readonly AgentChangeTiming[];
  readonly stoppedByBudget: boolean;
  /** Changes whose real-traffic check disagreed with what the change should do. */
  readonly trafficMismatches: readonly string[];
  readonly load: StoreLoad;
  /** From agent.start() until its first full replace returned, and until it was idle after it (status writes). */
  readonly initial: { readonly readyMs: number; readonly idleMs: number; readonly reconciles: number; readonly elements: number };
  /** Why the agent had no persistent nft session (it spawned nft per transaction). */
  readonly fallback?: string;
}

export interface AgentLatencyInput {
  /** The big cluster's objects (BuiltModel.cluster.documents). */
  readonly documents: readonly SourceDocument[];
  readonly node: string;
  readonly netns: string;
}

/** Namespaces first (the store refuses namespaced objects without theirs), otherwise in the given order. */
export function loadOrder<T>(objects: readonly T[]): T[] {
  const isNs = (o: T): boolean => (o as { kind?: unknown } | undefined)?.kind === 'Namespace';
  return [...objects.filter(isNs), ...objects.filter((o) => !isNs(o))];
}

/** The agent's log record of a transaction ('table updated' / 'table replaced'), or undefined for any other record. */
export function applyRecord(obj: object): Omit<AgentApply, 'at'> | undefined {
  const r = obj as { mode?: unknown; changes?: unknown; applyMs?: unknown; reconcileMs?: unknown };
  if ((r.mode !== 'delta' && r.mode !== 'replace') || typeof r.applyMs !== 'number' || typeof r.reconcileMs !== 'number') return undefined;
  return { mode: r.mode, changes: typeof r.changes === 'number' ? r.changes : Number.NaN, applyMs: r.applyMs, reconcileMs: r.reconcileMs };
}

/** A Logger (otherwise silent) that stamps the agent's transactions and passes warnings and errors to `log`. */
export function applyRecorder(log: (m: string) => void = () => undefined): Logger & { readonly applies: AgentApply[] } {
  const applies: AgentApply[] = [];
  const loud = (level: string) => (obj: object, msg?: string): void => log(`  agent ${level}: ${msg ?? ''} ${JSON.stringify(obj)}`);
  return {
    applies,
    debug: () => undefined,
    info: (obj) => {
      const at = performance.now();
      const a = applyRecord(obj);
      if (a !== undefined) applies.push({ at, ...a });
    },
    warn: loud('warn'),
    error: loud('error'),
  };
}

/**
 * Writes `objects` into a new store in `dir` and returns it opened the way `palisade up`
 * opens its store. The store has no batch write, and one fsynced log record per object
 * (115k) plus a snapshot every 1000 records takes minutes; so the objects go through the
 * store's own create (admission, uid, timestamps, resourceVersions) with the log's fsyncs
 * deferred to ONE snapshot of the store's own state (store.compact()), as a restore would
 * do. Namespaces the store creates itself (kube-system) are updated to the given labels.
 */
export function loadStore(dir: string, objects: readonly unknown[], clock: Clock): { store: ObjectStore; load: StoreLoad } {
  const disk = new DiskPersistence(dir);
  const deferred = deferredPersistence(disk);
  const opts = { clock, idGenerator: randomUUID, defaultValidator: apiValidator() };
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
  const loader = new ObjectStore({ ...opts, persistence: deferred });
  let createMs: number;
  let persistMs: number;
  try {
    for (const o of loadOrder(objects)) {
      try {
        loader.create(o as ObjectInput);
      } catch (e) {
        if (!isStoreError(e, 'AlreadyExists')) throw e;
        loader.update(o as ObjectInput);
      }
    }
    createMs = lap();
    loader.compact();
    persistMs = lap();
  } finally {
    loader.close();
  }
  const store = openStore({ dir, ...opts });
  return { store, load: { objects: objects.length, createMs, persistMs, openMs: lap() } };
}

/** The agent of one lab node, wired as main/embedded-cluster.ts wires it (embedded store source, store status writer). */
export function labNodeAgent(o: { store: ObjectStore; node: string; netns: string; table: NodeTable; clock: Clock; logger: Logger }): Agent {
  const metrics = new Registry();
  metrics.setDefaultLabels({ node: o.node });
  return createAgent({
    node: o.node, netns: o.netns, source: embeddedStoreSource(o.store), applier: o.table,
    clock: o.clock, logger: o.logger, metrics, statusWriter: storeStatusWriter(o.store),
  });
}

async function idle(agent: Agent, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      agent.whenIdle(),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the agent was not idle ${timeoutMs} ms after ${what}`)), timeoutMs); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const s = agent.status();
  if (!s.ready) throw new Error(`the agent failed after ${what}: ${s.lastApply?.error ?? 'not ready'}`);
}

/**
 * Writes `object` as an update of the stored object and waits until the agent is idle;
 * the timing is of the agent's first transaction after the write (the agent was idle
 * before it, so that reconcile is the one that took the change).
 */
export async function measureChange(store: ObjectStore, agent: Agent, applies: readonly AgentApply[], object: object, timeoutMs = 120_000): Promise<AgentChangeTiming> {
  await idle(agent, timeoutMs, 'the previous change');
  const mark = applies.length;
  const reconcilesBefore = agent.status().reconciles;
  const t0 = performance.now();
  store.update(object as ObjectInput);
  const writeMs = performance.now() - t0;
  await idle(agent, timeoutMs, 'a policy change');
  const a = applies[mark];
  if (a === undefined) throw new Error(`the agent applied nothing for the change (last reconcile: ${agent.status().lastApply?.mode ?? 'none'})`);
  return { totalMs: a.at - t0, writeMs, reconcileMs: a.reconcileMs, applyMs: a.applyMs, mode: a.mode, changes: a.changes, reconciles: agent.status().reconciles - reconcilesBefore };
}

export async function runAgentLatencyPart(b: BenchLab, input: AgentLatencyInput, count: number, budgetS: number, log: (m: string) => void): Promise<AgentLatencyResult> {
  const clock = systemClock();
  const dir = join(b.stateDir, 'agent-store');
  // Only what this part starts is stopped here (the agent, its nft session, the store); the table stays.
  try {
    log(`  loading ${input.documents.length} objects into the embedded store (${dir})...`);
    const { store, load } = loadStore(dir, input.documents.map((d) => d.object), clock);
    try {
      log(`  store: create ${fmtMs(load.createMs)}, snapshot ${fmtMs(load.persistMs)}, reopen ${fmtMs(load.openMs)}`);
      const { table, fallback } = await sessionNodeTable(input.netns);
      if (fallback !== undefined) log(`  no persistent nft session (${fallback}): the agent spawns nft per transaction`);
      const recorder = applyRecorder(log);
      const agent = labNodeAgent({ store, node: input.node, netns: input.netns, table, clock, logger: recorder });
      try {
        const r = await measureAgent(b, store, agent, recorder.applies, count, budgetS, log);
        return { ...r, load, ...(fallback === undefined ? {} : { fallback }) };
      } finally {
        await agent.stop();
        await table.close?.();
      }
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the agent, waits for its first apply, then runs the changes with a real-traffic check after each. */
async function measureAgent(
  b: BenchLab, store: ObjectStore, agent: Agent, applies: readonly AgentApply[], count: number, budgetS: number, log: (m: string) => void,
): Promise<Omit<AgentLatencyResult, 'load' | 'fallback'>> {
  const t0 = performance.now();
  agent.start();
  await idle(agent, 600_000, 'start');
  const first = applies[0];
  const applied = agent.applied();
  const initial = { readyMs: (first?.at ?? Number.NaN) - t0, idleMs: performance.now() - t0, reconciles: agent.status().reconciles, elements: applied === undefined ? 0 : elementCounts(applied).total };
  log(`  agent ready after ${fmtMs(initial.readyMs)} (first ${first?.mode ?? '?'}), idle after ${fmtMs(initial.idleMs)} (${initial.reconciles} reconciles), ${initial.elements} elements`);
  const timings: AgentChangeTiming[] = [];
  const mismatches: string[] = [];
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    if (i >= 1 && performance.now() - began > budgetS * 1000) return { timings, stoppedByBudget: true, trafficMismatches: mismatches, initial };
    const blocked = i % 2 === 0;
    const t = await measureChange(store, agent, applies, allowPolicy(blocked));
    timings.push(t);
    const got = await reachable(b, b.clients.same);
    if (got === blocked) mismatches.push(`change ${i + 1}: ${BENCH_NS}/client-same -> server:http ${got ? 'connected' : 'was dropped'}, the policy says ${blocked ? 'deny' : 'allow'}`);
    log(`  policy change ${i + 1}: live after ${t.totalMs.toFixed(1)} ms (write ${t.writeMs.toFixed(1)} ms, reconcile ${t.reconcileMs} ms of which nft ${t.applyMs} ms, ${t.mode === 'delta' ? `delta of ${t.changes} changes` : 'full replace'}${t.reconciles === 1 ? '' : `, ${t.reconciles} reconciles`}); real traffic ${got ? 'allowed' : 'denied'}${got === blocked ? ' — WRONG' : ''}`);
  }
  return { timings, stoppedByBudget: false, trafficMismatches: mismatches, initial };
}

/** The report's rows: totals, then the write, the wait (delivery, debounce, timers), the reconcile's computation and the transaction. */
export function formatAgentChanges(timings: readonly AgentChangeTiming[]): string {
  const s = summarizeLatency(timings.map((t) => t.totalMs));
  const w = summarizeLatency(timings.map((t) => t.writeMs));
  const p50 = (f: (t: AgentChangeTiming) => number): string => fmtMs(median(timings.map(f)));
  const modes = modeCounts(timings);
  return table([
    ['what', 'n', 'p50', 'p90', 'p99', 'max', 'write p50', 'write p99', 'wait p50', 'compute p50', 'nft p50', 'transactions'],
    [
      'policy change', String(s.n), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max), fmtMs(w.p50), fmtMs(w.p99),
      p50((t) => t.totalMs - t.writeMs - t.reconcileMs), p50((t) => t.reconcileMs - t.applyMs), p50((t) => t.applyMs),
      `${modes.delta} delta, ${modes.replace} replace`,
    ],
  ], 1);
}

export function modeCounts(timings: readonly AgentChangeTiming[]): { delta: number; replace: number; extraReconciles: number } {
  let delta = 0;
  let replace = 0;
  let extra = 0;
  for (const t of timings) {
    if (t.mode === 'delta') delta++;
    else replace++;
    extra += Math.max(0, t.reconciles - 1);
  }
  return { delta, replace, extraReconciles: extra };
}
