// `npm run bench:dataplane` (root): the dataplane benchmark of issue 3, on a two-node lab
// with real pods and real traffic. Parts (--parts): rate (new connections/s through the
// node with no table, an empty table and the big table), load (full atomic load of the
// big table, element and rule counts), latency (policy change → rules live), pod (one-pod
// change at several cluster sizes, by phase). Progress goes to stderr, the report to
// stdout; --json FILE writes the figures. Without root it says so and exits 0.
// The lab is always destroyed (finally, SIGINT, SIGTERM); Ctrl-C during a long plan takes
// effect when that plan returns (it is synchronous JavaScript).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { patchBase } from '../src/agent/pod-patch.ts';
import type { PodPatchBase } from '../src/agent/pod-patch.ts';
import type { SourceDocument } from '../src/api/source-document.ts';
import type { Snapshot } from '../src/api/snapshot.ts';
import { NftSession } from '../src/dataplane/nft-session.ts';
import { createPlanner, plan } from '../src/dataplane/plan.ts';
import { renderRuleset } from '../src/dataplane/render.ts';
import type { Ruleset } from '../src/dataplane/ruleset.ts';
import { labSupport, listNetns } from '../src/lab/netns.ts';
import { ArgsError, parseBenchArgs, USAGE } from './bench-dataplane/args.ts';
import type { BenchOptions } from './bench-dataplane/args.ts';
import type { ClusterSpec } from './bench-dataplane/bench-cluster.ts';
import { createBenchLab, destroyBenchLab, loadTable, PERF_HZ, perfAvailable } from './bench-dataplane/bench-lab.ts';
import type { BenchLab } from './bench-dataplane/bench-lab.ts';
import type { ChangeTiming, PathState } from './bench-dataplane/change-path.ts';
import { topFunctions } from './bench-dataplane/cpu-profile.ts';
import type { CpuProfile, FunctionCost } from './bench-dataplane/cpu-profile.ts';
import { abRows, formatRateReference, judgePodChange, judgePolicyLatency, judgeRate, judgeRateAb, judgeRules, rateRows, rateVerdicts } from './bench-dataplane/goals.ts';
import { formatAgentChanges, formatChangeGc, modeCounts, runAgentLatencyPart } from './bench-dataplane/agent-latency-part.ts';
import { recordGc } from './bench-dataplane/agent-host.ts';
import type { ChangeGc } from './bench-dataplane/agent-host.ts';
import type { AgentLatencyResult } from './bench-dataplane/agent-latency-part.ts';
import { runLatencyPart } from './bench-dataplane/latency-part.ts';
import type { LatencyPartResult } from './bench-dataplane/latency-part.ts';
import { elementCounts, runLoadPart } from './bench-dataplane/load-part.ts';
import type { LoadPartResult } from './bench-dataplane/load-part.ts';
import { POD_WARMUP, runPodSize } from './bench-dataplane/pod-part.ts';
import { runRateAbPart } from './bench-dataplane/rate-ab-part.ts';
import type { AbSample } from './bench-dataplane/rate-ab-part.ts';
import { runAttribution, runRatePart } from './bench-dataplane/rate-part.ts';
import type { AttributionSample, RateSample } from './bench-dataplane/rate-part.ts';
import { fmtMs, formatAttribution, formatChanges, formatRate, formatRateAb } from './bench-dataplane/report.ts';
import { buildModel, planInWorker } from './bench-dataplane/scenario.ts';
import type { BuiltModel, PlannedNode } from './bench-dataplane/scenario.ts';
import type { GoalVerdict } from './bench/report.ts';
import { formatGoals } from './bench/report.ts';

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof ArgsError)) throw e;
  process.stderr.write(`bench-dataplane: ${e.problems.join('\n  ')}\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

if (process.platform !== 'linux' || process.getuid?.() !== 0) {
  process.stdout.write('bench:dataplane skipped: needs root (network namespaces and nftables; run as root on Linux)\n');
  process.exit(0);
}
const support = await labSupport();
if (!support.ok) {
  process.stdout.write(`bench:dataplane skipped: the lab cannot run here: ${support.reasons.join('; ')}\n`);
  process.exit(0);
}

interface PodSizeReport {
  readonly pods: number;
  readonly policies: number;
  readonly elements: number;
  readonly initialPlanMs: number;
  readonly initialLoadMs: number;
  /** Each with the collections of this process inside it (the bench's own models share its heap). */
  readonly timings: ReadonlyArray<ChangeTiming & { readonly gc: ChangeGc }>;
  /** The slowest of the untimed warm-up changes before them. */
  readonly warmupMaxMs: number;
  readonly stoppedByBudget: boolean;
}

interface Results {
  bigSpec?: ClusterSpec;
  bigPlans?: Array<{ node: string; planMs: number; buildMs: PlannedNode['buildMs']; elements: number }>;
  rate?: RateSample[];
  rateAb?: AbSample[];
  attribution?: AttributionSample[];
  load?: LoadPartResult;
  latency?: ({ via: 'direct' } & Omit<LatencyPartResult, 'state'>) | ({ via: 'agent'; plannedElements: number } & AgentLatencyResult);
  pod?: PodSizeReport[];
  profile?: { file: string; top: FunctionCost[] };
  notes: string[];
}

const o = options;
const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const results: Results = { notes: [] };
const needBig = o.parts.includes('rate') || o.parts.includes('load') || o.parts.includes('latency') || (o.parts.includes('pod') && o.podSizes.includes(o.pods));
const bigSpec: ClusterSpec = { pods: o.pods, policies: o.policies, namespaces: o.namespaces, seed: o.seed, localPods: o.localPods, benchPolicies: true };

let bench: BenchLab | undefined;
let cleaning: Promise<void> | undefined;
let session: NftSession | undefined;
const cleanup = (): Promise<void> => {
  const closing = session?.close() ?? Promise.resolve();
  cleaning ??= bench === undefined ? closing : closing.then(() => destroyBenchLab(bench as BenchLab)).catch((e: unknown) => log(`could not destroy the lab: ${(e as Error).message}`));
  return cleaning;
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: destroying the lab`);
    void cleanup().then(() => process.exit(130));
  });
}

/** The agent's pod-patch base of a snapshot built from `documents` (their objects as the API server would hold them). */
function podBaseOf(snapshot: Snapshot, documents: readonly SourceDocument[]): PodPatchBase {
  return patchBase(snapshot, documents.map((d) => d.object as Parameters<typeof patchBase>[1][number]));
}

/** A full garbage collection (the script runs with --expose-gc; without it, nothing). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function emptySpec(): ClusterSpec {
  return { pods: 0, policies: 0, namespaces: 0, seed: o.seed, localPods: 0, benchPolicies: false };
}

async function profiled<T>(enabled: boolean, work: () => Promise<T>): Promise<{ value: T; profile?: CpuProfile }> {
  if (!enabled) return { value: await work() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  try {
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    return { value, profile: profile as unknown as CpuProfile };
  } finally {
    session.disconnect();
  }
}

// Simultaneous rate runs need a CPU per pair of nodes.
const simultaneous = o.parts.includes('rate') && o.rateMethod === 'simultaneous' && cpus().length >= 2;
if (o.parts.includes('rate') && o.rateMethod === 'simultaneous' && !simultaneous) results.notes.push('one CPU: the rate part ran sequentially (--rate-method simultaneous needs two)');

try {
  const b = await createBenchLab(log, simultaneous ? 2 : 1);
  bench = b;
  results.notes.push(...b.notes);
  const [n0, n1] = b.nodes;
  if (n0 === undefined || n1 === undefined) throw new Error('lab without two nodes');
  const netns0 = b.nodeNetns.get(n0.name) ?? '';

  // The 0-policy and 3-policy tables are small: plan them here.
  const emptyModel = buildModel(emptySpec(), b.nodes, b.endpoints);
  const emptyPlans = new Map(b.nodes.map((n) => [n.name, plan(emptyModel.compiled, { node: n.name })]));
  const smallModel = o.parts.includes('rate') ? buildModel({ ...emptySpec(), benchPolicies: true }, b.nodes, b.endpoints) : undefined;
  const smallPlans = new Map(smallModel === undefined ? [] : b.nodes.map((n) => [n.name, plan(smallModel.compiled, { node: n.name })]));

  // The big tables: one worker per lab node in parallel; the main thread builds the model
  // the latency and pod parts change.
  let bigPlans: PlannedNode[] = [];
  let bigModel: BuiltModel | undefined;
  if (needBig) {
    results.bigSpec = bigSpec;
    const nodesToPlan = o.parts.includes('rate') ? b.nodes.map((n) => n.name) : [n0.name];
    log(`planning the big table (${o.pods} pods, ${o.policies} policies, ${o.localPods} synthetic pods per lab node) for ${nodesToPlan.join(', ')} in worker threads...`);
    const t0 = performance.now();
    const jobs = nodesToPlan.map((node) => planInWorker({ spec: bigSpec, nodes: b.nodes, endpoints: b.endpoints, node }));
    // The agent latency part's host builds its own (agent-host.ts): the model here is the direct path's and the pod part's.
    if ((o.parts.includes('latency') && o.via === 'direct') || o.parts.includes('pod')) bigModel = buildModel(bigSpec, b.nodes, b.endpoints);
    bigPlans = await Promise.all(jobs);
    results.bigPlans = bigPlans.map((p) => ({ node: p.node, planMs: p.planMs, buildMs: p.buildMs, elements: elementCounts(p.ruleset).total }));
    for (const p of bigPlans) log(`  ${p.node}: plan ${fmtMs(p.planMs)} (generate ${fmtMs(p.buildMs.generate)}, snapshot ${fmtMs(p.buildMs.snapshot)}, compile ${fmtMs(p.buildMs.compile)}), ${elementCounts(p.ruleset).total} elements`);
    log(`  both done after ${fmtMs(performance.now() - t0)}`);
  }
  const big0 = bigPlans.find((p) => p.node === n0.name)?.ruleset;

  if (o.parts.includes('rate')) {
    log('rate: new connections per second...');
    const texts = (rs: ReadonlyMap<string, Ruleset>): Map<string, string> => new Map([...rs].map(([n, r]) => [n, renderRuleset(r)]));
    const tables = {
      none: undefined,
      empty: texts(emptyPlans),
      small: texts(smallPlans),
      big: texts(new Map(bigPlans.map((p) => [p.node, p.ruleset]))),
    };
    if (simultaneous) results.rateAb = await runRateAbPart(b, o, tables, log);
    else results.rate = await runRatePart(b, o, tables, log);
    if (await perfAvailable()) {
      log('rate: netfilter CPU per connection under perf record...');
      results.attribution = await runAttribution(b, o, tables, log);
    } else {
      results.notes.push('perf is not installed: no netfilter CPU attribution (apt-get install linux-perf)');
    }
    // The other nodes' big tables served the rate part only: an agent holds one node's.
    bigPlans = bigPlans.filter((p) => p.node === n0.name);
  }

  if (o.parts.includes('load') && big0 !== undefined) {
    log('load: full load of the big table...');
    const empty0 = emptyPlans.get(n0.name);
    if (empty0 === undefined) throw new Error('no empty plan for node-0');
    results.load = await runLoadPart(netns0, big0, empty0, 3, log);
  }

  let latencyEnd: PathState | undefined;
  if (o.parts.includes('latency') && big0 !== undefined) {
    // The direct path runs in this thread: it should not pay for the earlier parts' garbage.
    collectGarbage();
    if (o.via === 'direct' && bigModel !== undefined) {
      if (!o.parts.includes('load')) await loadTable(netns0, renderRuleset(big0));
      log(`latency: up to ${o.changes} policy changes (budget ${o.latencyBudget} s), direct (plan → delta → apply, no agent)...`);
      // A running agent holds its last compile and planner: plan once more here (untimed,
      // same numbering, so the same table as the one loaded) to have the planner's state.
      const planner = createPlanner(big0.numbering);
      const applied = planner.plan(bigModel.compiled, { node: n0.name });
      session ??= await NftSession.open(netns0);
      const start: PathState = { node: n0.name, netns: netns0, cluster: bigModel.snapshot.cluster, policies: bigModel.snapshot.policies, applied, compiled: bigModel.compiled, planner, session, podBase: podBaseOf(bigModel.snapshot, bigModel.cluster.documents) };
      const r = await runLatencyPart(b, start, o.changes, o.latencyBudget, log);
      latencyEnd = r.state;
      results.latency = { via: 'direct', timings: r.timings, stoppedByBudget: r.stoppedByBudget, trafficMismatches: r.trafficMismatches };
    } else {
      // The agent replaces whatever table is there on its first apply, and is stopped when
      // this returns (one writer per table): the pod part then starts from its own plan.
      log(`latency: up to ${o.changes} policy changes (budget ${o.latencyBudget} s) through the agent: store write → watch → debounce → reconcile → nft...`);
      const r = await runAgentLatencyPart(b, { spec: bigSpec, nodes: b.nodes, endpoints: b.endpoints, node: n0.name, netns: netns0 }, o.changes, o.latencyBudget, log);
      results.latency = { via: 'agent', plannedElements: elementCounts(big0).total, ...r };
      if (r.fallback !== undefined) results.notes.push(`the agent had no persistent nft session (${r.fallback}): it spawned nft per transaction`);
    }
  }

  if (o.parts.includes('pod')) {
    results.pod = [];
    const largest = Math.max(...o.podSizes);
    for (const size of o.podSizes) {
      // The parts share this process: without a full collection first, the pod part pays
      // for the garbage of the one before (the agent part's whole store and model: 40-100
      // ms pauses in its first dozens of changes at 100k pods), which no agent carries.
      collectGarbage();
      let start: PathState;
      let policies: number;
      let initialPlanMs = Number.NaN;
      let initialLoadMs = Number.NaN;
      if (size === o.pods && bigModel !== undefined && big0 !== undefined) {
        // The big cluster: its table is already planned (and loaded, by an earlier part).
        // A running agent holds its last compile and plan in memory: re-plan here once
        // (untimed, same numbering, so the same table) to have the plan's caches too.
        const planner = createPlanner(big0.numbering);
        session ??= await NftSession.open(netns0);
        start = latencyEnd ?? { node: n0.name, netns: netns0, cluster: bigModel.snapshot.cluster, policies: bigModel.snapshot.policies, applied: planner.plan(bigModel.compiled, { node: n0.name }), compiled: bigModel.compiled, planner, session, podBase: podBaseOf(bigModel.snapshot, bigModel.cluster.documents) };
        initialPlanMs = bigPlans.find((p) => p.node === n0.name)?.planMs ?? Number.NaN;
        initialLoadMs = await loadTable(netns0, renderRuleset(start.applied));
        policies = bigModel.cluster.policies;
      } else {
        const spec: ClusterSpec = { ...bigSpec, pods: size, policies: Math.round((size * o.policies) / o.pods), namespaces: Math.max(10, Math.round((size * o.namespaces) / o.pods)) };
        log(`pod: building the ${size}-pod cluster (${spec.policies} policies)...`);
        const m = buildModel(spec, b.nodes, b.endpoints);
        const t0 = performance.now();
        const planner = createPlanner();
        const r0 = planner.plan(m.compiled, { node: n0.name });
        initialPlanMs = performance.now() - t0;
        initialLoadMs = await loadTable(netns0, renderRuleset(r0));
        session ??= await NftSession.open(netns0);
        start = { node: n0.name, netns: netns0, cluster: m.snapshot.cluster, policies: m.snapshot.policies, applied: r0, compiled: m.compiled, planner, session, podBase: podBaseOf(m.snapshot, m.cluster.documents) };
        policies = m.cluster.policies;
      }
      log(`pod: ${size} pods: up to ${o.podChanges} one-pod changes (budget ${o.podBudget} s; initial plan ${fmtMs(initialPlanMs)})...`);
      const prof = o.cpuProf && size === largest;
      const gcs = recordGc();
      const { value: r, profile } = await profiled(prof, () => runPodSize(start, o.podChanges, o.podBudget));
      // The observer's entries arrive a turn after the collection.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gcs.stop();
      if (profile !== undefined) {
        const file = join(process.cwd(), `bench-dataplane-pod-${size}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        results.profile = { file, top: topFunctions(profile, 15, `${process.cwd()}/`) };
      }
      results.pod.push({ pods: size, policies, elements: elementCounts(r.state.applied).total, initialPlanMs, initialLoadMs, timings: r.timings.map((t) => ({ ...t, gc: gcs.inside(t.startedAt, t.startedAt + t.totalMs) })), warmupMaxMs: Math.max(...r.warmup.map((w) => w.totalMs)), stoppedByBudget: r.stoppedByBudget });
      for (const [i, t] of r.timings.entries()) log(`  change ${i + 1}: ${fmtMs(t.totalMs)} (plan ${fmtMs(t.phases.plan)}, compile ${fmtMs(t.phases.compile)}, apply ${fmtMs(t.phases.apply)}, ${t.full ? 'full' : `${t.changes} element changes`})${t.patchDeclined === true ? ' — the agent\'s pod patch declined' : ''}`);
      const declined = r.timings.filter((t) => t.patchDeclined === true).length;
      if (declined > 0) results.notes.push(`${size} pods: the agent's pod patch declined ${declined} of ${r.timings.length} changes (the agent would rebuild its whole model for them)`);
    }
  }
} finally {
  await cleanup();
  const left = bench === undefined ? [] : (await listNetns()).filter((n) => n.startsWith(bench?.lab.prefix ?? '\u0000'));
  if (left.length > 0) {
    log(`WARNING: lab namespaces left behind: ${left.join(', ')}`);
    results.notes.push(`lab namespaces left behind: ${left.join(', ')}`);
  }
}

// ---- report ----
const goals: GoalVerdict[] = [];
// Rate comparisons printed beside the goals (goals.ts RATE_REFERENCE), not judged.
const reference: GoalVerdict[] = [];
const out: string[] = [];
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
out.push(`Palisade dataplane benchmark: ${machine}`);
if (results.bigSpec !== undefined) {
  out.push(`big cluster: ${o.pods} synthetic pods (model only), ${o.policies} NetworkPolicies, ${o.namespaces} namespaces, ${o.localPods} synthetic pods per lab node; + 3 real lab pods and 3 bench policies`);
  for (const p of results.bigPlans ?? []) out.push(`  ${p.node}: ${p.elements} set elements; generate ${fmtMs(p.buildMs.generate)}, buildSnapshot ${fmtMs(p.buildMs.snapshot)}, compile ${fmtMs(p.buildMs.compile)}, plan ${fmtMs(p.planMs)} (worker thread)`);
}
if (results.rate !== undefined) {
  const rows = rateRows(results.rate);
  out.push('', `1. new-connection rate (${o.duration} s runs x ${o.reps}, interleaved; concurrency ${o.concurrency}; every TCP connection / UDP request a new flow)`, formatRate(rows));
  const v = rateVerdicts((baseline, candidate) => judgeRate(rows, baseline, candidate));
  goals.push(...v.goals);
  reference.push(...v.reference);
}
if (results.rateAb !== undefined) {
  const rows = abRows(results.rateAb);
  const where = o.abCpus === 'shared' ? 'both on CPU 0 with equal cgroup shares' : 'one CPU each';
  out.push('', `1. new-connection rate, two tables at the same time on two identical node pairs (${where}), swapped between the pairs; ${o.duration} s runs x 2 x ${o.reps} repetitions; ${o.loadgen} load generators; concurrency ${o.concurrency}; every TCP connection / UDP request a new flow`, formatRateAb(rows));
  out.push(o.abCpus === 'shared'
    ? '   softirq / user µs c/b: not measured when the pairs share a CPU (/proc/stat cannot tell them apart); see 1b for the netfilter CPU per connection'
    : '   softirq / user µs c/b: each side\'s CPU time per connection (/proc/stat of its pair\'s CPU, medians): the tables work in softirq; user is the Node load generator and server, whose swings make most of the rates\' noise');
  const v = rateVerdicts((baseline, candidate) => judgeRateAb(rows, baseline, candidate));
  goals.push(...v.goals);
  reference.push(...v.reference);
}
if (results.attribution !== undefined) {
  out.push('', `1b. netfilter CPU per new connection (perf record -a at ${PERF_HZ} Hz, one ${o.duration} s run each, one pair alone; repeatable to ~0.5 µs: where the table's cost goes, beside the measured rates)`);
  out.push(formatAttribution(results.attribution));
  out.push('   model: the rate of a CPU-bound node if only netfilter\'s CPU per connection differed (busy / (busy + extra netfilter)); printed beside the measured rates, not instead of them');
  out.push('   it undercounts connection tracking: on a VM, perf samples work done with interrupts off (allocation, RCU, timers) at _raw_spin_unlock_irqrestore, not in conntrack\'s functions (about +6 µs per TCP connection there with conntrack on); the softirq µs of part 1 are the fuller measure');
}
if (results.load !== undefined) {
  const l = results.load;
  out.push('', '2. full load of the big table (node-0)');
  out.push(`   render ${fmtMs(l.renderMs)} (${l.textMB.toFixed(1)} MB of nft text); nft -f: ${l.loadMs.map(fmtMs).join(', ')} (first into an empty namespace, then atomic replaces)`);
  out.push(`   elements: ${l.totalElements} = ${Object.entries(l.elements).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push(`   rules: ${l.rules.fixed} in the fixed chains (0-policy table: ${l.emptyRules.fixed}); ${l.rules.dropChains} in ${l.rules.dropTargets} per-policy drop chains (counter, log, drop: reached only by a drop verdict)`);
  out.push(`   readback (nft -j list table) ${fmtMs(l.readbackMs)}: ${l.readbackProblems.length === 0 ? 'the kernel holds exactly the planned element counts and chains' : l.readbackProblems.slice(0, 5).join('; ')}`);
  goals.push(judgeRules(l.rules.fixed, l.emptyRules.fixed, l.totalElements));
  goals.push({ goal: 'big table has >= 100,000 set elements', met: l.totalElements >= 100_000, detail: `${l.totalElements}` });
}
if (results.latency !== undefined) {
  const lt = results.latency;
  if (lt.via === 'agent') {
    out.push('', '3. policy change -> rules live (node-0, big cluster; through the agent as `palisade up` runs it: store update with its fsynced log → watch event → 10 ms debounce → reconcile → nft transaction)');
    out.push(formatAgentChanges(lt.timings));
    out.push('   write: the store\'s update call (admission, fsync, synchronous delivery to the agent); wait: until the reconcile starts (debounce, timers); compute: model, recompile, plan, delta (agent clock, whole ms); nft: the transaction');
    out.push(`   store: ${lt.load.objects} objects created in ${fmtMs(lt.load.createMs)}, made durable by one snapshot in ${fmtMs(lt.load.persistMs)}, reopened in ${fmtMs(lt.load.openMs)} (not timed as changes)`);
    out.push(`   agent: first full replace after ${fmtMs(lt.initial.readyMs)}, idle after ${fmtMs(lt.initial.idleMs)} (${lt.initial.reconciles} reconciles); ${lt.initial.elements} set elements (the bench's own plan: ${lt.plannedElements})`);
    out.push(`   heap: store and agent run in a worker thread (their own heap, ${Number.isNaN(lt.heapMb) ? '? (no --expose-gc)' : `${lt.heapMb.toFixed(0)} MB after a full collection`}); ${formatChangeGc(lt.timings)}`);
    const extra = modeCounts(lt.timings).extraReconciles;
    if (extra > 0) out.push(`   ${extra} extra reconciles after changes (the agent's status writes came back as events)`);
  } else {
    out.push('', '3. policy change -> rules live (node-0, big cluster; convert → compile → plan → delta → nft apply, measured directly, no agent or store)');
    out.push(formatChanges([{ label: 'policy change', timings: lt.timings }]));
  }
  if (lt.stoppedByBudget) out.push(`   stopped by the time budget (--latency-budget ${o.latencyBudget} s) after ${lt.timings.length} changes`);
  goals.push(judgePolicyLatency(lt.timings.map((t) => t.totalMs), lt.trafficMismatches.length, lt.via === 'agent' ? 'through the agent: store write to nft commit' : 'direct path: no agent, no store'));
  for (const m of lt.trafficMismatches) out.push(`   MISMATCH ${m}`);
}
if (results.pod !== undefined) {
  out.push('', '4. one-pod change (add / relabel / remove a pod on another node), whole path by phase');
  out.push(formatChanges(results.pod.map((z) => ({ label: `${z.pods} pods, ${z.policies} pol, ${z.elements} el`, timings: z.timings }))));
  for (const z of results.pod) {
    out.push(`   ${z.pods} pods: initial plan ${fmtMs(z.initialPlanMs)}, full load ${fmtMs(z.initialLoadMs)}; ${POD_WARMUP} untimed warm-up changes first (slowest ${fmtMs(z.warmupMaxMs)})${z.stoppedByBudget ? `; stopped by the budget (--pod-budget ${o.podBudget} s) after ${z.timings.length} changes` : ''}`);
    // This thread also holds the bench's models (the big one beside the path's state): an agent's heap holds only the latter.
    out.push(`     heap of the bench process: ${formatChangeGc(z.timings)}`);
  }
  goals.push(...judgePodChange(results.pod.map((z) => ({ pods: z.pods, samplesMs: z.timings.map((t) => t.totalMs) }))));
}
if (results.profile !== undefined) {
  out.push('', `CPU profile of the one-pod changes at the largest size (${results.profile.file}); self / total ms:`);
  for (const f of results.profile.top) out.push(`   ${f.selfMs.toFixed(0).padStart(8)} ${f.totalMs.toFixed(0).padStart(8)}  ${f.fn}`);
}
if (results.notes.length > 0) out.push('', 'notes:', ...results.notes.map((n) => `  ${n}`));
out.push('', 'goals:', formatGoals(goals));
if (reference.length > 0) {
  out.push('', 'reference (not goals): the big table against a node that tracks nothing (connection tracking\'s own cost, which a kube-proxy node already pays) and against the 3-policy table that isolates the measured pods as the big one does (what 10,000 policies and 100k pods add to the same checks)', formatRateReference(reference));
}
const totalSeconds = (performance.now() - started) / 1000;
out.push('', `total ${totalSeconds.toFixed(0)} s; 1-min load average ${loadBefore.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (other work on the machine skews figures)`, '');
process.stdout.write(out.join('\n'));
if (o.json !== undefined) {
  writeFileSync(o.json, `${JSON.stringify({ machine, options: o, results, goals, reference, totalSeconds }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
