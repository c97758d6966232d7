// The whole path of one change, timed phase by phase, as the agent runs it: convert the
// changed object (buildSnapshot of that one document), splice it into the model (other
// pods and policies stay the same objects), compile — incrementally with recompile(), as
// the agent does — plan the node's table with the planner that planned the applied one
// (it follows the change from its last plan), delta against the applied table, and apply
// the transaction with nft in the node's namespace. A delta the kernel refuses falls back to a full replace (counted, as the
// agent would do).
import { buildSnapshot } from '../../src/api/snapshot.ts';
import type { SourceDocument } from '../../src/api/source-document.ts';
import { runNft, NftError } from '../../src/dataplane/applier.ts';
import { delta } from '../../src/dataplane/delta.ts';
import type { Planner } from '../../src/dataplane/plan.ts';
import { renderRuleset } from '../../src/dataplane/render.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { compile } from '../../src/engine/compile.ts';
import type { CompiledCluster } from '../../src/engine/compile.ts';
import { recompile } from '../../src/engine/recompile.ts';
import type { Cluster, Pod } from '../../src/model/cluster.ts';
import type { Policy } from '../../src/model/policy.ts';
import type { PolicySet } from '../../src/model/tier.ts';

export const PHASES = ['convert', 'compile', 'plan', 'delta', 'apply'] as const;
export type Phase = (typeof PHASES)[number];

export interface PathState {
  readonly node: string;
  readonly netns: string;
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  /** What the kernel holds. */
  readonly applied: Ruleset;
  /** The compile of `cluster` and `policies`, when kept (changes recompile from it). */
  readonly compiled?: CompiledCluster;
  /** The planner whose last plan is `applied` (it follows changes from there). */
  readonly planner: Planner;
}

export interface ChangeTiming {
  readonly totalMs: number;
  readonly phases: Readonly<Record<Phase, number>>;
  readonly changes: number;
  readonly full: boolean;
}

/** A change: the object as it is now, or a deletion (of a pod by key or a policy by id). */
export type Change =
  | { readonly kind: 'upsert'; readonly object: object }
  | { readonly kind: 'delete-pod'; readonly key: string }
  | { readonly kind: 'delete-policy'; readonly id: string };

function convertOne(object: object): { pods: readonly Pod[]; policies: readonly Policy[] } {
  const doc: SourceDocument = { source: 'bench-change', index: 0, object };
  const s = buildSnapshot([doc]);
  if (s.problems.length > 0) throw new Error(`change does not convert: ${s.problems.map((p) => p.message).join('; ')}`);
  return { pods: s.cluster.pods, policies: s.policies.policies };
}

/** `items` with the item of `add`'s key replaced in place (or `add` appended): one copy, no per-item key work. */
function upsert<T>(items: readonly T[], add: readonly T[], key: (t: T) => string): T[] {
  const out = items.slice();
  if (add.length === 1 && add[0] !== undefined) {
    const k = key(add[0]);
    const at = out.findIndex((it) => key(it) === k);
    if (at >= 0) out[at] = add[0];
    else out.push(add[0]);
    return out;
  }
  const keys = new Set(add.map(key));
  return [...out.filter((it) => !keys.has(key(it))), ...add];
}

export async function applyChange(s: PathState, change: Change): Promise<{ state: PathState; timing: ChangeTiming }> {
  const t0 = performance.now();
  let t = t0;
  const lap = (): number => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
  let cluster = s.cluster;
  let policies = s.policies;
  const changedPods = new Set<string>();
  if (change.kind === 'upsert') {
    const c = convertOne(change.object);
    if (c.pods.length > 0) cluster = { ...cluster, pods: upsert(cluster.pods, c.pods, (p) => p.key) };
    if (c.policies.length > 0) policies = { ...policies, policies: upsert(policies.policies, c.policies, (p) => p.id) };
    for (const p of c.pods) changedPods.add(p.key);
  } else if (change.kind === 'delete-pod') {
    cluster = { ...cluster, pods: cluster.pods.filter((p) => p.key !== change.key) };
    changedPods.add(change.key);
  } else {
    policies = { ...policies, policies: policies.policies.filter((p) => p.id !== change.id) };
  }
  const convert = lap();
  const compiled = s.compiled !== undefined ? recompile(s.compiled, cluster, policies, changedPods) : compile(cluster, policies);
  const compileMs = lap();
  const next = s.planner.plan(compiled, { node: s.node });
  const planMs = lap();
  const d = delta(s.applied, next);
  const deltaMs = lap();
  let full = d.full;
  if (d.text !== '') {
    try {
      await runNft(s.netns, ['-f', '-'], d.text);
    } catch (e) {
      if (!(e instanceof NftError) || full) throw e;
      full = true;
      await runNft(s.netns, ['-f', '-'], renderRuleset(next));
    }
  }
  const apply = lap();
  return {
    state: { ...s, cluster, policies, applied: next, compiled },
    timing: { totalMs: performance.now() - t0, phases: { convert, compile: compileMs, plan: planMs, delta: deltaMs, apply }, changes: d.changes, full },
  };
}

/** Runs `next(i)` changes one after another until `count` are done or `budgetS` seconds have passed (at least `min`). */
export async function changeLoop(
  start: PathState, count: number, budgetS: number, min: number,
  next: (i: number, s: PathState) => Change,
  after?: (i: number, s: PathState, timing: ChangeTiming) => Promise<void>,
): Promise<{ state: PathState; timings: ChangeTiming[]; stoppedByBudget: boolean }> {
  const began = performance.now();
  let s = start;
  const timings: ChangeTiming[] = [];
  for (let i = 0; i < count; i++) {
    if (i >= min && performance.now() - began > budgetS * 1000) return { state: s, timings, stoppedByBudget: true };
    const r = await applyChange(s, next(i, s));
    s = r.state;
    timings.push(r.timing);
    if (after !== undefined) await after(i, s, r.timing);
  }
  return { state: s, timings, stoppedByBudget: false };
}
