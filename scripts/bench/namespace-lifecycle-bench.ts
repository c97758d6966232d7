// Times a namespace created empty (`kubectl create namespace`, labelled like a tenant
// with env=prod, so the generated namespaceSelector peers — team + env In [prod,
// staging], env NotIn [dev] — match it) and deleted again, on a generated cluster
// (generate-cluster.ts), through what the agent runs for it, before and after recompile()
// followed namespaces created and deleted:
// - before: a full compile() (what recompile() fell back to), and the planner starting
//   over from it (a new lineage: no journal to follow);
// - after: recompile() following the namespace in place, and the planner following its
//   journal;
// each with delta() against the last plan (the nft text the agent sends). And the model
// side: the agent's full build of every object through its conversion cache (what a
// Namespace created or deleted cost before) vs the namespace patch (namespace-patch.ts:
// patchNamespaces, and dropNamespaces for a deletion). The sibling of
// namespace-relabel-bench.ts. CPU heavy (seconds per "before" step at 100k): run it alone.
//
//   node --max-old-space-size=8192 scripts/bench/namespace-lifecycle-bench.ts [--size 100k|10k|1k] [--reps N]
import { parseArgs } from 'node:util';
import { DEFAULT_HANDLERS } from '../../src/api/handlers.ts';
import { buildModel } from '../../src/agent/cluster-model.ts';
import { ConversionCache } from '../../src/agent/conversion-cache.ts';
import { dropNamespaces, patchNamespaces } from '../../src/agent/namespace-patch.ts';
import { patchBase } from '../../src/agent/pod-patch.ts';
import { delta } from '../../src/dataplane/delta.ts';
import { createPlanner } from '../../src/dataplane/plan.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { compile, internals } from '../../src/engine/compile.ts';
import type { CompiledCluster } from '../../src/engine/compile.ts';
import { recompile } from '../../src/engine/recompile.ts';
import type { Cluster, Namespace } from '../../src/model/cluster.ts';
import type { SourceObject } from '../../src/sources/object-source.ts';
import { generateCluster } from './generate-cluster.ts';
import type { ClusterShape } from './generate-cluster.ts';

// The shapes of scripts/bench-plan.ts: 100k pods and 10k policies is the agent's target.
const SHAPES: Record<string, ClusterShape> = {
  '1k': { name: '1k', pods: 1_000, namespaces: 70, policies: 1_000, seed: 1001, dualStackFraction: 0.1 },
  '10k': { name: '10k', pods: 10_000, namespaces: 700, policies: 1_400, seed: 10_001, dualStackFraction: 0.1 },
  '100k': { name: '100k', pods: 100_000, namespaces: 7_000, policies: 10_000, seed: 100_001, dualStackFraction: 0.1 },
};

const { values } = parseArgs({ options: { size: { type: 'string' }, reps: { type: 'string' } }, strict: true });
const shape = SHAPES[values.size ?? '100k'];
if (shape === undefined) {
  process.stderr.write(`namespace-lifecycle-bench: unknown size ${values.size ?? ''} (known: ${Object.keys(SHAPES).join(', ')})\n`);
  process.exit(2);
}
const reps = Number(values.reps ?? '6');

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
}

function ms(xs: readonly number[]): string {
  return `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
}

/** The node with the most non host-network pods: the worst-placed agent. */
function busiestNode(cl: Cluster): string {
  const count = new Map<string, number>();
  for (const p of cl.pods) if (!p.hostNetwork && p.node !== undefined) count.set(p.node, (count.get(p.node) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

const generated = generateCluster(shape);
// Objects as the API server holds them (uid and resourceVersion: the conversion cache's key).
const objects = generated.documents.map((d, i) => {
  const o = d.object as SourceObject;
  return { ...o, metadata: { ...o.metadata, uid: `uid-${i}`, resourceVersion: '1' } } as SourceObject;
});
const cache = new ConversionCache();
const first = buildModel(objects, DEFAULT_HANDLERS, cache);
const { cluster, policies } = first.snapshot;
const node = busiestNode(cluster);

// New tenant namespaces: each labelled like an existing prod tenant (its team, env=prod).
const tenants = cluster.namespaces.filter((n) => n.labels['env'] === 'prod' && n.labels['team'] !== undefined && n.labels['team'] !== 'platform');
const created: Array<{ object: SourceObject; namespace: Namespace }> = [];
for (let r = 0; r < reps; r++) {
  const team = tenants[(r * 7919) % Math.max(1, tenants.length)]?.labels['team'] ?? 'team';
  const name = `${team}-prod-new-${r}`;
  const labels = { 'kubernetes.io/metadata.name': name, team, env: 'prod' };
  created.push({
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, uid: `uid-new-${r}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' } } as SourceObject,
    namespace: { name, labels },
  });
}

function sorted(namespaces: readonly Namespace[]): Namespace[] {
  return [...namespaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Each new namespace created, then deleted; the same for both paths. Even steps create, odd ones delete. */
function steps(): Cluster[] {
  const out: Cluster[] = [];
  for (const { namespace } of created) {
    out.push({ ...cluster, namespaces: sorted([...cluster.namespaces, namespace]) });
    out.push({ ...cluster, namespaces: cluster.namespaces });
  }
  return out;
}

console.log(`${shape.name}: pods ${cluster.pods.length}, namespaces ${cluster.namespaces.length}, policies ${policies.policies.length}, node ${node}`);
console.log(`created and deleted again: ${created.map((c) => c.namespace.name).join(', ')}`);

interface PathTimes { engine: number[]; plan: number[]; delta: number[] }

function run(label: string, next: (prev: CompiledCluster, cl: Cluster) => CompiledCluster): Ruleset {
  const planner = createPlanner();
  let compiled: CompiledCluster = compile(cluster, policies);
  let last = planner.plan(compiled, { node });
  const byKind: Record<'create' | 'delete', PathTimes> = { create: { engine: [], plan: [], delta: [] }, delete: { engine: [], plan: [], delta: [] } };
  let followed = 0;
  steps().forEach((cl, i) => {
    const lineage = internals(compiled).lineage;
    const [c, e] = time(() => next(compiled, cl));
    if (internals(c).lineage === lineage) followed++;
    const [rs, p] = time(() => planner.plan(c, { node }));
    const [, d] = time(() => delta(last, rs));
    const t = byKind[i % 2 === 0 ? 'create' : 'delete'];
    t.engine.push(e);
    t.plan.push(p);
    t.delta.push(d);
    compiled = c;
    last = rs;
  });
  console.log(`${label}: (${followed} of ${2 * created.length} recompiles kept the lineage)`);
  for (const [kind, t] of Object.entries(byKind)) {
    const total = t.engine.map((e, i) => e + (t.plan[i] ?? 0) + (t.delta[i] ?? 0));
    console.log(`  ${kind}:`);
    console.log(`    compile/recompile ${ms(t.engine)}`);
    console.log(`    plan              ${ms(t.plan)}`);
    console.log(`    delta             ${ms(t.delta)}`);
    console.log(`    total             ${ms(total)}`);
  }
  return last;
}

const before = run('before (compile(), the planner starts over)', (_prev, cl) => compile(cl, policies));
const after = run('after (recompile() follows the namespace, the planner its journal)', (prev, cl) => recompile(prev, cl, policies, { pods: new Map() }));
// Both planners number as a plan from scratch given the previous numbering would (plan.ts): the same addresses and identities.
const same = JSON.stringify(before.addresses) === JSON.stringify(after.addresses) && JSON.stringify(before.local) === JSON.stringify(after.local);
console.log(`  both paths end with the same addresses and identities: ${same ? 'yes' : 'NO'} (${after.addresses.length} addresses, rows ${after.egress.rows.length} + ${after.ingress.rows.length})`);

// The agent's model side of one Namespace event.
const build: Record<'create' | 'delete', number[]> = { create: [], delete: [] };
const patch: Record<'create' | 'delete', number[]> = { create: [], delete: [] };
let base = patchBase(first.snapshot, objects);
for (const { object } of created) {
  const name = object.metadata.name;
  const withIt = [...objects, object];
  build.create.push(time(() => buildModel(withIt, DEFAULT_HANDLERS, cache))[1]);
  const [p, t] = time(() => patchNamespaces(base, new Map([[name, object]]), DEFAULT_HANDLERS));
  if (p === undefined) throw new Error(`the namespace patch declined creating ${name}`);
  base = p.base;
  patch.create.push(t);
  build.delete.push(time(() => buildModel(objects, DEFAULT_HANDLERS, cache))[1]);
  const [q, u] = time(() => {
    const n = patchNamespaces(base, new Map([[name, undefined]]), DEFAULT_HANDLERS);
    return n === undefined ? undefined : dropNamespaces(n.base, n.deleted);
  });
  if (q === undefined) throw new Error(`the namespace patch declined deleting ${name}`);
  base = q;
  patch.delete.push(u);
}
console.log('agent model for one Namespace event:');
for (const kind of ['create', 'delete'] as const) {
  console.log(`  ${kind}:`);
  console.log(`    full build (conversion cache warm) ${ms(build[kind])}`);
  console.log(`    namespace patch                    ${ms(patch[kind])}`);
}
