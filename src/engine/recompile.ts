// recompile(): the compiled form of a cluster whose pods changed since `previous` was
// compiled, with the same policy set, namespaces, nodes, network sets and services (same
// objects: prepared peers depend on them).
// Everything on the policy side (tiers, evaluation order, prepared peers, distinct
// subjects, namespace-selector caches) is shared with `previous`; per pod, only pods that
// are new or not the previous object for their key are matched against the subjects, and
// the per-pod indexes are shared when the pod list kept its keys in place (a relabel) or
// rebuilt in one linear pass without selector work (an add or a removal). Whenever the
// shortcut could differ from compile() — another policy side, a host-network pod among
// the changed ones (it changes node addresses), a namespace that only pods name
// appearing or going, a duplicate key or an invalid address — it is compile() itself.
import type { Cluster, Pod } from '../model/cluster.ts';
import { parseIp } from '../model/ip.ts';
import type { IpAddress } from '../model/ip.ts';
import type { PolicySet } from '../model/tier.ts';
import type { CompiledCluster, PodIndexes, SelectionIndexes } from './compile.ts';
import { Compiled, compile, internals, internList, subjectSelects } from './compile.ts';

/**
 * Same result as `compile(cluster, policies)`, reusing `previous`. `changedPods`: keys the
 * caller knows changed (added, removed, relabelled); pods are also compared by object
 * identity with `previous`, so a key left out costs nothing in exactness.
 */
export function recompile(previous: CompiledCluster, cluster: Cluster, policies: PolicySet, changedPods: ReadonlySet<string>): CompiledCluster {
  const prev = internals(previous);
  if (!samePolicySide(prev, cluster, policies)) return compile(cluster, policies);
  const inPlace = aligned(prev, cluster, changedPods);
  const reused = inPlace === undefined ? shifted(prev, cluster) : inPlace;
  if (reused === null) return compile(cluster, policies);
  return new Compiled(cluster, policies, { previous: prev, ...reused });
}

function samePolicySide(prev: Compiled, cluster: Cluster, policies: PolicySet): boolean {
  const p = prev.policies;
  const c = prev.cluster;
  return (p === policies || (sameList(p.tiers, policies.tiers) && sameList(p.policies, policies.policies)))
    && sameList(c.namespaces, cluster.namespaces) && sameList(c.nodes, cluster.nodes) && sameList(c.networkSets, cluster.networkSets)
    && sameList(c.services, cluster.services);
}

interface Reused {
  readonly pods: PodIndexes;
  readonly selection: SelectionIndexes;
}

/**
 * The pod list has the previous keys at the same positions: only the changed positions
 * are redone. undefined: not aligned; null: only compile() gives the exact result.
 */
function aligned(prev: Compiled, cluster: Cluster, changedPods: ReadonlySet<string>): Reused | null | undefined {
  const pods = cluster.pods;
  const old = prev.pods;
  if (pods.length !== old.length) return undefined;
  const base = prev.reusable();
  const changed = new Set<number>();
  for (let i = 0; i < pods.length; i++) if (pods[i] !== old[i]) changed.add(i);
  for (const key of changedPods) {
    const i = base.pods.podIndexByKey.get(key);
    if (i !== undefined) changed.add(i);
  }
  let ipsChanged = false;
  for (const i of changed) {
    const p = pods[i];
    const q = old[i];
    if (p === undefined || q === undefined || p.key !== q.key || p.namespace !== q.namespace) return undefined;
    if (p.hostNetwork || q.hostNetwork) return null;
    if (!sameList(p.ips, q.ips)) ipsChanged = true;
  }
  let podIps = base.pods.podIps;
  let podByIpMap = base.pods.podByIpMap;
  if (ipsChanged) {
    const copy = podIps.slice();
    for (const i of changed) {
      const parsed = parseIps(pods[i]);
      if (parsed === undefined) return null;
      copy[i] = parsed;
    }
    podIps = copy;
    podByIpMap = ipOwners(pods);
  }
  const selection = patchSelection(prev, base.selection, pods, changed);
  return { pods: { ...base.pods, podIps, podByIpMap }, selection };
}

/** Pods were added, removed or moved: the pod indexes are rebuilt, selections of unchanged pods carried over. null: only compile() is exact. */
function shifted(prev: Compiled, cluster: Cluster): Reused | null {
  const pods = cluster.pods;
  const old = prev.pods;
  const base = prev.reusable();
  const kept = new Uint8Array(old.length);
  const podIndexByKey = new Map<string, number>();
  const podsByNs = new Map<string, number[]>();
  const podIps: (readonly IpAddress[])[] = new Array<readonly IpAddress[]>(pods.length);
  const selIngress = new Int32Array(pods.length);
  const selEgress = new Int32Array(pods.length);
  const fresh: number[] = [];
  // Host-network pods own node addresses in list order: they must keep their relative order.
  let lastHost = -1;
  let cursor = 0;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i] as Pod;
    podIndexByKey.set(pod.key, i);
    if (podIndexByKey.size === i) return null;
    let list = podsByNs.get(pod.namespace);
    if (list === undefined) podsByNs.set(pod.namespace, (list = []));
    list.push(i);
    // Walk both lists together: only where they part is a key looked up.
    if (old[cursor] !== pod) {
      const found = base.pods.podIndexByKey.get(pod.key);
      if (found !== undefined && old[found] === pod) cursor = found;
    }
    const j = old[cursor] === pod ? cursor++ : undefined;
    if (j !== undefined) {
      kept[j] = 1;
      if (pod.hostNetwork) {
        if (j < lastHost) return null;
        lastHost = j;
      }
      podIps[i] = base.pods.podIps[j] ?? [];
      selIngress[i] = base.selection.selIngress[j] ?? 0;
      selEgress[i] = base.selection.selEgress[j] ?? 0;
    } else {
      if (pod.hostNetwork) return null;
      const parsed = parseIps(pod);
      if (parsed === undefined) return null;
      podIps[i] = parsed;
      fresh.push(i);
    }
  }
  for (let j = 0; j < old.length; j++) if (kept[j] === 0 && old[j]?.hostNetwork === true) return null;
  const before = prev.podOnlyNamespaces();
  let podOnly = 0;
  for (const n of podsByNs.keys()) {
    if (prev.namespace(n) !== undefined) continue;
    if (!before.has(n)) return null;
    podOnly++;
  }
  if (podOnly !== before.size) return null;
  const selection = patchSelection(prev, { ...base.selection, selIngress, selEgress }, pods, fresh, false);
  return { pods: { podIndexByKey, podByIpMap: ipOwners(pods), podsByNs, podIps }, selection };
}

/** Selections of the `changed` positions computed against the shared subjects; the selection arrays are copied first when `copy`. */
function patchSelection(prev: Compiled, base: SelectionIndexes, pods: readonly Pod[], changed: Iterable<number>, copy = true): SelectionIndexes {
  const selIngress = copy ? base.selIngress.slice() : base.selIngress;
  const selEgress = copy ? base.selEgress.slice() : base.selEgress;
  let lists = base.selectionLists as (readonly number[])[];
  let listIds = base.listIds;
  let own = false;
  const intern = (l: readonly number[]): number => {
    const id = listIds.get(l.join(','));
    if (id !== undefined) return id;
    if (!own) {
      // The previous Compiled keeps its own lists: append to copies.
      lists = [...lists];
      listIds = new Map(listIds);
      own = true;
    }
    return internList(lists, listIds, l);
  };
  for (const i of changed) {
    const pod = pods[i];
    if (pod === undefined) continue;
    const ingress: number[] = [];
    const egress: number[] = [];
    for (const s of prev.subjects) {
      if (!subjectSelects(prev, s, pod)) continue;
      for (const pi of s.ingress) ingress.push(pi);
      for (const pi of s.egress) egress.push(pi);
    }
    ingress.sort((a, b) => a - b);
    egress.sort((a, b) => a - b);
    selIngress[i] = intern(ingress);
    selEgress[i] = intern(egress);
  }
  return { selIngress, selEgress, selectionLists: lists, listIds };
}

function parseIps(pod: Pod | undefined): IpAddress[] | undefined {
  const out: IpAddress[] = [];
  for (const ip of pod?.ips ?? []) {
    const a = parseIp(ip);
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

/** Address → index of the first non host-network pod holding it (as compile() builds it). */
function ipOwners(pods: readonly Pod[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i] as Pod;
    if (pod.hostNetwork) continue;
    for (const ip of pod.ips) if (!out.has(ip)) out.set(ip, i);
  }
  return out;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
