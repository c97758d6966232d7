// Part 1: new-connection rate through the node(s), client → server on the same node and
// across nodes, TCP and UDP, under five tables: (a) none, (b) conntrack only (a forward
// hook that accepts established flows and nothing else: what every node running
// kube-proxy already pays, since any stateful filter needs connection tracking), (c)
// palisade with 0 policies (no pod is isolated, so no new flow is checked), (c') palisade
// with only the bench's 3 policies (the lab pods isolated exactly as in the big table: the
// same checks, tiny sets), (d) palisade with the big cluster. Scenarios are interleaved
// (the order rotates every repetition) so that slow drifts of a noisy machine hit all of
// them alike.
import type { BenchOptions, LoadProtocol } from './args.ts';
import type { BenchLab } from './bench-lab.ts';
import { FAMILY_TABLE } from '../../src/dataplane/render.ts';
import { loadTable, PERF_HZ, removeTable, runLoad, runLoadPerf, settle } from './bench-lab.ts';
import { attribute, perConnection } from './perf-attribution.ts';
import type { PerConnection } from './perf-attribution.ts';

export const SCENARIOS = ['none', 'conntrack', 'empty', 'small', 'big'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const PLACEMENTS = ['same-node', 'cross-node'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export interface RateSample {
  readonly scenario: Scenario;
  readonly placement: Placement;
  readonly protocol: LoadProtocol;
  readonly rep: number;
  /** Completed connections (TCP) or request/replies (UDP) per second. */
  readonly rate: number;
  readonly failed: number;
  readonly firstError?: string;
}

/** Per node name, the full-replace text of that scenario's table (undefined: no table); conntrack's is fixed. */
export type ScenarioTables = Record<Exclude<Scenario, 'conntrack'>, ReadonlyMap<string, string> | undefined>;

/** The conntrack-only table: connection tracking switched on in the node, no filtering. */
export function conntrackOnlyTable(): string {
  return [
    `add table ${FAMILY_TABLE}`,
    `delete table ${FAMILY_TABLE}`,
    `table ${FAMILY_TABLE} {`,
    '\tchain forward_hook {',
    '\t\ttype filter hook forward priority filter; policy accept;',
    '\t\tct state established,related accept',
    '\t}',
    '}',
    '',
  ].join('\n');
}

/** Rotation r of the scenarios: run r starts with scenario r mod 5. */
export function scenarioOrder(rep: number): Scenario[] {
  const k = rep % SCENARIOS.length;
  return [...SCENARIOS.slice(k), ...SCENARIOS.slice(0, k)];
}

/** Every lab node gets the scenario's table (none: no table at all), one transaction each. */
async function loadScenario(b: BenchLab, scenario: Scenario, tables: ScenarioTables): Promise<void> {
  const t = scenario === 'conntrack' ? undefined : tables[scenario];
  for (const [node, netns] of b.nodeNetns) {
    const text = scenario === 'conntrack' ? conntrackOnlyTable() : t?.get(node);
    if (text === undefined) await removeTable(netns);
    else await loadTable(netns, text);
  }
}

const clientOf = (b: BenchLab, placement: Placement): string => (placement === 'same-node' ? b.clients.same : b.clients.cross);

export async function runRatePart(b: BenchLab, o: BenchOptions, tables: ScenarioTables, log: (m: string) => void): Promise<RateSample[]> {
  const samples: RateSample[] = [];
  for (let rep = 0; rep < o.reps; rep++) {
    for (const scenario of scenarioOrder(rep)) {
      await loadScenario(b, scenario, tables);
      for (const placement of PLACEMENTS) {
        for (const protocol of o.protocols) {
          const client = clientOf(b, placement);
          await settle(b);
          const r = await runLoad(b, client, protocol, o.duration, o.concurrency);
          const rate = r.completed / r.seconds;
          samples.push({ scenario, placement, protocol, rep, rate, failed: r.failed, ...(r.firstError === undefined ? {} : { firstError: r.firstError }) });
          log(`  rate rep ${rep + 1}/${o.reps} ${scenario} ${placement} ${protocol}: ${rate.toFixed(0)}/s${r.failed > 0 ? ` (${r.failed} failed: ${r.firstError ?? '?'})` : ''}`);
        }
      }
    }
  }
  for (const netns of b.nodeNetns.values()) await removeTable(netns);
  return samples;
}

export interface AttributionSample {
  readonly scenario: Scenario;
  readonly placement: Placement;
  readonly protocol: LoadProtocol;
  /** Connections of the whole recorded run (warm-up included). */
  readonly connections: number;
  readonly perConnection: PerConnection;
}

/**
 * One run per scenario, placement and protocol under `perf record -a`: CPU microseconds
 * per connection in nf_tables, conntrack and the hook dispatch (perf-attribution.ts).
 */
export async function runAttribution(b: BenchLab, o: BenchOptions, tables: ScenarioTables, log: (m: string) => void): Promise<AttributionSample[]> {
  const out: AttributionSample[] = [];
  for (const scenario of SCENARIOS) {
    await loadScenario(b, scenario, tables);
    for (const placement of PLACEMENTS) {
      for (const protocol of o.protocols) {
        const client = clientOf(b, placement);
        await settle(b);
        const { load, report } = await runLoadPerf(b, client, protocol, o.duration, o.concurrency);
        const connections = load.completed + load.warmupCompleted;
        const pc = perConnection(attribute(report), PERF_HZ, connections);
        out.push({ scenario, placement, protocol, connections, perConnection: pc });
        log(`  perf ${scenario} ${placement} ${protocol}: netfilter ${pc.netfilter.toFixed(2)} µs/connection (nftables ${pc.parts.nftables.toFixed(2)}, conntrack ${pc.parts.conntrack.toFixed(2)}, hooks ${pc.parts.hooks.toFixed(2)}), busy ${pc.busy.toFixed(0)} µs`);
      }
    }
  }
  for (const netns of b.nodeNetns.values()) await removeTable(netns);
  return out;
}
