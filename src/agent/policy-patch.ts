// The agent's fast path for policy changes (`kubectl apply -f policy.yaml`): the previous
// snapshot with the changed policy objects' policies taken out and their new versions
// (each object converted alone) put in, in a copy of the sorted policy list, instead of a
// buildSnapshot of every object. At 100,000 pods the full build costs about a second per
// change; this costs two single-object conversions and one list copy.
//
// It must give the snapshot a full build would. A policy object's conversion reads only
// the object itself, and the store keeps one object per name, so that holds for every
// object whose conversion alone yields policies and nothing else: no problems, no
// warnings (those become reports, which read the full build's lists), no pods, nodes,
// services, network sets or tiers, and only namespaces a Namespace object defines (a
// policy naming any other namespace makes the full build invent it). It declines
// (undefined: build in full) when the object's version before or after is not like that:
// a Tier, a network set, a Node, an object with problems or warnings, an unknown kind.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import type { Snapshot } from '../api/snapshot.ts';
import { buildSnapshot } from '../api/snapshot.ts';
import type { Policy } from '../model/policy.ts';
import { STANDARD_TIERS } from '../model/tier.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { objectRef, sourceName } from './cluster-model.ts';
import { sortedPosition } from './sorted-position.ts';

/** What a patch needs of the previous model: its snapshot, the objects it was built from (all but pods and namespaces), and the namespaces defined by objects. */
export interface PolicyPatchBase {
  readonly snapshot: Snapshot;
  /** sourceName → each object other than pods and namespaces that fed the snapshot (updated in place by a patch). */
  readonly otherObjects: Map<string, SourceObject>;
  readonly explicitNamespaces: ReadonlySet<string>;
}

export interface PolicyPatch {
  readonly snapshot: Snapshot;
  /** Sources of the objects whose policies changed. */
  readonly changed: ReadonlySet<string>;
}

/** The policies `object` yields alone, or undefined when its conversion alone is not exactly its part of a full build (see the top). */
export function policiesOf(object: SourceObject, handlers: HandlerTable, explicitNamespaces: ReadonlySet<string>): readonly Policy[] | undefined {
  if (!handlers.has(handlerKey(object.apiVersion, object.kind))) return undefined;
  const s = buildSnapshot([{ source: sourceName(objectRef(object)), index: 0, object }], handlers);
  const c = s.cluster;
  if (s.problems.length > 0 || s.warnings.length > 0 || c.pods.length > 0 || c.nodes.length > 0 || c.services.length > 0 || c.networkSets.length > 0) return undefined;
  if (s.policies.tiers.length !== STANDARD_TIERS.length || s.policies.policies.length === 0) return undefined;
  if (c.namespaces.some((n) => !explicitNamespaces.has(n.name))) return undefined;
  return s.policies.policies;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the policy with `id` in `list` (sorted by id), or where it would go. */
function position(list: readonly Policy[], id: string): number {
  return sortedPosition(list, id, (p) => p.id);
}

/**
 * The base's snapshot with `changes` (sourceName → the object now, undefined: deleted)
 * applied to its policies, or undefined when only a full build is exact. Every change is
 * checked before anything is updated: a declined patch leaves the base as it was; on
 * success `base.otherObjects` follows the changes (the snapshot's policy list is a new
 * array, the previous one is not touched).
 */
export function patchPolicies(base: PolicyPatchBase, changes: ReadonlyMap<string, SourceObject | undefined>, handlers: HandlerTable): PolicyPatch | undefined {
  const removedIds = new Set<string>();
  const added: Policy[] = [];
  for (const [source, object] of changes) {
    const before = base.otherObjects.get(source);
    if (before === object) continue;
    if (before !== undefined) {
      const old = policiesOf(before, handlers, base.explicitNamespaces);
      if (old === undefined) return undefined;
      for (const p of old) removedIds.add(p.id);
    }
    if (object !== undefined) {
      if (sourceName(objectRef(object)) !== source) return undefined;
      const now = policiesOf(object, handlers, base.explicitNamespaces);
      if (now === undefined) return undefined;
      added.push(...now);
    }
  }
  const list = base.snapshot.policies.policies;
  // The ids to take out must be where the full build put them, and the ones coming in
  // must not clash with a policy that stays.
  for (const id of removedIds) if (list[position(list, id)]?.id !== id) return undefined;
  const addedIds = new Set<string>();
  for (const p of added) {
    if (addedIds.has(p.id)) return undefined;
    addedIds.add(p.id);
    if (!removedIds.has(p.id) && list[position(list, p.id)]?.id === p.id) return undefined;
  }
  for (const [source, object] of changes) {
    if (object === undefined) base.otherObjects.delete(source);
    else base.otherObjects.set(source, object);
  }
  const changed = new Set(changes.keys());
  if (removedIds.size === 0 && added.length === 0) return { snapshot: base.snapshot, changed };
  const next = list.filter((p) => !removedIds.has(p.id));
  for (const p of added.sort((a, b) => compareIds(a.id, b.id))) next.splice(position(next, p.id), 0, p);
  return { snapshot: { ...base.snapshot, policies: { ...base.snapshot.policies, policies: next } }, changed };
}
