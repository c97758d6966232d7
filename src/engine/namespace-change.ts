// A namespace relabel, for recompile(): the same namespaces (same names, same order),
// some with other labels (`kubectl label namespace prod team=x`). Three things read
// namespace labels: namespace-selector scopes of subjects and pod peers (the lineage's
// selector caches), and network-set peers whose namespaces are a selector (their prepared
// nets). Those are brought up to date for the relabelled namespaces only; recompile()
// then selects the pods of those namespaces again, as if they had changed. Anything else
// about namespaces (one added, removed, renamed or moved, a name twice) is compile()'s.
import type { Cluster, Namespace } from '../model/cluster.ts';
import { sameCidrs } from '../model/ip.ts';
import type { Labels } from '../model/labels.ts';
import type { NamespaceScope, Peer } from '../model/peer.ts';
import type { Lineage, PreparedPeer } from './compile.ts';
import { METADATA_NAME, preparePeer } from './compile.ts';
import { matchSelector } from './match-selector.ts';

export interface NamespaceChange {
  /** Namespace objects that take the place of the lineage's, by name (their labels may be equal). */
  readonly replaced: ReadonlyMap<string, Namespace>;
  /** Those whose labels differ. */
  readonly relabelled: ReadonlySet<string>;
}

const NONE: NamespaceChange = { replaced: new Map(), relabelled: new Set() };

/**
 * How `after` differs from `before` (the namespaces `lineage` was made from): other
 * objects under the same names in the same places, or null when only compile() is exact.
 */
export function namespaceChange(lineage: Lineage, before: readonly Namespace[], after: readonly Namespace[]): NamespaceChange | null {
  if (before === after) return NONE;
  if (before.length !== after.length) return null;
  const replaced = new Map<string, Namespace>();
  for (let i = 0; i < after.length; i++) {
    const a = before[i] as Namespace;
    const b = after[i] as Namespace;
    if (a === b) continue;
    if (a.name !== b.name) return null;
    replaced.set(b.name, b);
  }
  if (replaced.size === 0) return NONE;
  // A name twice: compile() keeps the last one; not worth following.
  if (new Set(after.map((n) => n.name)).size !== after.length) return null;
  const relabelled = new Set<string>();
  for (const [name, ns] of replaced) {
    const old = lineage.namespacesByName.get(name);
    if (old === undefined || !sameLabels(old.labels, ns.labels)) relabelled.add(name);
  }
  return { replaced, relabelled };
}

/** Whether a scope's namespaces depend on namespace labels. */
export function labelScoped(scope: NamespaceScope): boolean {
  return scope.kind === 'selector' && scope.selector.op !== 'all';
}

/**
 * Scope matching with the change's labels, before the lineage has them (the lineage's
 * caches are touched only once recompile() is sure it goes on).
 */
export function scopeAfter(lineage: Lineage, change: NamespaceChange): (scope: NamespaceScope, ns: string) => boolean {
  return (scope, ns) => {
    if (scope.kind === 'names') return scope.names.includes(ns);
    if (scope.selector.op === 'all') return true;
    const labels = change.replaced.get(ns)?.labels ?? lineage.namespacesByName.get(ns)?.labels ?? { [METADATA_NAME]: ns };
    return matchSelector(scope.selector, labels);
  };
}

/**
 * The network-set peers of `peers` whose nets the change moves, prepared again with
 * `inScope` (the labels after); problems (an invalid net in a set now matched) are
 * compile()'s to report.
 */
export function preparedAfter(peers: ReadonlyMap<Peer, PreparedPeer>, cluster: Cluster, change: NamespaceChange, inScope: (scope: NamespaceScope, ns: string) => boolean, problems: string[]): Map<Peer, PreparedPeer> {
  const out = new Map<Peer, PreparedPeer>();
  // Only sets in relabelled namespaces can come into or go out of a peer's scope.
  if (!cluster.networkSets.some((s) => s.namespace !== undefined && change.relabelled.has(s.namespace))) return out;
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

/** The lineage takes the change: the new namespace objects, and selector caches that match the relabelled ones again. */
export function applyNamespaceChange(lineage: Lineage, change: NamespaceChange): void {
  for (const [name, ns] of change.replaced) lineage.namespacesByName.set(name, ns);
  if (change.relabelled.size === 0) return;
  // nsScopeByObject holds the same sets: patched with them.
  for (const { scope, names } of lineage.nsSelectorCache.values()) {
    if (scope.kind !== 'selector') continue;
    for (const n of change.relabelled) {
      if (matchSelector(scope.selector, lineage.namespacesByName.get(n)?.labels ?? { [METADATA_NAME]: n })) names.add(n);
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

