// The kubelet's ports onto the store: Pod objects → KubeletPod (the edge where raw JSON
// becomes the lab's typed view), and the kubelet's binding and status reports → store
// writes (spec.nodeName through an update, status through the status subresource), shaped
// as a real kubelet writes them so `kubectl get pods -o wide` reads `1/1 Running … IP NODE`.
import { canonicalIp } from '../model/ip.ts';
import { isProtocol, type Protocol } from '../model/protocol.ts';
import { embeddedStoreSource } from '../sources/embedded-store-source.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { formatTimestamp } from '../store/clock.ts';
import { isStoreError } from '../store/store-errors.ts';
import type { ObjectInput, StoredObject } from '../store/store-object.ts';
import type { KubeletContainer, KubeletPod, PodFeed, PodRef, PodStatusReport, PodStatusWriter } from '../lab/kubelet.ts';
import { LAB_IP_ANNOTATION } from '../lab/kubelet.ts';

export const PODS = { group: '', version: 'v1', resource: 'pods' } as const;

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function containerOf(raw: unknown): KubeletContainer {
  const c = rec(raw);
  const ports: Array<{ port: number; protocol: Protocol; name?: string }> = [];
  for (const p of Array.isArray(c['ports']) ? c['ports'] : []) {
    const port = rec(p)['containerPort'];
    const proto = rec(p)['protocol'] ?? 'TCP';
    const name = rec(p)['name'];
    if (typeof port !== 'number' || !Number.isInteger(port) || typeof proto !== 'string' || !isProtocol(proto)) continue;
    ports.push({ port, protocol: proto, ...(typeof name === 'string' && name !== '' ? { name } : {}) });
  }
  return {
    name: typeof c['name'] === 'string' ? c['name'] : '',
    image: typeof c['image'] === 'string' ? c['image'] : '',
    argv: [...strings(c['command']), ...strings(c['args'])],
    ports,
  };
}

/** The kubelet's view of a Pod object. */
export function kubeletPod(o: StoredObject): KubeletPod {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const podIPs: string[] = [];
  for (const e of Array.isArray(status['podIPs']) ? status['podIPs'] : []) {
    const ip = canonicalIp(String(rec(e)['ip'] ?? ''));
    if (ip !== undefined && !podIPs.includes(ip)) podIPs.push(ip);
  }
  const single = typeof status['podIP'] === 'string' ? canonicalIp(status['podIP']) : undefined;
  if (single !== undefined && !podIPs.includes(single)) podIPs.unshift(single);
  const conditions = Array.isArray(status['conditions']) ? status['conditions'].map(rec) : [];
  const ready = conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True');
  const pinned = o.metadata.annotations?.[LAB_IP_ANNOTATION];
  const nodeName = spec['nodeName'];
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    uid: o.metadata.uid,
    ...(typeof nodeName === 'string' && nodeName !== '' ? { nodeName } : {}),
    hostNetwork: spec['hostNetwork'] === true,
    ...(pinned === undefined || pinned === '' ? {} : { pinnedIp: pinned }),
    containers: (Array.isArray(spec['containers']) ? spec['containers'] : []).map(containerOf),
    status: {
      ...(typeof status['phase'] === 'string' ? { phase: status['phase'] } : {}),
      podIPs,
      ...(typeof status['hostIP'] === 'string' ? { hostIP: status['hostIP'] } : {}),
      ...(typeof status['startTime'] === 'string' ? { startTime: status['startTime'] } : {}),
      ready,
    },
  };
}

/** Pods of the store, as the kubelet's feed (list + watch with resume and relist, from sources/). */
export function storePodFeed(store: ObjectStore): PodFeed {
  const type = store.registry.get(PODS);
  if (type === undefined) throw new Error('the store has no pods resource');
  const source = embeddedStoreSource(store, { resources: [type] });
  return {
    start(handler) {
      return source.start({
        onReplace: (_resource, objects) => handler.replace(objects.map(kubeletPod)),
        onEvent: (ev) => {
          if (ev.type === 'DELETED') handler.remove(ev.object.metadata.namespace ?? '', ev.object.metadata.name);
          else handler.upsert(kubeletPod(ev.object));
        },
        onSynced: () => undefined,
      });
    },
  };
}

/** A pod's status JSON as the kubelet writes it (pkg/kubelet/status), from the kubelet's report. */
export function podStatusJson(r: PodStatusReport): Record<string, unknown> {
  const t = formatTimestamp(r.startTime);
  const cond = (type: string, ok: boolean): Record<string, unknown> => ({
    type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t,
    ...(ok || r.reason === undefined ? {} : { reason: 'ContainersNotReady', message: r.message ?? '' }),
  });
  return {
    phase: r.phase,
    conditions: [
      cond('Initialized', true),
      cond('Ready', r.ready),
      cond('ContainersReady', r.ready),
      cond('PodScheduled', true),
    ],
    ...(r.hostIP === undefined ? {} : { hostIP: r.hostIP, hostIPs: [{ ip: r.hostIP }] }),
    ...(r.podIPs.length === 0 ? {} : { podIP: r.podIPs[0], podIPs: r.podIPs.map((ip) => ({ ip })) }),
    startTime: t,
    qosClass: 'BestEffort',
    containerStatuses: r.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: '',
      ready: c.ready,
      started: c.startedAt !== undefined,
      restartCount: 0,
      state: c.startedAt !== undefined
        ? { running: { startedAt: formatTimestamp(c.startedAt) } }
        : { waiting: { reason: c.waitingReason ?? 'ContainerCreating', ...(c.message === undefined ? {} : { message: c.message }) } },
    })),
  };
}

function sameUid(o: StoredObject, ref: PodRef): boolean {
  return o.metadata.uid === ref.uid;
}

/**
 * Writes to the store for the kubelet. Updates are guarded by the object's
 * resourceVersion and retried on a conflict; a pod that is gone (or replaced by another
 * of the same name) is not an error: its own events tell the kubelet.
 */
export function storePodStatusWriter(store: ObjectStore): PodStatusWriter {
  const change = (ref: PodRef, edit: (o: StoredObject) => ObjectInput, subresource?: 'status'): void => {
    for (let attempt = 0; attempt < 5; attempt++) {
      let current: StoredObject;
      try {
        current = store.get(PODS, ref.name, ref.namespace);
      } catch (e) {
        if (isStoreError(e, 'NotFound')) return;
        throw e;
      }
      if (!sameUid(current, ref)) return;
      try {
        store.update(edit(current), subresource === undefined ? { fieldValidation: 'Ignore' } : { subresource, fieldValidation: 'Ignore' });
        return;
      } catch (e) {
        if (isStoreError(e, 'NotFound')) return;
        if (!isStoreError(e, 'Conflict')) throw e;
      }
    }
    throw new Error(`pod ${ref.namespace}/${ref.name}: update kept conflicting`);
  };
  return {
    async bind(ref, node) {
      change(ref, (o) => ({ ...o, spec: { ...rec(o.spec), nodeName: node } }) as ObjectInput);
    },
    async writeStatus(ref, report) {
      change(ref, (o) => ({ ...o, status: podStatusJson(report) }) as ObjectInput, 'status');
    },
  };
}
