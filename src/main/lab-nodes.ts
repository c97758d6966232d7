// The Node objects of the embedded cluster: one per lab node, named as the lab names it,
// with what kubelets register (hostname label, InternalIP, pod CIDRs, a Ready condition),
// so policies, `kubectl get nodes` and the agents see the same nodes the lab has.
import type { LabNodeState } from '../lab/lab-state.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { formatTimestamp } from '../store/clock.ts';
import { isStoreError } from '../store/store-errors.ts';
import type { ObjectInput, StoredObject } from '../store/store-object.ts';

export const NODES = { group: '', version: 'v1', resource: 'nodes' } as const;

export function nodeObject(n: LabNodeState, version: string, now: number): ObjectInput & { spec: unknown; status: unknown } {
  const t = formatTimestamp(now);
  const podCIDRs = [n.podCidrV4, ...(n.podCidrV6 === undefined ? [] : [n.podCidrV6])];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'lab.palisade.io/netns': n.netns },
    },
    spec: { podCIDR: n.podCidrV4, podCIDRs },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ipv4 },
        ...(n.ipv6 === undefined ? [] : [{ type: 'InternalIP', address: n.ipv6 }]),
        { type: 'Hostname', address: n.name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'palisade lab node is ready', lastHeartbeatTime: t, lastTransitionTime: t }],
      nodeInfo: { kubeletVersion: version, containerRuntimeVersion: 'palisade-lab', operatingSystem: 'linux', architecture: 'amd64', osImage: 'palisade lab (network namespace)', kernelVersion: '', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
    },
  };
}

function sameShape(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Creates or corrects the Node objects of `nodes` and deletes Node objects of lab nodes
 * that no longer exist (a lab recreated with fewer nodes). Nodes not made by the lab
 * (no `lab.palisade.io/netns` label) are left alone.
 */
export function syncNodeObjects(store: ObjectStore, nodes: readonly LabNodeState[], version: string, now: number): void {
  const opts = { fieldValidation: 'Ignore' as const };
  for (const n of nodes) {
    const want = nodeObject(n, version, now);
    let have: StoredObject | undefined;
    try {
      have = store.get(NODES, n.name);
    } catch (e) {
      if (!isStoreError(e, 'NotFound')) throw e;
    }
    if (have === undefined) {
      store.create(want, opts);
      continue;
    }
    if (!sameShape(have.spec, want.spec) || !sameShape(have.metadata.labels, want.metadata.labels)) {
      have = store.update({ ...have, metadata: { ...have.metadata, labels: want.metadata.labels }, spec: want.spec } as ObjectInput, opts);
    }
    const addrs = (st: unknown): unknown => (st as { addresses?: unknown } | undefined)?.addresses;
    if (!sameShape(addrs(have.status), addrs(want.status))) store.update({ ...have, status: want.status } as ObjectInput, { ...opts, subresource: 'status' });
  }
  const names = new Set(nodes.map((n) => n.name));
  for (const o of store.list(NODES).items) {
    if (o.metadata.labels?.['lab.palisade.io/netns'] !== undefined && !names.has(o.metadata.name)) store.delete(NODES, o.metadata.name);
  }
}
