// Times a namespace relabel (`kubectl label namespace <tenant> env=dev`, which moves the
// namespace in and out of the generated namespaceSelector peers: env In [prod, staging],
// env NotIn [dev]) on a generated cluster (generate-cluster.ts), through what the agent
// runs for it, before and after recompile() followed namespace labels:
// - before: a full compile() (what recompile() fell back to), and the planner starting
//   over from it (a new lineage: no journal to follow);
// - after: recompile() following the relabel in place, and the planner following its
//   journal;
// each with delta() against the last plan (the nft text the agent sends). And the model
// side: the agent's full build of every object through its conversion cache (what a
// Namespace event cost before) vs the namespace patch (namespace-patch.ts).
// CPU heavy (several seconds per "before" step at 100k): run it alone.
//
//   node --max-old-space-size=8192 scripts/bench/namespace-relabel-bench.ts [--size 100k|10k|1k] [--reps N]
import { DEFAULT_HANDLERS } from '../../src/api/handlers.ts';
import { buildModel } from '../../src/agent/cluster-model.ts';
import { patchNamespaces } from '../../src/agent/namespace-patch.ts';
import { patchBase } from '../../src/agent/pod-patch.ts';
import { delta } from '../../src/dataplane/delta.ts';
import { createPlanner } from '../../src/dataplane/plan.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { compile } from '../../src/engine/compile.ts';
import type { CompiledCluster } from '../../src/engine/compile.ts';
import { recompile } from '../../src/engine/recompile.ts';
import type { Cluster, Namespace } from '../../src/model/cluster.ts';
import type { SourceObject } from '../../src/sources/object-source.ts';
import { ms, namespaceBenchArgs, namespaceBenchCluster, pathTimes, printPathTimes, printSameNumbering, time } from './namespace-bench-setup.ts';

const { shape, reps } = namespaceBenchArgs('namespace-relabel-bench');
const { objects, cache, first, node } = namespaceBenchCluster(shape);
const { cluster, policies } = first.snapshot;

// Tenant namespaces with env prod or staging, alternately with and without pods on `node`.
const onNode = new Set(cluster.pods.filter((p) => p.node === node && !p.hostNetwork).map((p) => p.namespace));
const withPods = new Set(cluster.pods.map((p) => p.namespace));
const tenants = cluster.namespaces.filter((n) => ['prod', 'staging'].includes(n.labels['env'] ?? '') && withPods.has(n.name) && n.labels['team'] !== 'platform');
const local = tenants.filter((n) => onNode.has(n.name));
const remote = tenants.filter((n) => !onNode.has(n.name));
const picks: string[] = [];
for (let r = 0; r < reps; r++) {
  const from = r % 2 === 0 ? local : remote;
  const n = from[(r * 7919) % Math.max(1, from.length)] ?? tenants[r % tenants.length];
  if (n !== undefined) picks.push(n.name);
}

/** The namespaces with `name`'s env flipped between dev and what it was. */
function flip(namespaces: readonly Namespace[], name: string, dev: boolean, original: Namespace): Namespace[] {
  return namespaces.map((n) => (n.name !== name ? n : { ...n, labels: { ...n.labels, env: dev ? 'dev' : (original.labels['env'] ?? 'prod') } }));
}

/** The relabel sequence: each pick to dev, then back; the same for both paths. */
function steps(): Cluster[] {
  const out: Cluster[] = [];
  let namespaces = cluster.namespaces;
  for (const name of picks) {
    const original = cluster.namespaces.find((n) => n.name === name) as Namespace;
    namespaces = flip(namespaces, name, true, original);
    out.push({ ...cluster, namespaces });
    namespaces = flip(namespaces, name, false, original);
    out.push({ ...cluster, namespaces });
  }
  return out;
}

const podsPerNs = new Map<string, number>();
for (const p of cluster.pods) podsPerNs.set(p.namespace, (podsPerNs.get(p.namespace) ?? 0) + 1);
console.log(`${shape.name}: pods ${cluster.pods.length}, namespaces ${cluster.namespaces.length}, policies ${policies.policies.length}, node ${node}`);
console.log(`relabelled: ${picks.map((n) => `${n} (${podsPerNs.get(n) ?? 0} pods${onNode.has(n) ? ', some local' : ''})`).join(', ')}; each to env=dev and back`);

function run(label: string, next: (prev: CompiledCluster, cl: Cluster) => CompiledCluster): Ruleset {
  const planner = createPlanner();
  let compiled: CompiledCluster = compile(cluster, policies);
  let last = planner.plan(compiled, { node });
  const t = pathTimes();
  for (const cl of steps()) {
    const [c, e] = time(() => next(compiled, cl));
    const [rs, p] = time(() => planner.plan(c, { node }));
    const [, d] = time(() => delta(last, rs));
    t.engine.push(e);
    t.plan.push(p);
    t.delta.push(d);
    compiled = c;
    last = rs;
  }
  console.log(`${label}:`);
  printPathTimes(t, '  ');
  return last;
}

const before = run('before (compile(), the planner starts over)', (_prev, cl) => compile(cl, policies));
const after = run('after (recompile() follows the relabel, the planner its journal)', (prev, cl) => recompile(prev, cl, policies, { pods: new Map() }));
printSameNumbering(before, after);

// The agent's model side of one Namespace event.
const build: number[] = [];
const patch: number[] = [];
let base = patchBase(first.snapshot, objects);
let current = objects;
let version = 2;
for (const name of picks) {
  for (const dev of [true, false]) {
    const at = current.findIndex((o) => o.kind === 'Namespace' && o.metadata.name === name);
    const o = current[at] as SourceObject;
    const original = cluster.namespaces.find((n) => n.name === name);
    const labels = { ...(o.metadata.labels ?? {}), env: dev ? 'dev' : (original?.labels['env'] ?? 'prod') };
    const changed = { ...o, metadata: { ...o.metadata, labels, resourceVersion: String(version++) } } as SourceObject;
    current = current.map((x, i) => (i === at ? changed : x));
    build.push(time(() => buildModel(current, DEFAULT_HANDLERS, cache))[1]);
    const [p, t] = time(() => patchNamespaces(base, new Map([[name, changed]]), DEFAULT_HANDLERS));
    if (p === undefined) throw new Error(`the namespace patch declined ${name}`);
    base = p.base;
    patch.push(t);
  }
}
console.log('agent model for one Namespace event:');
console.log(`  full build (conversion cache warm) ${ms(build)}`);
console.log(`  namespace patch                    ${ms(patch)}`);
