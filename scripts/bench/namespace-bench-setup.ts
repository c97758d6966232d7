// What the namespace benchmarks (namespace-relabel-bench.ts, namespace-lifecycle-bench.ts)
// share: the cluster shapes and command line, timing helpers and their printout, and the generated cluster
// built once as the agent holds it (objects with uid and resourceVersion, a full build
// through the conversion cache, the busiest node).
import { parseArgs } from 'node:util';
import { DEFAULT_HANDLERS } from '../../src/api/handlers.ts';
import { buildModel } from '../../src/agent/cluster-model.ts';
import type { ModelBuild } from '../../src/agent/cluster-model.ts';
import { ConversionCache } from '../../src/agent/conversion-cache.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import type { Cluster } from '../../src/model/cluster.ts';
import type { SourceObject } from '../../src/sources/object-source.ts';
import { generateCluster } from './generate-cluster.ts';
import type { ClusterShape } from './generate-cluster.ts';

// The shapes of scripts/bench-plan.ts: 100k pods and 10k policies is the agent's target.
const SHAPES: Record<string, ClusterShape> = {
  '1k': { name: '1k', pods: 1_000, namespaces: 70, policies: 1_000, seed: 1001, dualStackFraction: 0.1 },
  '10k': { name: '10k', pods: 10_000, namespaces: 700, policies: 1_400, seed: 10_001, dualStackFraction: 0.1 },
  '100k': { name: '100k', pods: 100_000, namespaces: 7_000, policies: 10_000, seed: 100_001, dualStackFraction: 0.1 },
};

/** `--size` and `--reps` of `script`'s command line; exits 2 on an unknown size. */
export function namespaceBenchArgs(script: string): { shape: ClusterShape; reps: number } {
  const { values } = parseArgs({ options: { size: { type: 'string' }, reps: { type: 'string' } }, strict: true });
  const shape = SHAPES[values.size ?? '100k'];
  if (shape === undefined) {
    process.stderr.write(`${script}: unknown size ${values.size ?? ''} (known: ${Object.keys(SHAPES).join(', ')})\n`);
    process.exit(2);
  }
  return { shape, reps: Number(values.reps ?? '6') };
}

export function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
}

export function ms(xs: readonly number[]): string {
  return `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
}

/** The node with the most non host-network pods: the worst-placed agent. */
function busiestNode(cl: Cluster): string {
  const count = new Map<string, number>();
  for (const p of cl.pods) if (!p.hostNetwork && p.node !== undefined) count.set(p.node, (count.get(p.node) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export interface NamespaceBenchCluster {
  /** Objects as the API server holds them (uid and resourceVersion: the conversion cache's key). */
  readonly objects: SourceObject[];
  readonly cache: ConversionCache;
  readonly first: ModelBuild;
  readonly node: string;
}

export function namespaceBenchCluster(shape: ClusterShape): NamespaceBenchCluster {
  const generated = generateCluster(shape);
  const objects = generated.documents.map((d, i) => {
    const o = d.object as SourceObject;
    return { ...o, metadata: { ...o.metadata, uid: `uid-${i}`, resourceVersion: '1' } } as SourceObject;
  });
  const cache = new ConversionCache();
  const first = buildModel(objects, DEFAULT_HANDLERS, cache);
  return { objects, cache, first, node: busiestNode(first.snapshot.cluster) };
}

/** Milliseconds of each step's recompile, plan and delta. */
export interface PathTimes { readonly engine: number[]; readonly plan: number[]; readonly delta: number[] }

export function pathTimes(): PathTimes {
  return { engine: [], plan: [], delta: [] };
}

/** The phases and their sum, one line each, under `indent`. */
export function printPathTimes(t: PathTimes, indent: string): void {
  const total = t.engine.map((e, i) => e + (t.plan[i] ?? 0) + (t.delta[i] ?? 0));
  console.log(`${indent}compile/recompile ${ms(t.engine)}`);
  console.log(`${indent}plan              ${ms(t.plan)}`);
  console.log(`${indent}delta             ${ms(t.delta)}`);
  console.log(`${indent}total             ${ms(total)}`);
}

/** Both planners number as a plan from scratch given the previous numbering would (plan.ts): the same addresses and identities. */
export function printSameNumbering(before: Ruleset, after: Ruleset): void {
  const same = JSON.stringify(before.addresses) === JSON.stringify(after.addresses) && JSON.stringify(before.local) === JSON.stringify(after.local);
  console.log(`  both paths end with the same addresses and identities: ${same ? 'yes' : 'NO'} (${after.addresses.length} addresses, rows ${after.egress.rows.length} + ${after.ingress.rows.length})`);
}
