// Part 1, simultaneous: the new-connection rate of two tables measured AT THE SAME TIME,
// each on its own identical pair of nodes, each pair on its own CPU (its load generator,
// its server and — since veth delivery runs in the sender's softirq — its forwarding and
// netfilter work). Runs one after the other on this VM swing 18-53% (steal time, frequency,
// cache state), more than the few percent being measured; two runs at the same time see the
// same machine. The two CPUs are not identical either, so every comparison runs twice with
// the tables swapped between the pairs, and the ratio of a repetition is the geometric
// mean of the two: with pair 1 faster by a factor c, the halves measure c·R and R/c, and
// √(c·R · R/c) = R. A control comparison (no table against no table) shows what is left
// of the method's own error.
import type { BenchOptions, LoadProtocol } from './args.ts';
import type { BenchLab, BenchPair, LoadResult } from './bench-lab.ts';
import { loadTable, pinNetns, removeTable, runLoad, settle } from './bench-lab.ts';
import { benchPort } from './bench-cluster.ts';
import type { WarmLoadgen } from './warm-loadgen.ts';
import { startWarmLoadgen } from './warm-loadgen.ts';
import type { ShareGroups } from './cpu-share-groups.ts';
import { createShareGroups } from './cpu-share-groups.ts';
import { netnsPids } from '../../src/lab/netns.ts';
import type { Placement, Scenario, ScenarioTables } from './rate-part.ts';
import { conntrackOnlyTable, PLACEMENTS } from './rate-part.ts';
import { perConnectionOf, readCpuTicks } from './cpu-times.ts';
import type { CpuPerConnection } from './cpu-times.ts';

export interface Comparison {
  readonly baseline: Scenario;
  readonly candidate: Scenario;
}

/**
 * The control first (its ratio should be 1), then the goals (the 0-policy and the big
 * table against a no-filter node, goals.ts RATE_GOALS), then the references.
 */
export const AB_COMPARISONS: readonly Comparison[] = [
  { baseline: 'none', candidate: 'none' },
  { baseline: 'conntrack', candidate: 'empty' },
  { baseline: 'conntrack', candidate: 'big' },
  { baseline: 'none', candidate: 'big' },
  { baseline: 'small', candidate: 'big' },
];

/** One simultaneous run: both pairs loaded at once, one with each table. */
export interface AbRun {
  readonly baselineRate: number;
  readonly candidateRate: number;
  /** Which pair carried the candidate table. */
  readonly candidatePair: number;
  readonly failed: number;
  readonly firstError?: string;
  /** Each side's CPU (its pair's) per connection during the run, warm-up included. */
  readonly baselineCpu?: CpuPerConnection;
  readonly candidateCpu?: CpuPerConnection;
}

/** One repetition of a comparison: the two swapped runs and their combined ratio. */
export interface AbSample extends Comparison {
  readonly placement: Placement;
  readonly protocol: LoadProtocol;
  readonly rep: number;
  readonly runs: readonly [AbRun, AbRun];
  /** √(q₀·q₁) of the two runs' candidate/baseline ratios: the CPUs' difference cancels. */
  readonly ratio: number;
}

/** The geometric mean of the two swapped runs' ratios; NaN when a run has no baseline rate. */
export function swappedRatio(a: AbRun, b: AbRun): number {
  if (!(a.baselineRate > 0) || !(b.baselineRate > 0)) return Number.NaN;
  return Math.sqrt((a.candidateRate / a.baselineRate) * (b.candidateRate / b.baselineRate));
}

/** Repetition r runs the comparisons rotated by r, and its first half with the candidate on pair r mod 2. */
export function abSchedule(rep: number, comparisons: readonly Comparison[] = AB_COMPARISONS): Array<{ comparison: Comparison; candidatePairs: [number, number] }> {
  const k = rep % comparisons.length;
  const first = rep % 2;
  return [...comparisons.slice(k), ...comparisons.slice(0, k)].map((comparison) => ({ comparison, candidatePairs: [first, 1 - first] }));
}

async function loadPair(b: BenchLab, pair: BenchPair, scenario: Scenario, tables: ScenarioTables): Promise<void> {
  for (const node of pair.nodes) {
    const netns = b.nodeNetns.get(node);
    if (netns === undefined) throw new Error(`no namespace for lab node ${node}`);
    const text = scenario === 'conntrack' ? conntrackOnlyTable() : tables[scenario]?.get(node);
    if (text === undefined && scenario !== 'none') throw new Error(`no ${scenario} table planned for ${node}`);
    if (text === undefined) await removeTable(netns);
    else await loadTable(netns, text);
  }
}

/** Wait after loading the pairs' tables. */
const TABLE_SETTLE_MS = 3000;

const clientOf = (pair: BenchPair, placement: Placement): string => (placement === 'same-node' ? pair.clients.same : pair.clients.cross);
const rateOf = (r: LoadResult): number => r.completed / r.seconds;

/** Untimed runs each warm generator makes before the first measurement, per protocol. */
const WARMUP_RUN_S = 2;

/** A warm generator per client pod of the two pairs, on its pair's CPU, warmed with each protocol. */
async function startWarmLoadgens(pairs: readonly BenchPair[], cpuOf: (pair: number) => number, o: BenchOptions, log: (m: string) => void): Promise<Map<string, WarmLoadgen>> {
  const gens = new Map<string, WarmLoadgen>();
  try {
    for (const [i, p] of pairs.entries()) {
      for (const placement of PLACEMENTS) {
        const netns = clientOf(p, placement);
        const gen = startWarmLoadgen(netns, cpuOf(i));
        gens.set(netns, gen);
        for (const protocol of o.protocols) await gen.run({ protocol, ip: p.server.ip, port: benchPort(protocol), seconds: WARMUP_RUN_S, concurrency: o.concurrency });
      }
    }
  } catch (e) {
    await Promise.all([...gens.values()].map((g) => g.close()));
    throw e;
  }
  log(`  ${gens.size} warm load generators (one per client pod, ${WARMUP_RUN_S} s untimed per protocol first)`);
  return gens;
}

/**
 * Runs every comparison `o.reps` times over both placements and protocols. Needs two pairs
 * (createBenchLab(log, 2)). With `--ab-cpus split` pair i runs on CPU i; with `shared` both
 * run on CPU 0 with equal shares (cpu-share-groups.ts). Puts the first pair's server back
 * on CPU 1 afterwards (the other parts' placement).
 */
export async function runRateAbPart(b: BenchLab, o: BenchOptions, tables: ScenarioTables, log: (m: string) => void): Promise<AbSample[]> {
  const pairs = b.pairs.slice(0, 2);
  if (pairs.length < 2) throw new Error('the simultaneous rate comparison needs two pairs of nodes');
  const shared = o.abCpus === 'shared';
  const cpuOf = (pair: number): number => (shared ? 0 : pair);
  for (const [i, p] of pairs.entries()) await pinNetns(p.server.netns, cpuOf(i));
  const samples: AbSample[] = [];
  let gens = new Map<string, WarmLoadgen>();
  let groups: ShareGroups | undefined;
  try {
    if (o.loadgen === 'warm') gens = await startWarmLoadgens(pairs, cpuOf, o, log);
    if (shared) {
      groups = createShareGroups(b.lab.prefix, pairs.length);
      for (const [i, p] of pairs.entries()) {
        for (const netns of [p.server.netns, p.clients.same, p.clients.cross]) groups.add(i, await netnsPids(netns));
      }
      log(`  both pairs on CPU 0, each in a cgroup of equal cpu.shares (${groups.dirs.join(', ')})`);
    }
    const load = (p: BenchPair, placement: Placement, protocol: LoadProtocol, cpu: number): Promise<LoadResult> => {
      const gen = gens.get(clientOf(p, placement));
      return gen === undefined
        ? runLoad(b, clientOf(p, placement), protocol, o.duration, o.concurrency, { serverIp: p.server.ip, cpu })
        : gen.run({ protocol, ip: p.server.ip, port: benchPort(protocol), seconds: o.duration, concurrency: o.concurrency });
    };
    for (let rep = 0; rep < o.reps; rep++) {
      for (const { comparison, candidatePairs } of abSchedule(rep)) {
        const halves = new Map<string, AbRun[]>();
        for (const candidatePair of candidatePairs) {
          for (const [i, p] of pairs.entries()) await loadPair(b, p, i === candidatePair ? comparison.candidate : comparison.baseline, tables);
          // The kernel frees a replaced table's objects after the commit, in the background
          // (RCU callbacks, set teardown: 150k+ elements): let that finish before measuring.
          await new Promise((r) => setTimeout(r, TABLE_SETTLE_MS));
          for (const placement of PLACEMENTS) {
            for (const protocol of o.protocols) {
              await settle(b);
              const t0 = readCpuTicks();
              const results = await Promise.all(pairs.map((p, i) => load(p, placement, protocol, cpuOf(i))));
              const t1 = readCpuTicks();
              const cand = results[candidatePair] as LoadResult;
              const base = results[1 - candidatePair] as LoadResult;
              const cpuTimeOf = (cpu: number, r: LoadResult): CpuPerConnection | undefined => {
                const a = t0.get(cpu);
                const z = t1.get(cpu);
                return a === undefined || z === undefined ? undefined : perConnectionOf(a, z, r.completed + r.warmupCompleted);
              };
              // Sharing one CPU, the sides' CPU times cannot be told apart.
              const candidateCpu = shared ? undefined : cpuTimeOf(candidatePair, cand);
              const baselineCpu = shared ? undefined : cpuTimeOf(1 - candidatePair, base);
              const firstError = cand.firstError ?? base.firstError;
              const run: AbRun = {
                baselineRate: rateOf(base), candidateRate: rateOf(cand), candidatePair, failed: cand.failed + base.failed,
                ...(firstError === undefined ? {} : { firstError }), ...(candidateCpu === undefined ? {} : { candidateCpu }), ...(baselineCpu === undefined ? {} : { baselineCpu }),
              };
              const key = `${placement}|${protocol}`;
              halves.set(key, [...(halves.get(key) ?? []), run]);
            }
          }
        }
        for (const placement of PLACEMENTS) {
          for (const protocol of o.protocols) {
            const [a, c] = halves.get(`${placement}|${protocol}`) ?? [];
            if (a === undefined || c === undefined) continue;
            const s: AbSample = { ...comparison, placement, protocol, rep, runs: [a, c], ratio: swappedRatio(a, c) };
            samples.push(s);
            const failed = a.failed + c.failed;
            log(`  rate rep ${rep + 1}/${o.reps} ${comparison.candidate} vs ${comparison.baseline} ${placement} ${protocol}: ${(s.ratio * 100).toFixed(1)}% (${a.candidateRate.toFixed(0)}/${a.baselineRate.toFixed(0)} on pair ${a.candidatePair}/${1 - a.candidatePair}, ${c.candidateRate.toFixed(0)}/${c.baselineRate.toFixed(0)} swapped)${failed > 0 ? `; ${failed} failed: ${a.firstError ?? c.firstError ?? '?'}` : ''}`);
          }
        }
      }
    }
  } finally {
    await Promise.all([...gens.values()].map((g) => g.close()));
    groups?.remove();
    for (const netns of b.nodeNetns.values()) await removeTable(netns);
    await pinNetns(b.server.netns, 1);
  }
  return samples;
}
