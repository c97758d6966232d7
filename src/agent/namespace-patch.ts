// The agent's fast path for Namespace objects: relabelled (`kubectl label namespace prod
// team=x`), created (`kubectl create namespace team-x`) or deleted. The previous snapshot
// with each changed Namespace object converted alone and put in (or taken out of) the
// place of its namespace, in a copy of the namespace list (the previous list stays as it
// was: recompile() tells the change by comparing the two, engine/namespace-change.ts),
// instead of a buildSnapshot of every object.
//
// A full build's namespace list is the Namespace objects plus every namespace a pod,
// Service, network set or policy names (each of those made with just the name label).
// So a Namespace object created for a name the snapshot does not list yet (nothing in it
// yet, as the API server has it) is its conversion, put in; one deleted goes from the
// list only when nothing in the snapshot names it any more: the namespace controller
// deletes what is in a namespace before the namespace, and one burst may carry both, so
// deletions are taken out last (dropNamespaces), after the pod and policy patches of the
// same burst. Nothing else in a snapshot depends on a Namespace object, and the reports
// depend on it only through its own problems, so the rest is kept. It declines
// (undefined: build in full) whenever that may not hold: a Namespace object with
// problems or warnings before or after (or deleted), one created for a namespace that
// objects already name (only pods named it), one deleted while objects still name it.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import type { Snapshot } from '../api/snapshot.ts';
import { buildSnapshot } from '../api/snapshot.ts';
import type { Namespace } from '../model/cluster.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { objectRef, sourceName } from './cluster-model.ts';
import type { PodPatchBase } from './pod-patch.ts';
import { sortedPosition } from './sorted-position.ts';

/** A patched base, whether any namespace object changed, and the namespaces deleted (for dropNamespaces). */
export interface NamespacePatch {
  readonly base: PodPatchBase;
  readonly changed: boolean;
  /** Namespaces whose object was deleted: still in `base`, taken out by dropNamespaces. */
  readonly deleted: readonly string[];
}

/**
 * The base with `changes` (namespace name → the Namespace object now, undefined: deleted)
 * applied, but for deletions, which are only checked and listed; undefined when only a
 * full build is exact. On success the base's `namespaceObjects` is updated in place (the
 * base passed in is not used again); a declined patch leaves the base as it was.
 */
export function patchNamespaces(base: PodPatchBase, changes: ReadonlyMap<string, SourceObject | undefined>, handlers: HandlerTable): NamespacePatch | undefined {
  if (!handlers.has(handlerKey('v1', 'Namespace'))) return undefined;
  const converted = new Map<string, { object: SourceObject; namespace: Namespace }>();
  const deleted: string[] = [];
  const namespaces = base.snapshot.cluster.namespaces;
  for (const [name, object] of changes) {
    const before = base.namespaceObjects.get(name);
    // An object with problems or warnings is not in namespaceObjects (patchBase): its going or changing changes the reports.
    if (base.sourcesWithIssues.has(sourceName({ apiVersion: 'v1', kind: 'Namespace', name }))) return undefined;
    if (before === object) continue;
    if (object === undefined) {
      deleted.push(name);
      continue;
    }
    // A namespace listed without an object: objects in it named it (a full build made it).
    if (before === undefined && namespaces[position(namespaces, name)]?.name === name) return undefined;
    const s = buildSnapshot([{ source: sourceName(objectRef(object)), index: 0, object }], handlers);
    const ns = s.cluster.namespaces[0];
    if (s.problems.length > 0 || s.warnings.length > 0 || s.cluster.namespaces.length !== 1 || ns?.name !== name) return undefined;
    converted.set(name, { object, namespace: ns });
  }
  if (converted.size === 0) return { base, changed: deleted.length > 0, deleted };
  const list = [...namespaces];
  // Created ones: pods and policies of theirs in the same burst are then patched too.
  let explicit: Set<string> | undefined;
  for (const [name, { namespace }] of converted) {
    const at = position(list, name);
    if (list[at]?.name === name) list[at] = namespace;
    else {
      list.splice(at, 0, namespace);
      (explicit ??= new Set(base.explicitNamespaces)).add(name);
    }
  }
  for (const [name, { object }] of converted) base.namespaceObjects.set(name, object);
  const snapshot: Snapshot = { ...base.snapshot, cluster: { ...base.snapshot.cluster, namespaces: list } };
  return { base: { ...base, snapshot, explicitNamespaces: explicit ?? base.explicitNamespaces }, changed: true, deleted };
}

/**
 * The base with the namespaces `names` (deleted objects, patchNamespaces) taken out of
 * the snapshot, once the pod and policy patches of the same changes are in; undefined
 * when a pod, Service, network set or policy of the snapshot still names one (a full
 * build keeps it, with the name label alone). `base` is updated in place like the other
 * patches' and must not be used again.
 */
export function dropNamespaces(base: PodPatchBase, names: readonly string[]): PodPatchBase | undefined {
  if (names.length === 0) return base;
  const { cluster, policies } = base.snapshot;
  const gone = new Set(names);
  for (const name of gone) {
    const pods = cluster.pods;
    // Pods are sorted by `namespace/name`: those of a namespace are together.
    if (pods[sortedPosition(pods, `${name}/`, (p) => p.key)]?.namespace === name) return undefined;
  }
  if (cluster.services.some((s) => gone.has(s.namespace)) || cluster.networkSets.some((s) => s.namespace !== undefined && gone.has(s.namespace))) return undefined;
  if (policies.policies.some((p) => p.ref.namespace !== undefined && gone.has(p.ref.namespace))) return undefined;
  const explicit = new Set(base.explicitNamespaces);
  for (const name of gone) {
    base.namespaceObjects.delete(name);
    explicit.delete(name);
  }
  const snapshot: Snapshot = { ...base.snapshot, cluster: { ...cluster, namespaces: cluster.namespaces.filter((n) => !gone.has(n.name)) } };
  return { ...base, snapshot, explicitNamespaces: explicit };
}

/** Position of `name` in namespaces sorted by name (buildSnapshot sorts them), or where it would go. */
function position(namespaces: readonly Namespace[], name: string): number {
  return sortedPosition(namespaces, name, (n) => n.name);
}
