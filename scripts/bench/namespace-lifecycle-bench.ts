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
import { DEFAULT_HANDLERS } from '../../src/api/handlers.ts';
import { buildModel } from '../../src/agent/cluster-model.ts';
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
import { ms, namespaceBenchArgs, namespaceBenchCluster, pathTimes, printPathTimes, printSameNumbering, time } from './namespace-bench-setup.ts';
import type { PathTimes } from './namespace-bench-setup.ts';

const { shape, reps } = namespaceBenchArgs('namespace-lifecycle-bench');
const { objects, cache, first, node } = namespaceBenchCluster(shape);
const { cluster, policies } = first.snapshot;

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

function run(label: string, next: (prev: CompiledCluster, cl: Cluster) => CompiledCluster): Ruleset {
  const planner = createPlanner();
  let compiled: CompiledCluster = compile(cluster, policies);
  let last = planner.plan(compiled, { node });
  const byKind: Record<'create' | 'delete', PathTimes> = { create: pathTimes(), delete: pathTimes() };
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
    console.log(`  ${kind}:`);
    printPathTimes(t, '    ');
  }
  return last;
}

const before = run('before (compile(), the planner starts over)', (_prev, cl) => compile(cl, policies));
const after = run('after (recompile() follows the namespace, the planner its journal)', (prev, cl) => recompile(prev, cl, policies, { pods: new Map() }));
printSameNumbering(before, after);

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
