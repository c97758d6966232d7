// The node agent: follows the cluster's objects from a source, rebuilds the model when
// they change, and keeps ONE node's nftables table in sync with it, hitlessly.
//
// - Bursts of events are coalesced: an event marks the state dirty and arms one short
//   debounce timer; one reconcile runs at a time and picks up everything that arrived.
// - Conversion is cached per object version (conversion-cache.ts); pod changes and
//   Namespace objects relabelled, created or deleted patch the last snapshot instead
//   (pod-patch.ts, namespace-patch.ts). The snapshot is recompiled from the last compile
//   (recompile.ts: incremental when only pods, policies and namespaces changed) and
//   planned by the agent's planner (plan.ts), which follows the changes: surviving
//   classes keep their numbers, untouched rows stay as they were.
// - The table changes only by single nft transactions. The delta against the last
//   APPLIED ruleset is one transaction however large (delta() cuts long element lists
//   into several commands of the same file, so there is no intermediate state to be
//   consistent); above `fullReplaceAbove` changes a full replace (also one transaction)
//   is sent instead, as it is smaller than that many element commands.
// - The first apply of an agent, and the first after any failure, is a full atomic
//   replace (renderRuleset: create-if-missing, delete, declare — one transaction). So a
//   restarted agent (after kill -9) leaves the previous run's table enforcing until the
//   new one is ready and swaps it in one step. Nothing is applied before the source has
//   synced every resource: a partial cluster would be a wrong table. Stopping the agent
//   never removes the table.
// - Failures back off exponentially; the state stays dirty so the retry picks up the
//   latest objects.
// - With a drop log (the kernel's records of the drop chains, drop-log.ts) every dropped
//   packet is logged with its policy and the pods or nodes behind its addresses.
import type { HandlerTable } from '../api/handlers.ts';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import { delta, DEFAULT_CHUNK } from '../dataplane/delta.ts';
import { createPlanner } from '../dataplane/plan.ts';
import type { Planner } from '../dataplane/plan.ts';
import { renderRuleset } from '../dataplane/render.ts';
import type { Ruleset } from '../dataplane/ruleset.ts';
import type { DropLogHandler } from '../dataplane/drop-log.ts';
import type { Cluster } from '../model/cluster.ts';
import { notEnforcedFindings } from '../engine/analyze.ts';
import { compile } from '../engine/compile.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import { recompile } from '../engine/recompile.ts';
import type { Clock } from '../store/clock.ts';
import type { BackoffOptions, Timers } from '../sources/backoff.ts';
import { backoffDelay, GLOBAL_TIMERS } from '../sources/backoff.ts';
import type { ObjectSource, SourceSubscription } from '../sources/object-source.ts';
import type { StatusWriter } from '../sources/status-writer.ts';
import type { Registry } from 'prom-client';
import type { ApplyMode } from './agent-metrics.ts';
import { AgentMetrics } from './agent-metrics.ts';
import { buildModel } from './cluster-model.ts';
import type { ModelBuild } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import { enforcementReports, Reporter } from './enforcement-reports.ts';
import type { Logger } from './logger.ts';
import { errorFields } from './logger.ts';
import { dropNamespaces, patchNamespaces } from './namespace-patch.ts';
import type { NodeTable } from './node-table.ts';
import { ObjectCache } from './object-cache.ts';
import type { PodPatchBase } from './pod-patch.ts';
import { patchBase, patchPods } from './pod-patch.ts';
import { patchPolicies } from './policy-patch.ts';
import { dropUnchanged } from './unchanged-objects.ts';
import { addressNames, droppedPacketRecords } from './dropped-packets.ts';

export interface AgentOptions {
  /** This node's name: pods with spec.nodeName equal to it are the table's local pods. */
  readonly node: string;
  /** The node's network namespace (informational here: the applier acts on it); null: the host's. */
  readonly netns: string | null;
  readonly source: ObjectSource;
  readonly applier: NodeTable;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly statusWriter?: StatusWriter;
  /** Coalescing window after an event; default 10 ms. */
  readonly debounceMs?: number;
  /** Backoff of retries after a failed reconcile; default 100 ms doubling to 30 s. */
  readonly retry?: BackoffOptions;
  /** Element changes above which a full replace is sent instead of a delta; default 50,000. */
  readonly fullReplaceAbove?: number;
  /** Elements per nft command inside a delta; default delta.ts DEFAULT_CHUNK. */
  readonly chunk?: number;
  readonly handlers?: HandlerTable;
  readonly timers?: Timers;
  /** The kernel's log of the table's drops (drop-log.ts); each dropped packet is logged as 'packet dropped'. */
  readonly dropLog?: DropLogSource;
}

/** Opens the reader of the node's drop log; rejects saying why it cannot. */
export interface DropLogSource {
  open(handler: DropLogHandler): Promise<{ close(): Promise<void> }>;
}

export interface ApplyRecord {
  readonly at: number;
  readonly mode: ApplyMode | 'none';
  /** Element and chain changes of a delta; NaN for a replace. */
  readonly changes: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface AgentStatus {
  /** Every resource has been listed once. */
  readonly synced: boolean;
  /** The first apply succeeded and the last one did too. */
  readonly ready: boolean;
  readonly reconciles: number;
  readonly consecutiveErrors: number;
  readonly lastApply?: ApplyRecord;
  readonly objects: number;
}

export interface Agent {
  start(): void;
  /** Stops following the source and retrying; the table stays as it is (still enforcing). */
  stop(): Promise<void>;
  /** Resolves once no reconcile is running or due (a pending retry after a failure does not count) and reports are written. */
  whenIdle(): Promise<void>;
  status(): AgentStatus;
  /** The ruleset the kernel holds, as far as the agent knows (undefined before the first apply and after a failed one). */
  applied(): Ruleset | undefined;
}

export function createAgent(o: AgentOptions): Agent {
  return new NodeAgent(o);
}

class NodeAgent implements Agent {
  readonly #o: AgentOptions;
  readonly #timers: Timers;
  readonly #handlers: HandlerTable;
  readonly #cache = new ObjectCache();
  readonly #conversions = new ConversionCache();
  readonly #metrics: AgentMetrics;
  readonly #reporter: Reporter;
  #subscription: SourceSubscription | undefined;
  #synced = false;
  #stopped = false;
  #dirty = false;
  #running: Promise<void> | undefined;
  #timer: { handle: unknown; kind: 'debounce' | 'retry' } | undefined;
  #applied: Ruleset | undefined;
  /** Remembers the last plan (numbering, classes, rows) and follows changes from there. */
  readonly #planner: Planner = createPlanner();
  #everApplied = false;
  #consecutiveErrors = 0;
  #reconciles = 0;
  #lastApply: ApplyRecord | undefined;
  #idleWaiters: Array<() => void> = [];
  #dropLog: Promise<{ close(): Promise<void> } | undefined> | undefined;
  /** Address → pod or node name, for the drop log's records; rebuilt when the model's cluster changes. */
  #names: { cluster: Cluster; names: ReadonlyMap<string, string> } | undefined;
  /**
   * The model and compile of the last successful computation, for pod, namespace
   * and policy changes (pod-patch.ts, namespace-patch.ts, policy-patch.ts), and what the
   * reports of a patched model read of the last full build; dropped after any failure.
   */
  #model: { base: PodPatchBase; compiled: CompiledCluster; reports: ReturnType<typeof enforcementReports>; build: Omit<ModelBuild, 'snapshot'> } | undefined;

  constructor(o: AgentOptions) {
    this.#o = o;
    this.#timers = o.timers ?? GLOBAL_TIMERS;
    this.#handlers = o.handlers ?? DEFAULT_HANDLERS;
    this.#reporter = new Reporter(o.statusWriter, o.logger);
    this.#metrics = new AgentMetrics(o.metrics, {
      applied: () => this.#applied,
      readback: () => o.applier.readback(),
      onError: (err) => o.logger.warn({ ...errorFields(err) }, 'could not read the drop counters of the table'),
    });
  }

  start(): void {
    if (this.#subscription !== undefined || this.#stopped) throw new Error('the agent was already started');
    const { logger } = this.#o;
    logger.info({ node: this.#o.node, netns: this.#o.netns, table: this.#o.applier.description, source: this.#o.source.description }, 'agent starting');
    this.#subscription = this.#o.source.start({
      onReplace: (resource, objects) => {
        this.#cache.replace(resource, objects);
        logger.debug({ resource, objects: objects.length }, 'listed');
        this.#changed();
      },
      onEvent: (ev) => {
        this.#cache.apply(ev);
        this.#changed();
      },
      onSynced: () => {
        this.#synced = true;
        logger.info({ objects: this.#cache.size }, 'source synced');
        this.#changed();
      },
      onError: (err, ctx) => {
        logger.warn({ ...errorFields(err), resource: ctx.resource, retryInMs: ctx.retryInMs }, `list/watch of ${ctx.resource} failed; retrying`);
      },
    });
    const dropLog = this.#o.dropLog;
    if (dropLog !== undefined) {
      // Without the drop log the table enforces all the same; drops are still counted.
      this.#dropLog = dropLog.open({
        onPackets: (packets) => this.#logDrops(packets),
        onLost: () => {
          this.#metrics.dropLogLost.inc();
          logger.warn({}, 'the drop log fell behind: the kernel discarded dropped-packet records');
        },
        onError: (message) => {
          this.#metrics.dropLogUp.set(0);
          logger.warn({ error: message }, 'the drop log stopped; drops are still counted');
        },
      }).then(
        (log) => {
          this.#metrics.dropLogUp.set(1);
          logger.info({}, 'logging dropped packets');
          return log;
        },
        (err: unknown) => {
          logger.warn({ ...errorFields(err) }, 'dropped packets cannot be logged; drops are still counted');
          return undefined;
        },
      );
    }
  }

  #logDrops(packets: Parameters<DropLogHandler['onPackets']>[0]): void {
    const cluster = this.#model?.base.snapshot.cluster;
    if (cluster !== undefined && this.#names?.cluster !== cluster) this.#names = { cluster, names: addressNames(cluster) };
    for (const r of droppedPacketRecords(packets, this.#names?.names ?? new Map())) {
      this.#metrics.droppedLogged.inc();
      this.#o.logger.info({ ...r }, 'packet dropped');
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#subscription?.stop();
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    await this.#running;
    await this.#reporter.settled();
    await (await this.#dropLog)?.close();
    this.#metrics.dropLogUp.set(0);
    this.#wakeIdle();
  }

  async whenIdle(): Promise<void> {
    while (!this.#isIdle()) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    await this.#reporter.settled();
  }

  status(): AgentStatus {
    return {
      synced: this.#synced,
      ready: this.#everApplied && this.#lastApply?.ok === true,
      reconciles: this.#reconciles,
      consecutiveErrors: this.#consecutiveErrors,
      ...(this.#lastApply === undefined ? {} : { lastApply: this.#lastApply }),
      objects: this.#cache.size,
    };
  }

  applied(): Ruleset | undefined {
    return this.#applied;
  }

  #isIdle(): boolean {
    if (this.#stopped) return this.#running === undefined;
    if (!this.#synced) return false;
    return this.#running === undefined && this.#timer?.kind !== 'debounce' && (!this.#dirty || this.#timer?.kind === 'retry');
  }

  #wakeIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #changed(): void {
    this.#dirty = true;
    if (!this.#synced || this.#stopped || this.#running !== undefined || this.#timer !== undefined) return;
    this.#arm('debounce', this.#o.debounceMs ?? 10);
  }

  #arm(kind: 'debounce' | 'retry', ms: number): void {
    const handle = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#loop().finally(() => {
        this.#running = undefined;
        // Events that came while a reconcile ran and found no timer: run again.
        if (this.#dirty && this.#timer === undefined && !this.#stopped) this.#arm('debounce', 0);
        this.#wakeIdle();
      });
    }, ms);
    this.#timer = { handle, kind };
  }

  async #loop(): Promise<void> {
    while (this.#dirty && !this.#stopped) {
      this.#dirty = false;
      const ok = await this.#reconcile();
      if (!ok) {
        this.#dirty = true;
        if (!this.#stopped) this.#arm('retry', backoffDelay(this.#consecutiveErrors, this.#o.retry));
        return;
      }
    }
  }

  /** One pass: build, plan, apply. False when it failed (the caller retries). */
  async #reconcile(): Promise<boolean> {
    const { logger, clock, applier } = this.#o;
    this.#reconciles++;
    const started = clock.now();
    let next: Ruleset;
    let policyCount: number;
    let reports;
    const pending = this.#cache.takeChanges();
    try {
      // Pod, namespace and policy changes patch the last model (same nodes, tiers,
      // services, network sets) and recompile incrementally. The patches decline objects
      // with problems or warnings, so the reports can change only through the policies:
      // they are recomputed when policies changed and kept otherwise. The policy patch
      // goes before the pod patch, which updates the base in place even when it declines.
      // Updates that convert as before (Node status, annotations) are dropped first.
      const model = this.#model;
      this.#model = undefined;
      const relabel = model === undefined || pending.all ? undefined : patchNamespaces(model.base, pending.namespaces, this.#handlers);
      const others = relabel === undefined ? undefined : dropUnchanged(relabel.base.otherObjects, pending.others, this.#handlers);
      const repolicy = relabel === undefined || others === undefined ? undefined : others.size === 0 ? { snapshot: relabel.base.snapshot } : patchPolicies(relabel.base, others, this.#handlers);
      const repodded = relabel === undefined || repolicy === undefined ? undefined : patchPods({ ...relabel.base, snapshot: repolicy.snapshot }, pending.pods, this.#handlers);
      // Namespaces deleted go last: their pods and policies are deleted first, maybe in the same burst.
      const rest = relabel === undefined || repodded === undefined ? undefined : dropNamespaces(repodded.base, relabel.deleted);
      const patched = repodded === undefined || rest === undefined ? undefined : { ...repodded, base: rest };
      let compiled: CompiledCluster;
      if (model !== undefined && relabel !== undefined && repolicy !== undefined && patched !== undefined) {
        const { cluster, policies } = patched.base.snapshot;
        const policiesChanged = policies !== model.base.snapshot.policies;
        compiled = patched.changed.size === 0 && !relabel.changed && !policiesChanged ? model.compiled : recompile(model.compiled, cluster, policies, patched.hint);
        reports = policiesChanged ? enforcementReports({ ...model.build, snapshot: patched.base.snapshot }, policies, notEnforcedFindings(policies.policies)) : model.reports;
        this.#model = { base: patched.base, compiled, reports, build: model.build };
      } else {
        const objects = this.#cache.objects();
        const build = buildModel(objects, this.#handlers, this.#conversions);
        const { cluster, policies } = build.snapshot;
        compiled = model === undefined ? compile(cluster, policies) : recompile(model.compiled, cluster, policies);
        reports = enforcementReports(build, build.snapshot.policies, notEnforcedFindings(build.snapshot.policies.policies));
        this.#model = { base: patchBase(build.snapshot, objects), compiled, reports, build: { refs: build.refs, podsWithoutAddress: build.podsWithoutAddress } };
      }
      next = this.#planner.plan(compiled, { node: this.#o.node });
      policyCount = compiled.policies.policies.length;
    } catch (err) {
      this.#model = undefined;
      return this.#failed(started, 'none', err, 'could not compute the ruleset');
    }

    let mode: ApplyMode | 'none' = 'replace';
    let text: string;
    let changes = Number.NaN;
    const old = this.#applied;
    try {
      if (old === undefined) {
        text = renderRuleset(next);
      } else {
        const d = delta(old, next, this.#o.chunk ?? DEFAULT_CHUNK);
        if (d.full || d.changes > (this.#o.fullReplaceAbove ?? 50_000)) {
          text = d.full ? d.text : renderRuleset(next);
        } else {
          mode = d.text === '' ? 'none' : 'delta';
          text = d.text;
          changes = d.changes;
        }
      }
    } catch (err) {
      // A table the conntrack mark cannot encode (LayoutLimitError): keep the applied table, say why.
      this.#model = undefined;
      return this.#failed(started, 'none', err, 'could not lay out the ruleset');
    }
    const t0 = clock.now();
    if (mode !== 'none') {
      // Unknown after a failure: the next attempt is a full replace.
      this.#applied = undefined;
      try {
        if (mode === 'replace') await applier.replace(text);
        else await applier.apply(text);
      } catch (err) {
        this.#metrics.applyErrors.inc();
        this.#model = undefined;
        return this.#failed(t0, mode, err, `${mode === 'replace' ? 'full replace' : 'delta'} of the table failed; the next attempt replaces the table`);
      }
      this.#metrics.applyDuration.observe({ mode }, (clock.now() - t0) / 1000);
    }
    const done = clock.now();
    this.#applied = next;
    this.#everApplied = true;
    this.#consecutiveErrors = 0;
    this.#lastApply = { at: done, mode, changes, durationMs: done - t0, ok: true };
    this.#metrics.reconciles.inc({ result: 'ok' });
    this.#metrics.lastApply.set(done / 1000);
    this.#metrics.observeTable(next, policyCount);
    if (mode !== 'none') {
      logger.info({ mode, changes: Number.isNaN(changes) ? undefined : changes, applyMs: done - t0, reconcileMs: done - started, policies: policyCount, local: next.local.length }, mode === 'replace' ? 'table replaced' : 'table updated');
    }
    this.#reporter.update(reports);
    return true;
  }

  #failed(t0: number, mode: ApplyMode | 'none', err: unknown, message: string): false {
    const now = this.#o.clock.now();
    this.#consecutiveErrors++;
    this.#lastApply = { at: now, mode, changes: Number.NaN, durationMs: now - t0, ok: false, error: err instanceof Error ? err.message : String(err) };
    this.#metrics.reconciles.inc({ result: 'error' });
    this.#o.logger.error({ ...errorFields(err), consecutiveErrors: this.#consecutiveErrors, retryInMs: backoffDelay(this.#consecutiveErrors, this.#o.retry) }, message);
    return false;
  }
}
