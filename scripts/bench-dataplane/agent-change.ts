// The agent latency part's building blocks, in the thread that holds the store and the
// agent (agent-host.ts runs them in a worker): the bulk store load as `palisade up` opens
// it, a lab node's agent wired as main/embedded-cluster.ts wires it, and one timed change.
//
// "Live" is when the agent's nft transaction returned: the agent logs that moment with its
// mode and timings ('table updated' / 'table replaced'), and the recorder stamps it. No
// polling of the kernel (listing the 158k-element table takes seconds).
import { lapTimer } from '../bench/measure.ts';
import { deferredPersistence } from '../bench/deferred-persistence.ts';
import type { TimedPersistence } from '../bench/timed-persistence.ts';
import { timedPersistence } from '../bench/timed-persistence.ts';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { Agent } from '../../src/agent/agent.ts';
import { createAgent } from '../../src/agent/agent.ts';
import type { Logger } from '../../src/agent/logger.ts';
import type { NodeTable } from '../../src/agent/node-table.ts';
import { embeddedStoreSource } from '../../src/sources/embedded-store-source.ts';
import { storeStatusWriter } from '../../src/sources/store-status-writer.ts';
import { apiValidator } from '../../src/store/admission.ts';
import type { Clock } from '../../src/store/clock.ts';
import { DiskPersistence } from '../../src/store/disk-persistence.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { isStoreError } from '../../src/store/store-errors.ts';
import type { ObjectInput } from '../../src/store/store-object.ts';
import type { PressureDelta } from './host-pressure.ts';
import { pressureDelta, samplePressure } from './host-pressure.ts';

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
  /** Of the write: the log append and its fsync. */
  readonly commitMs: number;
  /** What the machine did during the whole change (stalls, steal, dirty pages). */
  readonly pressure: PressureDelta;
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
export function loadStore(dir: string, objects: readonly unknown[], clock: Clock): { store: ObjectStore; disk: TimedPersistence; load: StoreLoad } {
  const disk = new DiskPersistence(dir);
  const deferred = deferredPersistence(disk);
  const opts = { clock, idGenerator: randomUUID, defaultValidator: apiValidator() };
  const lap = lapTimer();
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
  // As openStore() opens it, with its commits timed.
  const timed = timedPersistence(new DiskPersistence(dir));
  const store = new ObjectStore({ ...opts, persistence: timed });
  return { store, disk: timed, load: { objects: objects.length, createMs, persistMs, openMs: lap() } };
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

export async function idle(agent: Agent, timeoutMs: number, what: string): Promise<void> {
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
export async function measureChange(store: ObjectStore, disk: Pick<TimedPersistence, 'commitMsInside'>, agent: Agent, applies: readonly AgentApply[], object: object, timeoutMs = 120_000): Promise<AgentChangeTiming> {
  await idle(agent, timeoutMs, 'the previous change');
  const mark = applies.length;
  const reconcilesBefore = agent.status().reconciles;
  const before = samplePressure();
  const t0 = performance.now();
  store.update(object as ObjectInput);
  const t1 = performance.now();
  await idle(agent, timeoutMs, 'a policy change');
  const a = applies[mark];
  if (a === undefined) throw new Error(`the agent applied nothing for the change (last reconcile: ${agent.status().lastApply?.mode ?? 'none'})`);
  // Sampled once idle: covers the change (and the status writes after it, a few ms).
  const pressure = pressureDelta(before, samplePressure());
  return {
    totalMs: a.at - t0, writeMs: t1 - t0, commitMs: disk.commitMsInside(t0, t1), pressure,
    reconcileMs: a.reconcileMs, applyMs: a.applyMs, mode: a.mode, changes: a.changes, reconciles: agent.status().reconciles - reconcilesBefore,
  };
}

