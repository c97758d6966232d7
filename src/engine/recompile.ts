// recompile(): the compiled form of a cluster whose pods, policies and/or namespaces
// changed since `previous` was compiled, with the same nodes, network sets and services
// (same objects: prepared peers depend on them).
//
// It takes over `previous`'s indexes and updates them in place, then retires `previous`
// (compile.ts): at 100,000 pods even copying the per-slot arrays once per change costs
// more than the change, and big short-lived arrays make the garbage collector stall.
// Pods keep their slots: which pods went and came is read from the caller's hint
// (PodChangeHint: looked up by key, nothing else is read) or, without one, found by
// walking the new pod list against the previous one (pointer compares; a key is looked up
// only where the lists part). A replaced pod takes its predecessor's slot, an added pod a
// freed or a new slot, and the last slots move into holes left by removals. Only new pods
// are matched against the subjects (indexed by namespace). Each recompile() notes the
// slots it changed in the lineage's journal, so a planner can follow without comparing
// every slot.
//
// Policies: the policy side (evaluation order, prepared peers, subjects) is rebuilt from
// the previous one without selector work; only pods some changed policy selects, by its
// old or its new subject, get their selections recomputed, and the others' lists are
// renumbered into a fresh store when the evaluation order changed.
//
// Namespaces (namespace-change.ts): Namespace objects relabelled, created or deleted are
// followed by name: the lineage's namespaces and selector caches are updated in place for
// the changed names, network-set peers whose namespace selector now matches other sets
// are prepared again, and the pods of namespaces whose labels changed (also a namespace
// only pods named getting an object, or losing its object while pods still name it) are
// selected again like new pods, in their slots. A namespace created before its pods or
// deleted after them only enters or leaves the caches: no pod is selected differently.
// The slots and the namespaces whose labels or existence changed go in the journal.
//
// Whenever the shortcut could differ from compile() — a namespace name twice, other
// nodes, network sets, services or tiers, a host-network pod among the changed ones (it
// changes node addresses), a namespace that only pods name (no object before or after)
// appearing or going, a duplicate key, an address two pods hold, an invalid address or
// CIDR, pods reordered, a hint that does not add up, or many pods changed at once — it is
// compile() itself (which also reports the problems), and `previous` stays as it was. A
// retired `previous` also gets compile().
import type { Cluster, Pod } from '../model/cluster.ts';
import { parseIp } from '../model/ip.ts';
import { labelsKey } from '../model/labels.ts';
import type { IpAddress } from '../model/ip.ts';
import type { NamespaceScope, Peer } from '../model/peer.ts';
import type { Policy } from '../model/policy.ts';
import type { PolicySet } from '../model/tier.ts';
import type { CompiledCluster, CompiledState, PreparedPeer } from './compile.ts';
import { allRules, Compiled, compile, JOURNAL_LENGTH, ListStore, peerKey, preparePeer, selectionFor, sortEnforced, SubjectIndex, subjectSelects } from './compile.ts';
import { EngineError } from './engine-error.ts';
import { applyNamespaceChange, namespaceChange, namespaceStep, preparedAfter, scopeAfter } from './namespace-change.ts';
import type { NamespaceChange, NamespaceStep } from './namespace-change.ts';
import { sameList } from '../model/same-list.ts';

/**
 * Exactly which pods changed since the previous compile: `cluster.pods` is the previous
 * `cluster.pods` with exactly these keys replaced or added (the Pod now) or removed
 * (undefined), anywhere in the list; every other pod is the same object, in the same
 * relative order. recompile() then reads neither pod list (the caller may have patched
 * the previous array in place); it checks only what is cheap (each pod's key, the pod
 * count), and a hint that breaks the contract otherwise gives a wrong compile.
 */
export interface PodChangeHint {
  readonly pods: ReadonlyMap<string, Pod | undefined>;
}

/**
 * Same result as `compile(cluster, policies)`, reusing and retiring `previous` (see the
 * top of this file). `hint`: the pods that changed, when the caller knows them exactly
 * (no walk of the pod list); without it the lists are compared.
 */
export function recompile(previous: CompiledCluster, cluster: Cluster, policies: PolicySet, hint?: PodChangeHint): CompiledCluster {
  if (!(previous instanceof Compiled)) throw new EngineError('this CompiledCluster was not made by compile()');
  const prev = previous;
  const c = prev.cluster;
  if (prev.retired || !sameList(c.nodes, cluster.nodes) || !sameList(c.networkSets, cluster.networkSets) || !sameList(c.services, cluster.services)) return compile(cluster, policies);
  const change = namespaceChange(prev.lineage, c.namespaces, cluster.namespaces);
  if (change === null) return compile(cluster, policies);
  const pods = podChange(prev, cluster, hint, change);
  if (pods === null) return compile(cluster, policies);
  const slotsByNs = prev.state.slotsByNs;
  const podsBefore = (n: string): number => slotsByNs.get(n)?.length ?? 0;
  const ns = namespaceStep(prev.lineage, change, podsBefore, (n) => podsBefore(n) + (pods.nsDelta.get(n) ?? 0));
  // Scopes as they are after the change: the lineage's caches change only once nothing can fall back.
  const before = (scope: NamespaceScope, n: string): boolean => prev.inScope(scope, n);
  const inScope = ns.moved.size === 0 ? before : scopeAfter(ns, before);
  const samePolicies = prev.policies === policies || (sameList(prev.policies.tiers, policies.tiers) && sameList(prev.policies.policies, policies.policies));
  const side = samePolicies ? undefined : policyChange(prev, cluster, policies, inScope);
  if (side === null) return compile(cluster, policies);
  const problems: string[] = [];
  const reprepared = preparedAfter(prev.peers, cluster, ns, inScope, problems);
  if (problems.length > 0) return compile(cluster, policies);
  // From here on, `previous`'s indexes are updated in place.
  prev.retire();
  return apply(prev.state, pods, side, { ...ns, reprepared }, cluster, policies);
}

// ---- policies ----

interface PolicyChange {
  /** Policy objects new to the list, and those gone from it (staged ones too). */
  readonly added: readonly Policy[];
  readonly removed: readonly Policy[];
  /** Of those, the enforced ones. */
  readonly addedEnforced: readonly Policy[];
  readonly removedEnforced: readonly Policy[];
  /** Peers of the added policies that need preparing. */
  readonly prepared: ReadonlyMap<Peer, PreparedPeer>;
  readonly enforced: readonly Policy[];
  readonly enforcedTier: Int32Array;
  /** Old enforced index → new index (-1: gone); undefined when every change kept its place in the evaluation order. */
  readonly remap: Int32Array | undefined;
}

/** What changes on the policy side, computed without touching `prev`; null when only compile() is exact. */
function policyChange(prev: Compiled, cluster: Cluster, policies: PolicySet, inScope: (scope: NamespaceScope, ns: string) => boolean): PolicyChange | null {
  if (!sameList(prev.policies.tiers, policies.tiers)) return null;
  const S = prev.state;
  const diff = diffList(prev.policies.policies, policies.policies, (p) => (S.policyById.get(p.id) === p));
  const { added, removed } = diff;
  const tierIndex = new Map(prev.tiers.map((t, i) => [t.name, i]));
  const removedIds = new Set(removed.map((p) => p.id));
  const addedIds = new Set<string>();
  for (const p of added) {
    if (addedIds.has(p.id) || !tierIndex.has(p.tier)) return null;
    addedIds.add(p.id);
    if (S.policyById.has(p.id) && !removedIds.has(p.id)) return null;
  }
  const problems: string[] = [];
  const prepared = new Map<Peer, PreparedPeer>();
  for (const p of added) {
    for (const rule of allRules(p)) {
      for (const peer of [...(rule.peers ?? []), ...(rule.notPeers ?? [])]) {
        if (S.peers.has(peer) || prepared.has(peer)) continue;
        prepared.set(peer, preparePeer(cluster, inScope, peer, peerKey(peer), `${p.id} ${peer.path}`, problems));
      }
    }
  }
  if (problems.length > 0) return null;

  const removedEnforced = removed.filter((p) => !p.staged);
  const addedEnforced = added.filter((p) => !p.staged);
  const byId = new Map(removedEnforced.map((p) => [p.id, p]));
  const inPlace = removedEnforced.length === addedEnforced.length && addedEnforced.every((n) => {
    const o = byId.get(n.id);
    return o !== undefined && n.tier === o.tier && n.order === o.order;
  });
  if (inPlace) {
    // Every change replaces a policy at its own place in the evaluation order.
    const replacement = new Map(addedEnforced.map((n) => [byId.get(n.id) as Policy, n]));
    const enforced = replacement.size === 0 ? prev.enforced : prev.enforced.map((p) => replacement.get(p) ?? p);
    return { added, removed, addedEnforced, removedEnforced, prepared, enforced, enforcedTier: prev.enforcedTier, remap: undefined };
  }
  const { enforced, enforcedTier } = sortEnforced(policies.policies, tierIndex);
  const newIndex = new Map(enforced.map((p, i) => [p, i]));
  const remap = Int32Array.from(prev.enforced, (p) => newIndex.get(p) ?? -1);
  return { added, removed, addedEnforced, removedEnforced, prepared, enforced, enforcedTier, remap };
}

/**
 * Objects of `b` not in `a` and of `a` not in `b`, walking both lists together (pointer
 * compares; `known(x)`: x is an object of `a`, used where the lists part); a set
 * difference when an object of `a` moved back.
 */
function diffList<T>(a: readonly T[], b: readonly T[], known: (x: T) => boolean): { added: T[]; removed: T[] } {
  const added: T[] = [];
  const removed: T[] = [];
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i] as T;
    if (j < a.length && a[j] === x) {
      j++;
      continue;
    }
    if (!known(x)) {
      added.push(x);
      continue;
    }
    let k = j;
    while (k < a.length && a[k] !== x) k++;
    if (k === a.length) {
      const inA = new Set(a);
      const inB = new Set(b);
      return { added: b.filter((y) => !inA.has(y)), removed: a.filter((y) => !inB.has(y)) };
    }
    for (let q = j; q < k; q++) removed.push(a[q] as T);
    j = k + 1;
  }
  for (let q = j; q < a.length; q++) removed.push(a[q] as T);
  return { added, removed };
}

// ---- pods ----

interface PodChange {
  /** Slots of the pods that went (or were replaced). */
  readonly removed: readonly number[];
  /** New pod objects with their parsed addresses. */
  readonly added: ReadonlyArray<{ readonly pod: Pod; readonly ips: readonly IpAddress[] }>;
  /** Per namespace, how many more pods name it (negative: fewer). */
  readonly nsDelta: ReadonlyMap<string, number>;
}

/** Which pods went and which came (validated), from the hint or the lists; null when only compile() is exact. */
function podChange(prev: Compiled, cluster: Cluster, hint: PodChangeHint | undefined, ns: NamespaceChange): PodChange | null {
  const diff = hint === undefined ? walkPods(prev, cluster) : hintedPods(prev.state, cluster, hint);
  return diff === null ? null : checkPods(prev.state, diff.gone, diff.fresh, cluster.pods.length, ns);
}

interface PodDiff {
  /** Previous pod objects no longer in the cluster. */
  readonly gone: readonly Pod[];
  /** Pod objects new to the cluster. */
  readonly fresh: readonly Pod[];
}

/** The pods a hint names, against the slots; null when the hint visibly breaks its contract. */
function hintedPods(S: CompiledState, cluster: Cluster, hint: PodChangeHint): PodDiff | null {
  const gone: Pod[] = [];
  const fresh: Pod[] = [];
  for (const [key, pod] of hint.pods) {
    const s = S.keyToSlot.get(key);
    const old = s === undefined ? undefined : S.pods[s];
    if (old === pod) continue;
    if (pod !== undefined && pod.key !== key) return null;
    if (old !== undefined) gone.push(old);
    if (pod !== undefined) fresh.push(pod);
  }
  if (S.pods.length - gone.length + fresh.length !== cluster.pods.length) return null;
  return { gone, fresh };
}

/**
 * The pods that went and came, by walking the new list against the previous one; null
 * when pods were reordered. Unchanged pods must keep their relative order (the first
 * holder of an address owns it).
 */
function walkPods(prev: Compiled, cluster: Cluster): PodDiff | null {
  const S = prev.state;
  const A = prev.cluster.pods;
  const B = cluster.pods;
  if (A === B) return { gone: [], fresh: [] };
  const gone: Pod[] = [];
  const fresh: Pod[] = [];
  let j = 0;
  for (let i = 0; i < B.length; i++) {
    // Aligned runs are the bulk: skip them in a tight loop.
    const run = alignedRun(A, j, B, i);
    i += run;
    j += run;
    if (i >= B.length) break;
    const pod = B[i] as Pod;
    const s0 = S.keyToSlot.get(pod.key);
    if (s0 === undefined || S.pods[s0] !== pod) {
      fresh.push(pod);
      continue;
    }
    // A previous pod further on: the ones skipped went. Not found: it moved back.
    let k = j;
    while (k < A.length && A[k] !== pod) k++;
    if (k === A.length) return null;
    for (let q = j; q < k; q++) gone.push(A[q] as Pod);
    j = k + 1;
  }
  for (let q = j; q < A.length; q++) gone.push(A[q] as Pod);
  return { gone, fresh };
}

/**
 * The change as slots to free and pods to place, or null when only compile() is exact:
 * many pods at once, host-network pods, addresses shared or a node's, keys or addresses
 * still held by a pod that stays, a namespace only pods name (no object before or after
 * the namespace change `ns`) appearing or going.
 */
function checkPods(S: CompiledState, gone: readonly Pod[], fresh: readonly Pod[], total: number, ns: NamespaceChange): PodChange | null {
  if (gone.length + fresh.length > 64 + (total >> 3)) return null;
  const removed: number[] = [];
  const removedSlots = new Set<number>();
  for (const pod of gone) {
    const s = S.keyToSlot.get(pod.key);
    if (s === undefined || S.pods[s] !== pod || pod.hostNetwork) return null;
    // A pod holding a node's address hides it from the node: it going changes node addresses.
    for (const ip of pod.ips) if (S.sharedIps.has(ip) || S.lineage.hostIps.has(ip)) return null;
    removed.push(s);
    removedSlots.add(s);
  }
  const added: Array<{ pod: Pod; ips: IpAddress[] }> = [];
  const addedKeys = new Set<string>();
  const addedIps = new Set<string>();
  for (const pod of fresh) {
    if (pod.hostNetwork || addedKeys.has(pod.key)) return null;
    addedKeys.add(pod.key);
    const s0 = S.keyToSlot.get(pod.key);
    if (s0 !== undefined && !removedSlots.has(s0)) return null;
    const ips: IpAddress[] = [];
    const own = new Set<string>();
    for (const ip of pod.ips) {
      const a = parseIp(ip);
      if (a === undefined) return null;
      ips.push(a);
      if (own.has(ip)) continue;
      own.add(ip);
      if (addedIps.has(ip) || S.sharedIps.has(ip) || S.lineage.hostIps.has(ip)) return null;
      addedIps.add(ip);
      const owner = S.ipToSlot.get(ip);
      if (owner !== undefined && !removedSlots.has(owner)) return null;
    }
    added.push({ pod, ips });
  }
  // A namespace only pods name must neither appear nor go (namespace selectors see it); one
  // with an object before or after is the namespace step's (namespace-change.ts).
  const nsDelta = new Map<string, number>();
  for (const pod of gone) nsDelta.set(pod.namespace, (nsDelta.get(pod.namespace) ?? 0) - 1);
  for (const { pod } of added) nsDelta.set(pod.namespace, (nsDelta.get(pod.namespace) ?? 0) + 1);
  for (const [n, d] of nsDelta) {
    if (S.lineage.namespacesByName.has(n) || ns.objects.get(n) !== undefined) continue;
    const before = S.slotsByNs.get(n)?.length ?? 0;
    if (before === 0 || before + d === 0) return null;
  }
  return { removed, added, nsDelta };
}

/** How many elements of `a` from `j` equal those of `b` from `i`, pointer for pointer. */
function alignedRun(a: readonly Pod[], j: number, b: readonly Pod[], i: number): number {
  const n = Math.min(a.length - j, b.length - i);
  let k = 0;
  while (k < n && a[j + k] === b[i + k]) k++;
  return k;
}

// ---- applying ----

/** A namespace step with the network-set peers it moves, prepared again. */
interface NamespaceApply extends NamespaceStep {
  readonly reprepared: ReadonlyMap<Peer, PreparedPeer>;
}

/** Updates `S`'s containers in place and returns the Compiled of the new version. */
function apply(S: CompiledState, change: PodChange, side: PolicyChange | undefined, ns: NamespaceApply, cluster: Cluster, policies: PolicySet): Compiled {
  const { pods, podIps, keyToSlot, ipToSlot, slotsByNs, selIngress, selEgress } = S;
  const touched = new Set<number>();
  const dropFromNs = (n: string, s: number): void => {
    const l = slotsByNs.get(n);
    const at = l?.indexOf(s) ?? -1;
    if (l === undefined || at < 0) return;
    l.splice(at, 1);
    if (l.length === 0) slotsByNs.delete(n);
  };
  const addToNs = (n: string, s: number): void => {
    const l = slotsByNs.get(n);
    if (l === undefined) slotsByNs.set(n, [s]);
    else l.push(s);
  };

  // Removals free their slots (a replaced pod's slot goes to its successor).
  const free = new Set<number>();
  for (const s of change.removed) {
    const pod = pods[s] as Pod;
    keyToSlot.delete(pod.key);
    for (const ip of pod.ips) if (ipToSlot.get(ip) === s) ipToSlot.delete(ip);
    dropFromNs(pod.namespace, s);
    free.add(s);
    touched.add(s);
  }
  const place = (s: number, pod: Pod, ips: readonly IpAddress[]): void => {
    if (s === pods.length) {
      pods.push(pod);
      podIps.push(ips);
      selIngress.push(0);
      selEgress.push(0);
    } else {
      pods[s] = pod;
      podIps[s] = ips;
    }
    keyToSlot.set(pod.key, s);
    for (const ip of pod.ips) ipToSlot.set(ip, s);
    addToNs(pod.namespace, s);
    touched.add(s);
  };
  const freshSlots: number[] = [];
  const predecessor = new Map<string, number>();
  for (const s of change.removed) predecessor.set((S.pods[s] as Pod).key, s);
  const rest: Array<{ pod: Pod; ips: readonly IpAddress[] }> = [];
  for (const a of change.added) {
    const s = predecessor.get(a.pod.key);
    if (s !== undefined && free.has(s)) {
      free.delete(s);
      place(s, a.pod, a.ips);
      freshSlots.push(s);
    } else {
      rest.push(a);
    }
  }
  const holes = [...free].sort((a, b) => a - b);
  for (const a of rest) {
    const s = holes.shift() ?? pods.length;
    place(s, a.pod, a.ips);
    freshSlots.push(s);
  }
  // Holes left: the last slots move into them, so slots stay dense.
  const isFresh = new Set(freshSlots);
  const holeSet = new Set(holes);
  for (const h of holes) {
    while (pods.length > 0 && holeSet.has(pods.length - 1)) {
      holeSet.delete(pods.length - 1);
      pods.pop();
      podIps.pop();
      selIngress.pop();
      selEgress.pop();
    }
    if (h >= pods.length) break;
    const a = pods.length - 1;
    const pod = pods[a] as Pod;
    pods[h] = pod;
    podIps[h] = podIps[a] ?? [];
    selIngress[h] = selIngress[a] ?? 0;
    selEgress[h] = selEgress[a] ?? 0;
    pods.pop();
    podIps.pop();
    selIngress.pop();
    selEgress.pop();
    holeSet.delete(h);
    keyToSlot.set(pod.key, h);
    for (const ip of pod.ips) if (ipToSlot.get(ip) === a) ipToSlot.set(ip, h);
    const l = slotsByNs.get(pod.namespace);
    const at = l?.indexOf(a) ?? -1;
    if (l !== undefined && at >= 0) l[at] = h;
    touched.add(h);
    touched.add(a);
    if (isFresh.has(a)) {
      isFresh.delete(a);
      isFresh.add(h);
    }
  }

  // The policy side: peers, policies by id, subjects — patched in place.
  const lineage = S.lineage;
  let subjects = S.subjects;
  if (side !== undefined) {
    // Policies may share peer objects: a peer goes with the last rule holding it.
    const uses = S.peerUses;
    for (const p of side.added) for (const peer of peersOf(p)) uses.set(peer, (uses.get(peer) ?? 0) + 1);
    for (const [peer, prepared] of side.prepared) S.peers.set(peer, prepared);
    for (const p of side.removed) {
      if (S.policyById.get(p.id) === p) S.policyById.delete(p.id);
      for (const peer of peersOf(p)) {
        const n = (uses.get(peer) ?? 0) - 1;
        if (n > 0) uses.set(peer, n);
        else {
          uses.delete(peer);
          S.peers.delete(peer);
        }
      }
    }
    for (const p of side.added) S.policyById.set(p.id, p);
    if (side.remap === undefined) {
      const was = indexesOf(S.enforced, side.removedEnforced);
      const now = indexesOf(side.enforced, side.addedEnforced);
      for (const p of side.removedEnforced) subjects.remove(lineage, p, was.get(p) ?? -1);
      for (const p of side.addedEnforced) subjects.add(lineage, p, now.get(p) ?? -1);
    } else {
      subjects = SubjectIndex.build(lineage, side.enforced);
    }
  }

  // Namespaces: the lineage takes the new objects, and its caches the names that came,
  // went or were relabelled; the pods of relabelled namespaces are selected again below,
  // with the new pods.
  const reselect = new Set(isFresh);
  if (ns.objects.size > 0) {
    applyNamespaceChange(lineage, ns);
    for (const [peer, prepared] of ns.reprepared) if (S.peers.has(peer)) S.peers.set(peer, prepared);
    for (const n of ns.relabelled) {
      for (const s of slotsByNs.get(n) ?? []) {
        reselect.add(s);
        touched.add(s);
      }
    }
  }

  // Selections: renumbered into a fresh store when the evaluation order changed (or the
  // store holds many lists nobody uses any more), computed for new pods, and recomputed
  // for the pods a changed policy selects.
  let store = S.store;
  if (side?.remap !== undefined || store.lists.length > 2 * pods.length + 1024) {
    const fresh = new ListStore();
    const mapped = new Int32Array(store.lists.length).fill(-1);
    const remap = side?.remap;
    const old = store;
    const relist = (id: number): number => {
      let k = mapped[id] ?? -1;
      if (k < 0) {
        const l: number[] = [];
        for (const pi of old.lists[id] ?? []) {
          const n = remap === undefined ? pi : (remap[pi] ?? -1);
          if (n >= 0) l.push(n);
        }
        if (remap !== undefined) l.sort((x, y) => x - y);
        k = fresh.intern(l);
        mapped[id] = k;
      }
      return k;
    };
    for (let s = 0; s < pods.length; s++) {
      if (reselect.has(s)) continue;
      selIngress[s] = relist(selIngress[s] ?? 0);
      selEgress[s] = relist(selEgress[s] ?? 0);
    }
    store = fresh;
  } else if (side !== undefined) {
    // Same places in the evaluation order, other policy objects at some of them.
    store.policyLists.clear();
  }
  const state: CompiledState = {
    ...S,
    version: lineage.version + 1,
    enforced: side?.enforced ?? S.enforced,
    enforcedTier: side?.enforcedTier ?? S.enforcedTier,
    subjects,
    store,
  };
  const result = new Compiled(cluster, policies, state);
  const view = result;
  // Pods of one namespace with the same labels have the same selection (a relabelled
  // namespace's pods come in groups of a few templates).
  const selected = new Map<string, { ingress: number; egress: number }>();
  for (const s of reselect) {
    const pod = pods[s] as Pod;
    const k = pod.hostNetwork ? '' : `${pod.namespace}\u0000${labelsKey(pod.labels)}`;
    let sel = selected.get(k);
    if (sel === undefined) {
      const lists = selectionFor(view, subjects, pod);
      sel = { ingress: store.intern(lists.ingress), egress: store.intern(lists.egress) };
      selected.set(k, sel);
    }
    selIngress[s] = sel.ingress;
    selEgress[s] = sel.egress;
  }
  if (side !== undefined) {
    const changed = [...side.removedEnforced, ...side.addedEnforced];
    const candidates = new Set<number>();
    for (const p of changed) {
      if (p.ingress === undefined && p.egress === undefined) continue;
      for (const s of view.podsInScope(p.subject.namespaces)) {
        if (reselect.has(s) || candidates.has(s)) continue;
        if (subjectSelects(view, p.subject, pods[s] as Pod)) candidates.add(s);
      }
    }
    const at = indexesOf(state.enforced, side.addedEnforced);
    // In place, a replaced policy's index now names its successor: drop it before adding back.
    const stale = new Set(side.remap === undefined ? at.values() : []);
    for (const s of candidates) {
      const pod = pods[s] as Pod;
      const ingress = (store.lists[selIngress[s] ?? 0] ?? []).filter((pi) => !stale.has(pi));
      const egress = (store.lists[selEgress[s] ?? 0] ?? []).filter((pi) => !stale.has(pi));
      for (const p of side.addedEnforced) {
        if (!subjectSelects(view, p.subject, pod)) continue;
        const pi = at.get(p) ?? -1;
        if (p.ingress !== undefined) ingress.push(pi);
        if (p.egress !== undefined) egress.push(pi);
      }
      ingress.sort((a, b) => a - b);
      egress.sort((a, b) => a - b);
      selIngress[s] = store.intern(ingress);
      selEgress[s] = store.intern(egress);
    }
  }
  lineage.version = state.version;
  lineage.journal.push({ version: state.version, slots: [...touched], namespaces: [...ns.moved], added: side?.added ?? [], removed: side?.removed ?? [] });
  if (lineage.journal.length > JOURNAL_LENGTH) lineage.journal.shift();
  return result;
}


/** The peers (and notPeers) of every rule of a policy, one entry per rule slot. */
function peersOf(p: Policy): Peer[] {
  return allRules(p).flatMap((rule) => [...(rule.peers ?? []), ...(rule.notPeers ?? [])]);
}

/** Positions of `items` in `list`. */
function indexesOf<T>(list: readonly T[], items: readonly T[]): Map<T, number> {
  const out = new Map<T, number>();
  if (items.length === 0) return out;
  const wanted = new Set(items);
  list.forEach((x, i) => {
    if (wanted.has(x)) out.set(x, i);
  });
  return out;
}

