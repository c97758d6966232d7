// The whole path of one change, timed phase by phase, as the agent runs it: convert the
// changed object — a pod through the agent's own pod patch (agent/pod-patch.ts: the pod
// converted alone, spliced into the last snapshot), a policy by buildSnapshot of that one
// document spliced into the model — compile incrementally with recompile(), plan the
// node's table with the planner that planned the applied one (it follows the change from
// its last plan), delta against the applied table, and apply the transaction through the
// agent's persistent nft session in the node's namespace. A delta the kernel refuses
// falls back to a full replace (counted, as the agent would do).
import { lapTimer } from '../bench/measure.ts';
import { buildSnapshot } from '../../src/api/snapshot.ts';
import type { SourceDocument } from '../../src/api/source-document.ts';
import { patchPods } from '../../src/agent/pod-patch.ts';
import type { PodPatchBase } from '../../src/agent/pod-patch.ts';
import { DEFAULT_HANDLERS } from '../../src/api/handlers.ts';
import { NftError } from '../../src/dataplane/applier.ts';
import type { NftSession } from '../../src/dataplane/nft-session.ts';
import type { SourceObject } from '../../src/sources/object-source.ts';
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
  /** The agent's nft session in the node's namespace. */
  readonly session: NftSession;
  /** The agent's pod-patch base of `cluster` (undefined: pods are spliced by the bench itself). */
  readonly podBase: PodPatchBase | undefined;
}

export interface ChangeTiming {
  /** performance.now() when the change started (to attribute garbage collections to it). */
  readonly startedAt: number;
  readonly totalMs: number;
  readonly phases: Readonly<Record<Phase, number>>;
  readonly changes: number;
  readonly full: boolean;
  /** A pod change the agent's pod patch declined (it would rebuild the whole model; the bench spliced it instead). */
  readonly patchDeclined?: boolean;
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

function podKey(o: object): string {
  const m = (o as { metadata?: { name?: string; namespace?: string } }).metadata;
  return `${m?.namespace ?? ''}/${m?.name ?? ''}`;
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
  const lap = lapTimer();
  let cluster = s.cluster;
  let policies = s.policies;
  let podBase = s.podBase;
  let patchDeclined = false;
  const podChange = change.kind === 'delete-pod' ? { key: change.key, object: undefined }
    : change.kind === 'upsert' && (change.object as { kind?: string }).kind === 'Pod' ? { key: podKey(change.object), object: change.object as SourceObject }
      : undefined;
  const patched = podBase !== undefined && podChange !== undefined ? patchPods(podBase, new Map([[podChange.key, podChange.object]]), DEFAULT_HANDLERS) : undefined;
  // patchPods updates the base in place: whatever it answered, the old base is spent.
  if (podChange !== undefined) podBase = patched?.base;
  if (patched !== undefined) {
    cluster = patched.base.snapshot.cluster;
  } else if (change.kind === 'upsert') {
    patchDeclined = podChange !== undefined && s.podBase !== undefined;
    const c = convertOne(change.object);
    if (c.pods.length > 0) cluster = { ...cluster, pods: upsert(cluster.pods, c.pods, (p) => p.key) };
    if (c.policies.length > 0) policies = { ...policies, policies: upsert(policies.policies, c.policies, (p) => p.id) };
  } else if (change.kind === 'delete-pod') {
    cluster = { ...cluster, pods: cluster.pods.filter((p) => p.key !== change.key) };
  } else {
    policies = { ...policies, policies: policies.policies.filter((p) => p.id !== change.id) };
  }
  // The agent rebuilds its patch base after a policy change; here the base follows the new policies.
  if (podBase !== undefined && policies !== s.policies) podBase = { ...podBase, snapshot: { ...podBase.snapshot, policies } };
  const convert = lap();
  const compiled = s.compiled !== undefined ? recompile(s.compiled, cluster, policies, patched?.hint) : compile(cluster, policies);
  const compileMs = lap();
  const next = s.planner.plan(compiled, { node: s.node });
  const planMs = lap();
  const d = delta(s.applied, next);
  const deltaMs = lap();
  let full = d.full;
  if (d.text !== '') {
    try {
      await s.session.run(d.text);
    } catch (e) {
      if (!(e instanceof NftError) || full) throw e;
      full = true;
      await s.session.run(renderRuleset(next));
    }
  }
  const apply = lap();
  return {
    state: { ...s, cluster, policies, applied: next, compiled, podBase },
    timing: { startedAt: t0, totalMs: performance.now() - t0, phases: { convert, compile: compileMs, plan: planMs, delta: deltaMs, apply }, changes: d.changes, full, ...(patchDeclined ? { patchDeclined } : {}) },
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
