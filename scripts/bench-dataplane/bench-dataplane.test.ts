// The pure parts of the dataplane benchmark: argument parsing, statistics, goal verdicts,
// scenario interleaving, the pod-change cycle and the CPU-profile summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgsError, DEFAULTS, parseBenchArgs, parseCount } from './args.ts';
import { topFunctions } from './cpu-profile.ts';
import { parseProcStat, perConnectionOf } from './cpu-times.ts';
import type { CpuProfile } from './cpu-profile.ts';
import { abRows, formatRateReference, judgePodChange, judgePolicyLatency, judgeRate, judgeRateAb, judgeRules, rateRows, rateVerdicts } from './goals.ts';
import type { RateInput } from './goals.ts';
import { podChange } from './pod-part.ts';
import { AB_COMPARISONS, abSchedule, swappedRatio } from './rate-ab-part.ts';
import type { AbRun, AbSample } from './rate-ab-part.ts';
import { scenarioOrder } from './rate-part.ts';
import { median, summarizeLatency, summarizeRuns } from './stats.ts';
import type { Pod } from '../../src/model/cluster.ts';

test('parseCount reads plain, underscored and k/M suffixed counts', () => {
  const cases: Array<[string, number | undefined]> = [['100', 100], ['1_000', 1000], ['10k', 10_000], ['1.5k', 1500], ['2M', 2_000_000], ['x', undefined], ['-1', undefined], ['', undefined]];
  for (const [text, want] of cases) assert.equal(parseCount(text), want, text);
});

test('parseBenchArgs: defaults, parts in canonical order, sizes sorted', () => {
  assert.deepEqual(parseBenchArgs([]), DEFAULTS);
  const o = parseBenchArgs(['--parts', 'pod,rate', '--pod-sizes', '10k,1k,1k', '--protocols', 'udp', '--json', 'x.json', '--cpu-prof', '--via', 'direct']);
  assert.deepEqual(o.parts, ['rate', 'pod']);
  assert.deepEqual(o.podSizes, [1000, 10_000]);
  assert.deepEqual(o.protocols, ['udp']);
  assert.equal(o.json, 'x.json');
  assert.equal(o.cpuProf, true);
  assert.equal(o.via, 'direct');
  assert.equal(parseBenchArgs(['--rate-method', 'sequential']).rateMethod, 'sequential');
  assert.equal(parseBenchArgs([]).loadgen, 'warm');
  assert.equal(parseBenchArgs(['--loadgen', 'fresh', '--ab-cpus', 'split']).loadgen, 'fresh');
  assert.equal(parseBenchArgs([]).abCpus, 'shared');
  assert.throws(() => parseBenchArgs(['--loadgen', 'fresh']), /--ab-cpus shared needs --loadgen warm/);
  assert.throws(() => parseBenchArgs(['--ab-cpus', 'half']), /--ab-cpus: want split or shared, got "half"/);
});

test('parseBenchArgs reports every problem at once', () => {
  try {
    parseBenchArgs(['--parts', 'rate,bogus', '--reps', '0', '--via', 'kernel', '--rate-method', 'guess', '--loadgen', 'cold']);
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ArgsError);
    assert.equal(e.problems.length, 5, e.problems.join('; '));
    assert.match(e.problems.join('\n'), /--loadgen: want warm or fresh, got "cold"/);
    assert.match(e.problems.join('\n'), /--rate-method: want simultaneous or sequential, got "guess"/);
    assert.match(e.problems.join('\n'), /bogus/);
    assert.match(e.problems.join('\n'), /--reps/);
    assert.match(e.problems.join('\n'), /--via/);
  }
  assert.throws(() => parseBenchArgs(['--nope']), ArgsError);
  assert.throws(() => parseBenchArgs(['--pods', '100', '--namespaces', '200']), /fewer than --pods/);
});

test('median and run summaries', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.ok(Number.isNaN(median([])));
  const s = summarizeRuns([90, 100, 110]);
  assert.deepEqual({ ...s, spread: Number(s.spread.toFixed(3)) }, { n: 3, median: 100, min: 90, max: 110, spread: 0.2 });
});

test('latency percentiles are nearest-rank', () => {
  const samples = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
  const s = summarizeLatency(samples);
  assert.equal(s.p50, 100);
  assert.equal(s.p90, 180);
  assert.equal(s.p99, 198);
  assert.equal(s.max, 200);
  assert.equal(summarizeLatency([5]).p99, 5);
});

test('scenario order rotates so every scenario leads once in five repetitions', () => {
  assert.deepEqual(scenarioOrder(0), ['none', 'conntrack', 'empty', 'small', 'big']);
  assert.deepEqual(scenarioOrder(1), ['conntrack', 'empty', 'small', 'big', 'none']);
  assert.deepEqual(scenarioOrder(4), ['big', 'none', 'conntrack', 'empty', 'small']);
  assert.deepEqual(scenarioOrder(5), scenarioOrder(0));
});

test('rate goal: big-table median >= 95% of the no-filter node\'s median (conntrack on, no rules), and no failed connections', () => {
  const sample = (scenario: string, rate: number, failed = 0): RateInput => ({ scenario, placement: 'same-node', protocol: 'tcp', rate, failed });
  const cases: Array<{ name: string; samples: RateInput[]; met: boolean }> = [
    { name: 'equal', samples: [sample('conntrack', 1000), sample('big', 1000)], met: true },
    { name: 'exactly 95%', samples: [sample('conntrack', 1000), sample('big', 950)], met: true },
    { name: 'below', samples: [sample('conntrack', 1000), sample('big', 949)], met: false },
    { name: 'median over runs', samples: [sample('conntrack', 1000), sample('conntrack', 1000), sample('conntrack', 10), sample('big', 960), sample('big', 5), sample('big', 990)], met: true },
    { name: 'failures', samples: [sample('conntrack', 1000), sample('big', 1000, 3)], met: false },
  ];
  for (const c of cases) {
    const v = judgeRate(rateRows(c.samples));
    assert.equal(v.length, 1, c.name);
    assert.equal(v[0]?.met, c.met, `${c.name}: ${v[0]?.detail}`);
  }
});

test('rate goal with repetitions: the median of per-repetition ratios, so a drift that hits a repetition\'s runs alike cancels out', () => {
  const sample = (scenario: string, rep: number, rate: number): RateInput => ({ scenario, placement: 'same-node', protocol: 'tcp', rate, failed: 0, rep });
  // The machine slows down 2x from rep to rep; within each rep big is 97% of none.
  const drift = [1000, 500, 250, 125, 62.5];
  const samples = drift.flatMap((r, rep) => [sample('conntrack', rep, r), sample('big', rep, r * 0.97)]);
  // Shuffle the reps' order of big vs none: pairing is by rep number, not list order.
  samples.reverse();
  const v = judgeRate(rateRows(samples));
  assert.equal(v[0]?.met, true, v[0]?.detail);
  assert.match(v[0]?.detail ?? '', /^97\.0% \(median of 5 paired runs/);
  const worse = drift.flatMap((r, rep) => [sample('conntrack', rep, r), sample('big', rep, r * (rep === 0 ? 1.2 : 0.9))]);
  assert.equal(judgeRate(rateRows(worse))[0]?.met, false, 'one lucky repetition does not carry the median');
});

test('rate goals: the 0-policy and the big table against a no-filter node; no table and the 0-policy table only as references', () => {
  const sample = (scenario: string, rate: number): RateInput => ({ scenario, placement: 'cross-node', protocol: 'udp', rate, failed: 0 });
  const rows = rateRows([sample('none', 2000), sample('conntrack', 1000), sample('empty', 990), sample('small', 1010), sample('big', 960)]);
  const v = rateVerdicts((baseline, candidate) => judgeRate(rows, baseline, candidate));
  assert.deepEqual(v.goals.map((g) => [g.goal, g.met]), [
    ['UDP cross-node: new connections/s with the 0-policy table >= 95.0% of a no-filter node (conntrack on, no rules: a kube-proxy node)', true],
    ['UDP cross-node: new connections/s with the big table >= 95.0% of a no-filter node (conntrack on, no rules: a kube-proxy node)', true],
  ]);
  assert.deepEqual(v.reference.map((g) => [g.goal, g.met]), [
    ['UDP cross-node: new connections/s with the big table >= 95.0% of no table (nothing tracked)', false],
    ['UDP cross-node: new connections/s with the big table >= 95.0% of the 3-policy table (the same pods isolated, tiny sets)', true],
  ]);
  assert.match(formatRateReference(v.reference), /^REF {4}UDP cross-node: .* of no table \(nothing tracked\): 48\.0% .*\(would be missed; not a goal\)$/m);
});

test('simultaneous runs: the swapped ratio cancels a CPU that is faster by any factor', () => {
  const run = (candidateRate: number, baselineRate: number, candidatePair: number): AbRun => ({ candidateRate, baselineRate, candidatePair, failed: 0 });
  // The candidate costs 10%; CPU 1 is 1.3x as fast as CPU 0.
  for (const c of [1, 1.3, 0.6]) {
    const onFast = run(900 * c, 1000, 1);
    const onSlow = run(900, 1000 * c, 0);
    assert.ok(Math.abs(swappedRatio(onFast, onSlow) - 0.9) < 1e-12, `factor ${c}`);
  }
  assert.ok(Number.isNaN(swappedRatio(run(1, 0, 0), run(1, 1, 1))), 'no baseline rate: no ratio');
});

test('simultaneous runs: every comparison once per repetition, rotated, and the candidate alternates between the pairs', () => {
  for (let rep = 0; rep < 6; rep++) {
    const s = abSchedule(rep);
    assert.deepEqual(new Set(s.map((x) => `${x.comparison.candidate}/${x.comparison.baseline}`)), new Set(AB_COMPARISONS.map((c) => `${c.candidate}/${c.baseline}`)), `rep ${rep}`);
    for (const x of s) assert.deepEqual(x.candidatePairs, rep % 2 === 0 ? [0, 1] : [1, 0]);
    assert.deepEqual(s[0]?.comparison, AB_COMPARISONS[rep % AB_COMPARISONS.length]);
  }
  assert.deepEqual(AB_COMPARISONS[0], { baseline: 'none', candidate: 'none' }, 'the control comes first');
});

test('simultaneous rate goal: median of the repetitions\' ratios, against the named baseline, with the control beside it', () => {
  const sample = (baseline: string, candidate: string, rep: number, ratio: number, failed = 0): AbSample => ({
    baseline: baseline as AbSample['baseline'], candidate: candidate as AbSample['candidate'], placement: 'same-node', protocol: 'tcp', rep, ratio,
    runs: [{ candidateRate: 1000 * ratio, baselineRate: 1000, candidatePair: 0, failed }, { candidateRate: 1000 * ratio, baselineRate: 1000, candidatePair: 1, failed: 0 }],
  });
  const samples = [
    ...[1.01, 0.99, 1.0].map((r, rep) => sample('none', 'none', rep, r)),
    ...[0.9, 0.93, 0.99].map((r, rep) => sample('none', 'big', rep, r)),
    ...[0.96, 0.97, 0.5].map((r, rep) => sample('conntrack', 'big', rep, r)),
  ];
  const rows = abRows(samples);
  assert.equal(rows.length, 3);
  const vsNone = judgeRateAb(rows, 'none');
  assert.equal(vsNone.length, 1);
  assert.equal(vsNone[0]?.met, false, vsNone[0]?.detail);
  assert.match(vsNone[0]?.detail ?? '', /^93\.0% \(median of 3 simultaneous swapped pairs of runs, 90\.0%-99\.0%; control \(no table on both pairs\) 100\.0%\)/);
  const vsCt = judgeRateAb(rows);
  assert.equal(vsCt[0]?.met, true, 'one bad repetition does not carry the median');
  assert.match(vsCt[0]?.goal ?? '', /of a no-filter node \(conntrack on, no rules/);
  const failing = judgeRateAb(abRows([sample('conntrack', 'big', 0, 0.99, 3)]));
  assert.equal(failing[0]?.met, false, 'failed connections fail the goal');
  assert.match(failing[0]?.detail ?? '', /3 failed connections/);
});

test('per-CPU time per connection from two /proc/stat readings (USER_HZ ticks)', () => {
  const before = parseProcStat('cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 100 0 50 10 0 0 20 0 0 0\ncpu1 7 7 7 7 7 7 7 7 0 0\nintr 99\n');
  assert.deepEqual([...before.keys()], [0, 1], 'the all-CPU line and others are left out');
  const after = parseProcStat('cpu0 140 10 80 20 0 0 40 10 0 0\n');
  // 2 s of CPU 0 over 1,000 connections: user+nice 50 ticks = 0.5 s -> 500 µs each.
  const c = perConnectionOf(before.get(0) ?? [], after.get(0) ?? [], 1000);
  assert.equal(c.user, 500);
  assert.equal(c.system, 300);
  assert.equal(c.softirq, 200);
  assert.equal(c.busy, 1000);
  assert.equal(c.idleShare, 10 / 120);
  assert.equal(c.stealShare, 10 / 120);
  assert.ok(Number.isNaN(perConnectionOf(before.get(0) ?? [], after.get(0) ?? [], 0).busy), 'no connections: no figure');
});

test('rules, latency and pod-change goals', () => {
  assert.equal(judgeRules(24, 24, 150_000).met, true);
  assert.equal(judgeRules(25, 24, 150_000).met, false);
  assert.equal(judgePolicyLatency([100, 200, 499], 0, 'x').met, true);
  assert.equal(judgePolicyLatency([100, 501], 0, 'x').met, false);
  assert.equal(judgePolicyLatency([100], 1, 'x').met, false, 'a real-traffic mismatch fails the goal');
  assert.equal(judgePolicyLatency([], 0, 'x').met, false, 'no samples is not a pass');
  const flat = judgePodChange([{ pods: 1000, samplesMs: [5, 6, 7] }, { pods: 100_000, samplesMs: [8, 9, 10] }]);
  assert.deepEqual(flat.map((v) => v.met), [true, true, true]);
  const growing = judgePodChange([{ pods: 1000, samplesMs: [5, 6, 7] }, { pods: 100_000, samplesMs: [15, 16, 19] }]);
  assert.deepEqual(growing.map((v) => v.met), [true, true, false]);
  assert.deepEqual(judgePodChange([{ pods: 1000, samplesMs: [21] }]).map((v) => v.met), [false]);
});

test('pod changes cycle add → relabel → remove of one pod', () => {
  const t: Pod = { key: 'ns/web-1', namespace: 'ns', name: 'web-1', labels: { app: 'web' }, ips: ['10.64.0.2'], hostNetwork: false, node: 'node-0007', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] };
  const kinds = [0, 1, 2, 3].map((i) => podChange(i, t));
  assert.equal(kinds[0]?.kind, 'upsert');
  assert.equal(kinds[1]?.kind, 'upsert');
  assert.deepEqual(kinds[2], { kind: 'delete-pod', key: 'ns/churn-0' });
  const added = kinds[0] as { object: { metadata: { name: string; labels: Record<string, string> }; spec: { nodeName: string } } };
  const relabelled = kinds[1] as { object: { metadata: { labels: Record<string, string> } } };
  assert.equal(added.object.metadata.name, 'churn-0');
  assert.equal(added.object.spec.nodeName, 'node-0007');
  assert.notDeepEqual(relabelled.object.metadata.labels, added.object.metadata.labels);
  assert.equal((kinds[3] as { object: { metadata: { name: string } } }).object.metadata.name, 'churn-1');
});

test('topFunctions adds self time per function and inclusive time along the stack', () => {
  const frame = (functionName: string): { functionName: string; url: string; lineNumber: number } => ({ functionName, url: 'file:///repo/src/a.ts', lineNumber: 0 });
  const profile: CpuProfile = {
    startTime: 0, endTime: 40,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('plan'), children: [3, 4] },
      { id: 3, callFrame: frame('evaluate') },
      { id: 4, callFrame: frame('parseIp') },
    ],
    // Each sample's time is the delta to the next one.
    samples: [3, 3, 4, 2],
    timeDeltas: [0, 10_000, 10_000, 10_000, 10_000],
  };
  const top = topFunctions(profile, 3, '/repo/');
  assert.deepEqual(top.map((f) => [f.fn, f.selfMs, f.totalMs]), [
    ['evaluate (src/a.ts:1)', 20, 20],
    ['parseIp (src/a.ts:1)', 10, 10],
    ['plan (src/a.ts:1)', 10, 40],
  ]);
});
