// The agent's fast path for namespace label changes (`kubectl label namespace prod team=x`):
// the previous snapshot with each changed Namespace object converted alone and put in
// the place of its namespace, in a copy of the namespace list (the previous list stays as
// it was: recompile() tells the relabel by comparing the two, engine/namespace-change.ts),
// instead of a buildSnapshot of every object. Nothing else in a snapshot depends on a
// Namespace object, and the reports depend on it only through its own problems, so the
// rest is kept. It declines (undefined: build in full) whenever that may not hold: a
// namespace created or deleted, one that no Namespace object defined before (pods named
// it), a Namespace object with problems or warnings before or after.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import type { Snapshot } from '../api/snapshot.ts';
import { buildSnapshot } from '../api/snapshot.ts';
import type { Namespace } from '../model/cluster.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { objectRef, sourceName } from './cluster-model.ts';
import type { PodPatchBase } from './pod-patch.ts';

/** A patched base, and whether any namespace object changed. */
export interface NamespacePatch {
  readonly base: PodPatchBase;
  readonly changed: boolean;
}

/**
 * The base with `changes` (namespace name → the Namespace object now, undefined: deleted)
 * applied, or undefined when only a full build is exact. On success the base's
 * `namespaceObjects` is updated in place (the base passed in is not used again); a
 * declined patch leaves the base as it was.
 */
export function patchNamespaces(base: PodPatchBase, changes: ReadonlyMap<string, SourceObject | undefined>, handlers: HandlerTable): NamespacePatch | undefined {
  if (!handlers.has(handlerKey('v1', 'Namespace'))) return undefined;
  const converted = new Map<string, { object: SourceObject; namespace: Namespace }>();
  for (const [name, object] of changes) {
    const before = base.namespaceObjects.get(name);
    if (before === object) continue;
    // Known only for namespaces whose object had no issues (patchBase).
    if (before === undefined || object === undefined || base.sourcesWithIssues.has(sourceName(objectRef(before)))) return undefined;
    const s = buildSnapshot([{ source: sourceName(objectRef(object)), index: 0, object }], handlers);
    const ns = s.cluster.namespaces[0];
    if (s.problems.length > 0 || s.warnings.length > 0 || s.cluster.namespaces.length !== 1 || ns?.name !== name) return undefined;
    converted.set(name, { object, namespace: ns });
  }
  if (converted.size === 0) return { base, changed: false };
  const namespaces = [...base.snapshot.cluster.namespaces];
  for (const [name, { namespace }] of converted) {
    const at = position(namespaces, name);
    if (namespaces[at]?.name !== name) return undefined;
    namespaces[at] = namespace;
  }
  for (const [name, { object }] of converted) base.namespaceObjects.set(name, object);
  const snapshot: Snapshot = { ...base.snapshot, cluster: { ...base.snapshot.cluster, namespaces } };
  return { base: { ...base, snapshot }, changed: true };
}

/** Position of `name` in namespaces sorted by name (buildSnapshot sorts them), or where it would go. */
function position(namespaces: readonly Namespace[], name: string): number {
  let lo = 0;
  let hi = namespaces.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((namespaces[mid]?.name ?? '') < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
