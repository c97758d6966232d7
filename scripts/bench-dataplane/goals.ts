// The goals of issue 3's benchmark and their verdicts from measured figures (pure):
// connection rate with 0 and with 10,000 policies >= 95% of a no-filter node, policy change live
// within 500 ms (p99), one-pod change within 20 ms (p99) and flat from the smallest to
// the largest cluster, and a rule count that does not grow with the cluster.
import type { GoalVerdict } from '../bench/report.ts';
import type { LoadProtocol } from './args.ts';
import { median, summarizeLatency, summarizeRuns, ratioOf } from './stats.ts';
import type { LatencySummary, RunSummary } from './stats.ts';

export const DP_GOALS = {
  rateRatio: 0.95,
  policyP99Ms: 500,
  podP99Ms: 20,
  /** "Flat": the largest size's median at most this many times the smallest's. */
  flatFactor: 2,
} as const;

export interface RateRow {
  readonly scenario: string;
  readonly placement: string;
  readonly protocol: LoadProtocol;
  readonly runs: RunSummary;
  readonly failed: number;
  /** Rate of each repetition, by repetition number (runs of one repetition are minutes apart at most). */
  readonly byRep: ReadonlyMap<number, number>;
}

export interface RateInput {
  readonly scenario: string;
  readonly placement: string;
  readonly protocol: LoadProtocol;
  readonly rate: number;
  readonly failed: number;
  readonly rep?: number;
}

/** Groups samples into one row per (scenario, placement, protocol), in first-seen order. */
export function rateRows(samples: readonly RateInput[]): RateRow[] {
  const groups = new Map<string, { s: RateInput; rates: number[]; failed: number; byRep: Map<number, number> }>();
  for (const s of samples) {
    const k = `${s.scenario}|${s.placement}|${s.protocol}`;
    const g = groups.get(k) ?? { s, rates: [], failed: 0, byRep: new Map<number, number>() };
    g.rates.push(s.rate);
    g.failed += s.failed;
    if (s.rep !== undefined) g.byRep.set(s.rep, s.rate);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ scenario: g.s.scenario, placement: g.s.placement, protocol: g.s.protocol, runs: summarizeRuns(g.rates), failed: g.failed, byRep: g.byRep }));
}

/**
 * The median over repetitions of candidate / baseline within the same repetition: the
 * two runs of a pair are close in time, so a slow drift of the machine cancels out; NaN
 * without common repetitions.
 */
export function pairedRatio(candidate: RateRow, baseline: RateRow): number {
  const ratios: number[] = [];
  for (const [rep, rate] of candidate.byRep) {
    const b = baseline.byRep.get(rep);
    if (b !== undefined && b > 0) ratios.push(rate / b);
  }
  return ratios.length === 0 ? Number.NaN : median(ratios);
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const ms = (x: number): string => (!Number.isFinite(x) ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);

/**
 * The rate goal's baseline, "a no-filter node": one that filters nothing but tracks
 * connections, as every Kubernetes node running kube-proxy does (its NAT needs conntrack).
 * The issue requires a stateful table (`ct state established,related accept` first), so
 * against a node that tracks nothing the ratio measures connection tracking, which the
 * node already pays without Palisade, not the policies; that comparison is printed as a
 * reference beside the goals (RATE_REFERENCE), never dropped.
 */
export const RATE_GOAL_BASELINE = 'conntrack';

/** How the report names each rate scenario: in a goal's text, and as a control's two sides. */
const SCENARIO_NAMES: Readonly<Record<string, { readonly long: string; readonly short: string }>> = {
  none: { long: 'no table (nothing tracked)', short: 'no table' },
  conntrack: { long: 'a no-filter node (conntrack on, no rules: a kube-proxy node)', short: 'conntrack only' },
  empty: { long: 'the 0-policy table', short: '0-policy table' },
  small: { long: 'the 3-policy table (the same pods isolated, tiny sets)', short: '3-policy table' },
  big: { long: 'the big table', short: 'big table' },
};
const nameOf = (scenario: string): string => SCENARIO_NAMES[scenario]?.long ?? scenario;

/** Goal text of one rate comparison (the references use the same text, without a verdict). */
function rateGoalText(protocol: string, placement: string, candidate: string, baseline: string): string {
  return `${protocol.toUpperCase()} ${placement}: new connections/s with ${nameOf(candidate)} >= ${pct(DP_GOALS.rateRatio)} of ${nameOf(baseline)}`;
}

/** Rate verdicts of one comparison, from either method (judgeRate or judgeRateAb). */
export type RateJudge = (baseline: string, candidate: string) => GoalVerdict[];

/** The goal comparisons' verdicts and the references', from one judge. */
export function rateVerdicts(judge: RateJudge): { goals: GoalVerdict[]; reference: GoalVerdict[] } {
  return {
    goals: RATE_GOALS.flatMap((c) => judge(c.baseline, c.candidate)),
    reference: RATE_REFERENCE.flatMap((c) => judge(c.baseline, c.candidate)),
  };
}

export function judgeRate(rows: readonly RateRow[], baseline = RATE_GOAL_BASELINE, candidate = 'big'): GoalVerdict[] {
  const out: GoalVerdict[] = [];
  for (const row of rows) {
    if (row.scenario !== candidate) continue;
    const base = rows.find((r) => r.scenario === baseline && r.placement === row.placement && r.protocol === row.protocol);
    if (base === undefined) continue;
    const paired = pairedRatio(row, base);
    const ratio = Number.isFinite(paired) ? paired : ratioOf(row.runs.median, base.runs.median);
    const noise = Math.max(row.runs.spread, base.runs.spread);
    out.push({
      goal: rateGoalText(row.protocol, row.placement, candidate, baseline),
      met: ratio >= DP_GOALS.rateRatio && row.failed === 0,
      detail: `${pct(ratio)}${Number.isFinite(paired) ? ` (median of ${Math.min(row.byRep.size, base.byRep.size)} paired runs; medians ${row.runs.median.toFixed(0)}/s vs ${base.runs.median.toFixed(0)}/s` : ` (medians ${row.runs.median.toFixed(0)}/s vs ${base.runs.median.toFixed(0)}/s`}; runs spread up to ${pct(noise)}${row.failed > 0 ? `; ${row.failed} failed connections` : ''})`,
    });
  }
  return out;
}

export interface AbInput {
  readonly baseline: string;
  readonly candidate: string;
  readonly placement: string;
  readonly protocol: LoadProtocol;
  readonly ratio: number;
  readonly runs: ReadonlyArray<{
    readonly baselineRate: number;
    readonly candidateRate: number;
    readonly failed: number;
    readonly baselineCpu?: { readonly user: number; readonly softirq: number };
    readonly candidateCpu?: { readonly user: number; readonly softirq: number };
  }>;
}

export interface AbRow {
  readonly baseline: string;
  readonly candidate: string;
  readonly placement: string;
  readonly protocol: LoadProtocol;
  /** The repetitions' ratios (each the geometric mean of its two swapped runs). */
  readonly ratios: RunSummary;
  readonly baselineRate: number;
  readonly candidateRate: number;
  readonly failed: number;
  /** Medians over the runs of each side's CPU per connection (µs): softirq carries the table's work, user the Node programs'. */
  readonly softirq: { readonly candidate: number; readonly baseline: number };
  readonly user: { readonly candidate: number; readonly baseline: number };
}

/** One row per (comparison, placement, protocol), in first-seen order; rates are medians over every run. */
export function abRows(samples: readonly AbInput[]): AbRow[] {
  const groups = new Map<string, AbInput[]>();
  for (const s of samples) {
    const k = `${s.baseline}|${s.candidate}|${s.placement}|${s.protocol}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return [...groups.values()].map((g) => {
    const s = g[0] as AbInput;
    const runs = g.flatMap((x) => x.runs);
    return {
      baseline: s.baseline, candidate: s.candidate, placement: s.placement, protocol: s.protocol,
      ratios: summarizeRuns(g.map((x) => x.ratio).filter(Number.isFinite)),
      baselineRate: median(runs.map((r) => r.baselineRate)),
      candidateRate: median(runs.map((r) => r.candidateRate)),
      failed: runs.reduce((n, r) => n + r.failed, 0),
      softirq: { candidate: median(runs.flatMap((r) => (r.candidateCpu === undefined ? [] : [r.candidateCpu.softirq]))), baseline: median(runs.flatMap((r) => (r.baselineCpu === undefined ? [] : [r.baselineCpu.softirq]))) },
      user: { candidate: median(runs.flatMap((r) => (r.candidateCpu === undefined ? [] : [r.candidateCpu.user]))), baseline: median(runs.flatMap((r) => (r.baselineCpu === undefined ? [] : [r.baselineCpu.user]))) },
    };
  });
}

/** The rate goal on simultaneous runs: the median over repetitions of the swapped ratio. */
export function judgeRateAb(rows: readonly AbRow[], baseline = RATE_GOAL_BASELINE, candidate = 'big'): GoalVerdict[] {
  return rows.filter((r) => r.baseline === baseline && r.candidate === candidate).map((r) => {
    const control = rows.find((c) => c.baseline === c.candidate && c.placement === r.placement && c.protocol === r.protocol);
    const controlText = control === undefined ? '' : `; control (${SCENARIO_NAMES[control.baseline]?.short ?? control.baseline} on both pairs) ${pct(control.ratios.median)}`;
    return {
      goal: rateGoalText(r.protocol, r.placement, candidate, baseline),
      met: r.ratios.median >= DP_GOALS.rateRatio && r.failed === 0,
      detail: `${pct(r.ratios.median)} (median of ${r.ratios.n} simultaneous swapped pairs of runs, ${pct(r.ratios.min)}-${pct(r.ratios.max)}${controlText})${r.failed > 0 ? `; ${r.failed} failed connections` : ''}`,
    };
  });
}

/** The comparisons that are goals: the 0-policy and the big table against a no-filter node. */
export const RATE_GOALS: ReadonlyArray<{ readonly baseline: string; readonly candidate: string }> = [
  { baseline: RATE_GOAL_BASELINE, candidate: 'empty' },
  { baseline: RATE_GOAL_BASELINE, candidate: 'big' },
];

/**
 * Printed beside the goals, not judged: the big table against a node that tracks nothing
 * (what connection tracking itself costs) and against the 3-policy table, which isolates
 * the measured pods exactly as the big one does (what 10,000 policies and 100k pods add to
 * the same checks: the per-packet cost must not grow with them).
 */
export const RATE_REFERENCE: ReadonlyArray<{ readonly baseline: string; readonly candidate: string }> = [
  { baseline: 'none', candidate: 'big' },
  { baseline: 'small', candidate: 'big' },
];

/** Reference lines: the same comparisons as goals, printed without a verdict. */
export function formatRateReference(verdicts: readonly GoalVerdict[]): string {
  return verdicts.map((v) => `REF    ${v.goal}: ${v.detail} (${v.met ? 'would be met' : 'would be missed'}; not a goal)`).join('\n');
}

export function judgeRules(fixedBig: number, fixedEmpty: number, elements: number): GoalVerdict {
  return {
    goal: 'rules on the packet path do not grow with the cluster',
    met: fixedBig === fixedEmpty,
    detail: `${fixedBig} fixed-chain rules with ${elements} set elements, ${fixedEmpty} with the empty table`,
  };
}

export function judgePolicyLatency(samplesMs: readonly number[], mismatches: number, how: string): GoalVerdict {
  const s = summarizeLatency(samplesMs);
  return {
    goal: `policy change -> rules live, p99 <= ${DP_GOALS.policyP99Ms} ms (${how})`,
    met: s.n > 0 && s.p99 <= DP_GOALS.policyP99Ms && mismatches === 0,
    detail: `${latencyText(s)}${mismatches > 0 ? `; ${mismatches} real-traffic checks disagreed` : '; real traffic agreed after every change'}`,
  };
}

export function latencyText(s: LatencySummary): string {
  return s.n === 0 ? 'no samples' : `n=${s.n} p50 ${ms(s.p50)} p99 ${ms(s.p99)} max ${ms(s.max)}${s.n < 100 ? ' (p99 = max below 100 samples)' : ''}`;
}

export interface PodSizeInput {
  readonly pods: number;
  readonly samplesMs: readonly number[];
}

export function judgePodChange(sizes: readonly PodSizeInput[]): GoalVerdict[] {
  const out: GoalVerdict[] = sizes.map((z) => {
    const s = summarizeLatency(z.samplesMs);
    return { goal: `${z.pods} pods: one-pod change p99 <= ${DP_GOALS.podP99Ms} ms`, met: s.n > 0 && s.p99 <= DP_GOALS.podP99Ms, detail: latencyText(s) };
  });
  const first = sizes[0];
  const last = sizes.at(-1);
  if (first !== undefined && last !== undefined && last !== first) {
    const a = summarizeLatency(first.samplesMs).p50;
    const b = summarizeLatency(last.samplesMs).p50;
    const x = ratioOf(b, a);
    out.push({
      goal: `one-pod change flat from ${first.pods} to ${last.pods} pods (p50 x <= ${DP_GOALS.flatFactor})`,
      met: x <= DP_GOALS.flatFactor,
      detail: `p50 ${ms(a)} -> ${ms(b)}: x${Number.isFinite(x) ? x.toFixed(1) : '-'} for pods x${(last.pods / first.pods).toFixed(0)}`,
    });
  }
  return out;
}
