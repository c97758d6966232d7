// Micro-benchmark of the dataplane planner: plan() time for one node of generated clusters
// (scripts/bench/generate-cluster.ts) — a full plan, and a re-plan after a one-pod label
// change (the agent's common case) with the previous ruleset/cache passed in.
// Usage: node scripts/bench-plan.ts [1k|10k|100k ...] [--reps N]
import { buildSnapshot } from '../src/api/snapshot.ts';
import { compile } from '../src/engine/compile.ts';
import { recompile } from '../src/engine/recompile.ts';
import type { Cluster, Pod } from '../src/model/cluster.ts';
import { createPlanner, plan } from '../src/dataplane/plan.ts';
import type { Ruleset } from '../src/dataplane/ruleset.ts';
import { generateCluster } from './bench/generate-cluster.ts';
import type { ClusterShape } from './bench/generate-cluster.ts';

const SHAPES: Record<string, ClusterShape> = {
  '1k': { name: '1k', pods: 1_000, namespaces: 70, policies: 1_000, seed: 1001, dualStackFraction: 0.1 },
  '10k': { name: '10k', pods: 10_000, namespaces: 700, policies: 1_400, seed: 10_001, dualStackFraction: 0.1 },
  '10k-10kp': { name: '10k-10kp', pods: 10_000, namespaces: 700, policies: 10_000, seed: 10_002, dualStackFraction: 0.1 },
  '100k': { name: '100k', pods: 100_000, namespaces: 7_000, policies: 10_000, seed: 100_001, dualStackFraction: 0.1 },
};

const args = process.argv.slice(2);
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 5;
const names = args.filter((a, i) => !a.startsWith('--') && (repsAt < 0 || i !== repsAt + 1));

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/** The node with the most non host-network pods: the worst-placed agent. */
function busiestNode(cl: Cluster): string {
  const count = new Map<string, number>();
  for (const p of cl.pods) if (!p.hostNetwork && p.node !== undefined) count.set(p.node, (count.get(p.node) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** Pod k takes the labels of another pod of its namespace: it lands in an existing class. */
function relabel(cl: Cluster, k: number): Cluster {
  const victim = cl.pods[k];
  if (victim === undefined) return cl;
  const donor = cl.pods.find((p, i) => i !== k && p.namespace === victim.namespace && !p.hostNetwork && JSON.stringify(p.labels) !== JSON.stringify(victim.labels)) ?? victim;
  const pods: Pod[] = cl.pods.map((p, i) => (i === k ? { ...p, labels: { ...donor.labels } } : p));
  return { ...cl, pods };
}

for (const name of names.length > 0 ? names : ['1k', '10k']) {
  const shape = SHAPES[name];
  if (shape === undefined) throw new Error(`unknown size ${name}; one of ${Object.keys(SHAPES).join(', ')}`);
  const { cluster, policies } = buildSnapshot(generateCluster(shape).documents);
  const node = busiestNode(cluster);
  const [compiled, compileMs] = time(() => compile(cluster, policies));
  const planner = createPlanner();
  const [first, fullMs] = time(() => planner.plan(compiled, { node }));
  const full: number[] = [fullMs];
  for (let r = 1; r < Math.min(reps, 3); r++) {
    const fresh = compile(cluster, policies);
    full.push(time(() => plan(fresh, { node }))[1]);
  }
  const one: number[] = [];
  const fullCompile: number[] = [];
  const incCompile: number[] = [];
  let prevCompiled = compiled;
  let prev: Ruleset = first;
  let cl = cluster;
  const local = cl.pods.map((p, i) => (p.node === node && !p.hostNetwork ? i : -1)).filter((i) => i >= 0);
  for (let r = 0; r < reps; r++) {
    // Alternate local and remote pods: both kinds of change reach every agent.
    const pick = r % 2 === 0 ? local[(r * 7) % local.length] ?? 0 : (r * 7919) % cl.pods.length;
    const key = cl.pods[pick]?.key ?? '';
    cl = relabel(cl, pick);
    fullCompile.push(time(() => compile(cl, policies))[1]);
    const [c, incMs] = time(() => recompile(prevCompiled, cl, policies, { pods: new Map([[key, cl.pods[pick]]]) }));
    incCompile.push(incMs);
    prevCompiled = c;
    const [next, ms] = time(() => planner.plan(c, { node }));
    one.push(ms);
    prev = next;
  }
  const cells = prev.egress.cells.length + prev.ingress.cells.length;
  console.log(`${name}: pods ${cluster.pods.length}, policies ${policies.policies.length}, node ${node} (${first.local.length} local addrs), identities ${prev.numbering.nextIdentity - 1}, cells ${cells}`);
  console.log(`  compile ${compileMs.toFixed(1)} ms | full plan min ${Math.min(...full).toFixed(1)} median ${percentile(full, 50).toFixed(1)} ms | one-pod re-plan min ${Math.min(...one).toFixed(1)} p50 ${percentile(one, 50).toFixed(1)} ms p99 ${percentile(one, 99).toFixed(1)} ms (${one.length} changes)`);
  console.log(`  one-pod compile p50 ${percentile(fullCompile, 50).toFixed(1)} ms p99 ${percentile(fullCompile, 99).toFixed(1)} ms | recompile p50 ${percentile(incCompile, 50).toFixed(2)} ms p99 ${percentile(incCompile, 99).toFixed(2)} ms`);
}
