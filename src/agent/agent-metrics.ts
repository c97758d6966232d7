// The agent's Prometheus metrics, registered on a Registry the caller owns (main/ exposes
// it on /metrics). Drop counts come from the table's named counters, read from the kernel
// at scrape time; a full table replace recreates them at zero, which Prometheus treats as
// a counter reset (as after a process restart).
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { TableReadback } from '../dataplane/applier.ts';
import { elementCounts } from '../dataplane/layout.ts';
import { dropChainName, fixedChains, dropChainRules } from '../dataplane/render.ts';
import type { Ruleset } from '../dataplane/ruleset.ts';

export type ApplyMode = 'delta' | 'replace';

export interface DropSource {
  /** The ruleset in the kernel, to name the counters' policies. */
  applied(): Ruleset | undefined;
  readback(): Promise<TableReadback>;
  /** Called when reading the counters fails (the scrape still succeeds, without them). */
  onError(err: unknown): void;
}

/** Rules in the table: the fixed chains' plus three per policy drop chain; they never grow with pods. */
export function ruleCount(r: Ruleset): number {
  let n = 0;
  for (const ch of fixedChains()) n += ch.rules.length;
  for (const t of r.dropTargets) n += dropChainRules(t).length;
  return n;
}

export class AgentMetrics {
  readonly policies: Gauge;
  readonly rules: Gauge;
  readonly setElements: Gauge<'set'>;
  readonly applyDuration: Histogram<'mode'>;
  readonly applyErrors: Counter;
  readonly reconciles: Counter<'result'>;
  readonly lastApply: Gauge;
  readonly policyDrops: Counter<'policy'>;
  readonly dropLogUp: Gauge;
  readonly droppedLogged: Counter;
  readonly dropLogLost: Counter;

  constructor(registry: Registry, drops: DropSource) {
    const registers = [registry];
    this.policies = new Gauge({ name: 'palisade_policies', help: 'Policies the agent knows (all dialects, staged included).', registers });
    this.rules = new Gauge({ name: 'palisade_rules', help: 'Rules in the node\'s nftables table.', registers });
    // Counted at scrape time, once per applied ruleset: counting walks every cell (~20 ms
    // at 100k pods), far too slow to do after every one-pod change.
    let counted: { ruleset: Ruleset; counts: ReadonlyMap<string, number> } | undefined;
    this.setElements = new Gauge({
      name: 'palisade_set_elements', help: 'Elements of the table\'s sets and maps, per set.', labelNames: ['set'], registers,
      collect() {
        const ruleset = drops.applied();
        if (ruleset === undefined) return;
        if (counted?.ruleset !== ruleset) counted = { ruleset, counts: elementCounts(ruleset) };
        this.reset();
        for (const [set, n] of counted.counts) this.set({ set }, n);
      },
    });
    this.applyDuration = new Histogram({
      name: 'palisade_apply_duration_seconds', help: 'Time of one nft transaction, by mode (delta or full replace).', labelNames: ['mode'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.applyErrors = new Counter({ name: 'palisade_apply_errors_total', help: 'nft transactions that failed.', registers });
    this.reconciles = new Counter({ name: 'palisade_reconciles_total', help: 'Reconciles, by result (ok, error).', labelNames: ['result'], registers });
    this.lastApply = new Gauge({ name: 'palisade_last_apply_timestamp_seconds', help: 'When the table was last brought in sync (Unix seconds).', registers });
    this.dropLogUp = new Gauge({ name: 'palisade_drop_log_up', help: '1 while the agent reads the kernel\'s log of dropped packets (nflog), else 0.', registers });
    this.droppedLogged = new Counter({ name: 'palisade_dropped_packets_logged_total', help: 'Dropped packets the agent logged (the kernel logs at most 10 a second per policy).', registers });
    this.dropLogLost = new Counter({ name: 'palisade_drop_log_lost_total', help: 'Times the kernel discarded drop-log records because the agent fell behind.', registers });
    this.policyDrops = new Counter({
      name: 'palisade_policy_drops_total', help: 'Packets dropped by the decision of a policy (kernel counters of the table).', labelNames: ['policy'], registers,
      async collect() {
        const ruleset = drops.applied();
        if (ruleset === undefined) return;
        let back: TableReadback;
        try {
          back = await drops.readback();
        } catch (err) {
          drops.onError(err);
          return;
        }
        this.reset();
        for (const t of ruleset.dropTargets) {
          const c = back.counters.get(dropChainName(t.index));
          if (c !== undefined) this.inc({ policy: t.key }, c.packets);
        }
      },
    });
  }

  /** The sizes of a ruleset that is now in the kernel (its set elements are counted when scraped). */
  observeTable(r: Ruleset, policies: number): void {
    this.policies.set(policies);
    this.rules.set(ruleCount(r));
  }
}
