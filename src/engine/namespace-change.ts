// Namespace changes for recompile(): Namespace objects relabelled (`kubectl label
// namespace prod team=x`), created (`kubectl create namespace team-x`) or deleted, told by
// name (the order of the list does not matter to compile() while every name is there
// once). What reads namespaces: namespace-selector scopes of subjects and pod peers (the
// lineage's selector caches, which hold the names that exist — defined, or named by a pod
// — and match), and network-set peers whose namespaces are a selector (their prepared
// nets). A name's state is whether it exists and its labels (only the name label when
// just pods name it: buildSnapshot and compile() make it so). Those are brought up to
// date for the changed names only; recompile() then selects the pods of namespaces whose
// labels changed again, as if they had changed. So a namespace defined while only pods
// named it, or deleted while pods still name it, is a relabel to or from the name label;
// one created before its pods or deleted after them only enters or leaves the caches
// (no pod is selected differently: nothing selects pods that are not there). A name
// twice in the list is compile()'s (it keeps the last).
import type { Cluster, Namespace } from '../model/cluster.ts';
import { sameCidrs } from '../model/ip.ts';
import type { Labels } from '../model/labels.ts';
import type { NamespaceScope, Peer } from '../model/peer.ts';
import type { Lineage, PreparedPeer } from './compile.ts';
import { METADATA_NAME, preparePeer } from './compile.ts';
import { matchSelector } from './match-selector.ts';

export interface NamespaceChange {
  /** Names whose Namespace object is another one now → that object (undefined: no longer defined). */
  readonly objects: ReadonlyMap<string, Namespace | undefined>;
}

/** A namespace change with what the pod change in the same recompile does to the changed names. */
export interface NamespaceStep extends NamespaceChange {
  /** Changed names that exist after the change (defined, or named by a pod). */
  readonly present: ReadonlySet<string>;
  /** Changed names that exist before and after with other labels: their pods are selected again. */
  readonly relabelled: ReadonlySet<string>;
  /** Changed names whose existence or labels differ (the relabelled ones among them): the selector caches and the journal. */
  readonly moved: ReadonlySet<string>;
}

const NONE: NamespaceChange = { objects: new Map() };

/**
 * How `after` differs from the namespaces `lineage` was made from (`before`, the list
 * itself: the same list is no change): the names whose object differs, or null when only
 * compile() is exact.
 */
export function namespaceChange(lineage: Lineage, before: readonly Namespace[], after: readonly Namespace[]): NamespaceChange | null {
  if (before === after) return NONE;
  const byName = lineage.namespacesByName;
  const objects = new Map<string, Namespace | undefined>();
  const names = new Set<string>();
  let added = 0;
  for (const b of after) {
    // A name twice: compile() keeps the last one; not worth following.
    if (names.has(b.name)) return null;
    names.add(b.name);
    const a = byName.get(b.name);
    if (a === b) continue;
    if (a === undefined) added++;
    objects.set(b.name, b);
  }
  // Names the lineage defines that `after` does not.
  if (byName.size + added !== names.size) for (const n of byName.keys()) if (!names.has(n)) objects.set(n, undefined);
  return objects.size === 0 ? NONE : { objects };
}

/**
 * The change with existence and labels before and after worked out; `podsAfter(n)`: how
 * many pods name `n` once the pod change of the same recompile is made.
 */
export function namespaceStep(lineage: Lineage, change: NamespaceChange, podsBefore: (ns: string) => number, podsAfter: (ns: string) => number): NamespaceStep {
  const present = new Set<string>();
  const relabelled = new Set<string>();
  const moved = new Set<string>();
  for (const [n, now] of change.objects) {
    const was = lineage.namespacesByName.get(n);
    const before = was !== undefined || podsBefore(n) > 0;
    const after = now !== undefined || podsAfter(n) > 0;
    if (after) present.add(n);
    const other = !sameLabels(was?.labels ?? implicitLabels(n), now?.labels ?? implicitLabels(n));
    if (before && after && other) relabelled.add(n);
    if (before !== after || (after && other)) moved.add(n);
  }
  return { objects: change.objects, present, relabelled, moved };
}

/** Labels of a namespace only pods name (compile.ts namespaceLabels). */
function implicitLabels(n: string): Labels {
  return { [METADATA_NAME]: n };
}

/** A changed name's labels after the change. */
function labelsAfter(step: NamespaceStep, n: string): Labels {
  return step.objects.get(n)?.labels ?? implicitLabels(n);
}

/** Whether a scope's namespaces depend on namespace labels. */
function labelScoped(scope: NamespaceScope): boolean {
  return scope.kind === 'selector' && scope.selector.op !== 'all';
}

/**
 * Scope matching as it is after the step, before the lineage has it (the lineage's
 * caches are touched only once recompile() is sure it goes on): `before` answers for
 * every name the step leaves alone.
 */
export function scopeAfter(step: NamespaceStep, before: (scope: NamespaceScope, ns: string) => boolean): (scope: NamespaceScope, ns: string) => boolean {
  return (scope, ns) => {
    if (!labelScoped(scope) || !step.moved.has(ns)) return before(scope, ns);
    return scope.kind === 'selector' && step.present.has(ns) && matchSelector(scope.selector, labelsAfter(step, ns));
  };
}

/**
 * The network-set peers of `peers` whose nets the step moves, prepared again with
 * `inScope` (as it is after the step); problems (an invalid net in a set now matched)
 * are compile()'s to report.
 */
export function preparedAfter(peers: ReadonlyMap<Peer, PreparedPeer>, cluster: Cluster, step: NamespaceStep, inScope: (scope: NamespaceScope, ns: string) => boolean, problems: string[]): Map<Peer, PreparedPeer> {
  const out = new Map<Peer, PreparedPeer>();
  // Only sets in moved namespaces can come into or go out of a peer's scope.
  if (step.moved.size === 0 || !cluster.networkSets.some((s) => s.namespace !== undefined && step.moved.has(s.namespace))) return out;
  const byKey = new Map<string, PreparedPeer>();
  for (const [peer, prepared] of peers) {
    if (peer.kind !== 'networkSets' || peer.namespaces === null || !labelScoped(peer.namespaces)) continue;
    let now = byKey.get(prepared.key);
    if (now === undefined) {
      now = preparePeer(cluster, inScope, peer, prepared.key, peer.path, problems);
      byKey.set(prepared.key, now);
    }
    if (!sameCidrs(prepared.nets ?? [], now.nets ?? [])) out.set(peer, now);
  }
  return out;
}

/** The lineage takes the step: the new namespace objects, and selector caches that match the moved names again. */
export function applyNamespaceChange(lineage: Lineage, step: NamespaceStep): void {
  for (const [name, ns] of step.objects) {
    if (ns === undefined) lineage.namespacesByName.delete(name);
    else lineage.namespacesByName.set(name, ns);
  }
  if (step.moved.size === 0) return;
  // nsScopeByObject holds the same sets: patched with them.
  for (const { scope, names } of lineage.nsSelectorCache.values()) {
    if (scope.kind !== 'selector') continue;
    for (const n of step.moved) {
      if (step.present.has(n) && matchSelector(scope.selector, labelsAfter(step, n))) names.add(n);
      else names.delete(n);
    }
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}
