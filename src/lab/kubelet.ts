// The lab's kubelet and scheduler: keeps the lab's pods equal to the cluster's pods.
// It hears of pods through a PodFeed (main/ wires it to the store), schedules a pod
// without a node to the lab node with the fewest pods (ties by name), creates it in the
// lab (addPod: pinned or allocated IP, its container ports served, an agnhost command run
// as agnhost) and reports it through a PodStatusWriter as a kubelet would (Running, IPs,
// host IP, ready). Deleted pods leave the lab. Pod specs are immutable in Kubernetes, so a
// pod whose lab twin differs (other uid, ports, command, node) is recreated.
// Work is serialized per pod and bounded overall; failures are reported in the pod's
// status (Pending, with the reason) and retried with backoff.
import type { Protocol } from '../model/protocol.ts';
import { addPod, podIps, removePod, type Lab, type PodPortSpec } from './topology.ts';
import type { LabNodeState, LabPodState } from './lab-state.ts';
import { processStartTime } from './processes.ts';
import { LabError } from './errors.ts';
import { sameList } from '../model/same-list.ts';

/** Annotation that pins a pod's IPv4 address in the lab (reproducible scenarios). */
export const LAB_IP_ANNOTATION = 'lab.palisade.io/ip';

export interface KubeletContainer {
  readonly name: string;
  readonly image: string;
  /** `command` then `args`, as the container runtime would join them; empty: the image's entrypoint. */
  readonly argv: readonly string[];
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol; readonly name?: string }[];
}

/** What the kubelet observed of a pod's stored status, to write only when it changes. */
export interface ObservedPodStatus {
  readonly phase?: string;
  readonly podIPs: readonly string[];
  readonly hostIP?: string;
  readonly startTime?: string;
  readonly ready: boolean;
}

/** A pod as the kubelet needs it (main/ converts API objects at the edge). */
export interface KubeletPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  /** From the lab.palisade.io/ip annotation: must be honoured. */
  readonly pinnedIp?: string;
  readonly containers: readonly KubeletContainer[];
  readonly status: ObservedPodStatus;
}

export interface PodFeedHandler {
  /** The complete current list (at start, and after a relist). */
  replace(pods: readonly KubeletPod[]): void;
  upsert(pod: KubeletPod): void;
  remove(namespace: string, name: string): void;
}

export interface PodFeed {
  start(handler: PodFeedHandler): { stop(): void };
}

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface ContainerStatusReport {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  /** Running since (ms); absent while waiting. */
  readonly startedAt?: number;
  readonly waitingReason?: string;
  readonly message?: string;
}

export interface PodStatusReport {
  readonly phase: 'Pending' | 'Running';
  readonly podIPs: readonly string[];
  readonly hostIP?: string;
  readonly startTime: number;
  readonly ready: boolean;
  readonly reason?: string;
  readonly message?: string;
  readonly containers: readonly ContainerStatusReport[];
}

/** Where the kubelet's decisions go (main/: the store's update and status paths). */
export interface PodStatusWriter {
  /** Sets spec.nodeName (the scheduler's binding). */
  bind(pod: PodRef, node: string): Promise<void>;
  writeStatus(pod: PodRef, status: PodStatusReport): Promise<void>;
}

/** The subset of a pino logger the kubelet writes to. */
export interface KubeletLogger {
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
}

export interface KubeletOptions {
  readonly lab: Lab;
  readonly feed: PodFeed;
  readonly writer: PodStatusWriter;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly logger?: KubeletLogger;
  /** Lab operations at once; default 8. */
  readonly concurrency?: number;
  /** First retry delay after a failure (doubles, capped at 30 s); default 500 ms. */
  readonly retryBaseMs?: number;
}

export interface Kubelet {
  /** Resolves when every known pod is realized (or failed and waiting for a retry) and reported. */
  idle(): Promise<void>;
  /** Pods that failed their last attempt, with the reason. */
  failures(): ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const AGNHOST = new Set(['agnhost', '/agnhost']);

/**
 * The lab process of a pod: a single container running an agnhost subcommand runs our
 * agnhost; otherwise (several containers, bash, an image entrypoint) the pod serves its
 * declared ports itself (command absent), which is all a probe can observe of it.
 */
export function labCommand(containers: readonly KubeletContainer[]): readonly string[] | undefined {
  if (containers.length !== 1) return undefined;
  const argv = containers[0]?.argv ?? [];
  return argv.length > 1 && AGNHOST.has(argv[0] ?? '') ? argv : undefined;
}

/** Declared ports of all containers, each (port, protocol) once. */
export function labPorts(containers: readonly KubeletContainer[]): PodPortSpec[] {
  const seen = new Set<string>();
  const out: PodPortSpec[] = [];
  for (const c of containers) {
    for (const p of c.ports) {
      const k = `${p.port}/${p.protocol}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ port: p.port, protocol: p.protocol, ...(p.name === undefined ? {} : { name: p.name }) });
    }
  }
  return out;
}

/** The node with the fewest pods bound to it, ties broken by name. */
export function chooseNode(nodes: readonly string[], boundCounts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (const n of [...nodes].sort()) {
    if (best === undefined || (boundCounts.get(n) ?? 0) < (boundCounts.get(best) ?? 0)) best = n;
  }
  return best;
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}


interface Realized {
  readonly uid: string;
  readonly startTime: number;
}

export function startKubelet(o: KubeletOptions): Kubelet {
  const { lab, writer } = o;
  const desired = new Map<string, KubeletPod>();
  /** Which store pod (uid) each lab pod belongs to, and since when it runs. */
  const realized = new Map<string, Realized>();
  const failed = new Map<string, string>();
  const attempts = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per-pod chain of work, so one pod's operations never overlap. */
  const chains = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  let pending = 0;
  let idleWaiters: Array<() => void> = [];
  let slots = o.concurrency ?? 8;
  const queue: Array<() => void> = [];
  let stopped = false;
  let synced = false;

  const acquire = (): Promise<void> => {
    if (slots > 0) { slots--; return Promise.resolve(); }
    return new Promise((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next !== undefined) next();
    else slots++;
  };
  const checkIdle = (): void => {
    if (pending !== 0 || !synced) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };

  const nodeOf = (name: string): LabNodeState | undefined => lab.nodes.find((n) => n.name === name);

  /** Pods bound per node (desired pods with a node, plus lab pods not yet in the store's view). */
  const boundCounts = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const p of desired.values()) if (p.nodeName !== undefined) counts.set(p.nodeName, (counts.get(p.nodeName) ?? 0) + 1);
    return counts;
  };

  const processAlive = (p: LabPodState): boolean => p.process === undefined || processStartTime(p.process.pid) === p.process.startTime;

  /** Whether the lab's pod is this store pod as it is now; a restarted kubelet adopts by spec. */
  const matches = (want: KubeletPod, have: LabPodState): boolean => {
    const r = realized.get(have.key);
    if (r !== undefined && r.uid !== want.uid) return false;
    if (r === undefined && !want.status.podIPs.includes(have.ipv4)) return false;
    if (want.nodeName !== have.node) return false;
    if (want.pinnedIp !== undefined && want.pinnedIp !== have.ipv4) return false;
    const cmd = labCommand(want.containers);
    if (!sameList(cmd ?? [], have.command ?? [])) return false;
    const ports = labPorts(want.containers);
    const same = ports.length === have.ports.length
      && ports.every((p, i) => p.port === have.ports[i]?.port && (p.protocol ?? 'TCP') === have.ports[i]?.protocol);
    return same && processAlive(have);
  };

  const report = async (pod: KubeletPod, status: PodStatusReport): Promise<void> => {
    const s = pod.status;
    const unchanged = s.phase === status.phase && sameList(s.podIPs, status.podIPs) && s.hostIP === status.hostIP
      && s.ready === status.ready && s.startTime !== undefined;
    if (unchanged) return;
    await writer.writeStatus(pod, status);
  };

  const running = (pod: KubeletPod, ips: readonly string[], hostIP: string | undefined, started: number): PodStatusReport => ({
    phase: 'Running', podIPs: ips, ...(hostIP === undefined ? {} : { hostIP }), startTime: started, ready: true,
    containers: pod.containers.map((c) => ({ name: c.name, image: c.image, ready: true, startedAt: started })),
  });

  /**
   * Frees `ip` when a pod the cluster no longer has still holds it (one pod deleted and
   * another created with the same pinned address in one sync: the passes of different
   * pods run concurrently, so the create may come first). True when it freed the address.
   */
  const freeStaleHolder = async (ip: string, self: string): Promise<boolean> => {
    const holder = lab.pods.find((p) => p.key !== self && (p.ipv4 === ip || p.ipv6 === ip));
    if (holder === undefined || desired.has(holder.key)) return false;
    try {
      await removePod(lab, holder.key);
    } catch {
      // Its own pass removed it meanwhile.
    }
    realized.delete(holder.key);
    o.logger?.info({ pod: holder.key, ip, for: self }, 'pod removed from the lab to free its address');
    return !lab.pods.some((p) => p.ipv4 === ip || p.ipv6 === ip);
  };

  const reconcile = async (k: string): Promise<void> => {
    const want = desired.get(k);
    const have = lab.pods.find((p) => p.key === k);
    if (want === undefined) {
      if (have !== undefined) {
        await removePod(lab, k);
        o.logger?.info({ pod: k }, 'pod removed from the lab');
      }
      realized.delete(k);
      failed.delete(k);
      attempts.delete(k);
      return;
    }
    let nodeName = want.nodeName;
    if (nodeName === undefined) {
      nodeName = chooseNode(lab.nodes.map((n) => n.name), boundCounts());
      if (nodeName === undefined) throw new LabError('not-found', 'the lab has no nodes');
      // Our view at once, before the store's event arrives: the next pod sees this one's load.
      desired.set(k, { ...want, nodeName });
      await writer.bind(want, nodeName);
      o.logger?.info({ pod: k, node: nodeName }, 'pod scheduled');
      return reconcile(k);
    }
    const node = nodeOf(nodeName);
    if (node === undefined) {
      throw new LabError('not-found', `node ${JSON.stringify(nodeName)} is not a lab node (nodes: ${lab.nodes.map((n) => n.name).join(', ')})`);
    }
    if (want.hostNetwork) {
      // Host-network pods share the node's namespace: nothing to create, the node's addresses are theirs.
      if (have !== undefined) await removePod(lab, k);
      const r = realized.get(k) ?? { uid: want.uid, startTime: o.now() };
      realized.set(k, r);
      await report(want, running(want, [node.ipv4, ...(node.ipv6 === undefined ? [] : [node.ipv6])], node.ipv4, r.startTime));
      return;
    }
    let current = have;
    if (current !== undefined && !matches(want, current)) {
      await removePod(lab, k);
      realized.delete(k);
      current = undefined;
    }
    if (current === undefined) {
      const command = labCommand(want.containers);
      const base = { namespace: want.namespace, name: want.name, node: nodeName, ports: labPorts(want.containers), ...(command === undefined ? {} : { command }) };
      // Keep the address the pod had (a restart) unless the annotation pins another.
      const statusIp = want.status.podIPs.find((ip) => !ip.includes(':'));
      const statusIp6 = want.status.podIPs.find((ip) => ip.includes(':'));
      const pin = want.pinnedIp ?? statusIp;
      const spec = { ...base, ...(pin === undefined ? {} : { ip: pin }), ...(statusIp6 !== undefined && node.podCidrV6 !== undefined ? { ipv6: statusIp6 } : {}) };
      try {
        current = await addPod(lab, spec);
      } catch (e) {
        if (!(e instanceof LabError) || e.code !== 'conflict' || pin === undefined) throw e;
        if (await freeStaleHolder(pin, k)) current = await addPod(lab, spec);
        // An address kept from the status may be taken by now: a fresh one is fine then.
        else if (want.pinnedIp === undefined) current = await addPod(lab, base);
        else throw e;
      }
      realized.set(k, { uid: want.uid, startTime: o.now() });
      o.logger?.info({ pod: k, node: nodeName, ip: current.ipv4 }, 'pod started in the lab');
    } else if (!realized.has(k)) {
      realized.set(k, { uid: want.uid, startTime: Date.parse(want.status.startTime ?? '') || o.now() });
    }
    const r = realized.get(k) ?? { uid: want.uid, startTime: o.now() };
    await report(want, running(want, podIps(current), node.ipv4, r.startTime));
    failed.delete(k);
    attempts.delete(k);
  };

  const fail = async (k: string, err: unknown): Promise<void> => {
    const message = err instanceof Error ? err.message : String(err);
    failed.set(k, message);
    const n = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, n);
    const delay = Math.min(30_000, (o.retryBaseMs ?? 500) * 2 ** Math.min(n - 1, 10));
    o.logger?.warn({ pod: k, error: message, retryInMs: delay }, 'pod could not be started in the lab');
    const want = desired.get(k);
    if (want !== undefined) {
      const status: PodStatusReport = {
        phase: 'Pending', podIPs: [], startTime: o.now(), ready: false, reason: 'LabError', message,
        containers: want.containers.map((c) => ({ name: c.name, image: c.image, ready: false, waitingReason: 'CreateContainerError', message })),
      };
      if (want.status.phase !== 'Pending' || want.status.ready) await writer.writeStatus(want, status).catch(() => undefined);
    }
    if (!stopped && !timers.has(k)) {
      timers.set(k, setTimeout(() => { timers.delete(k); schedule(k); }, delay));
    }
  };

  const schedule = (k: string): void => {
    if (stopped) return;
    if (dirty.has(k)) return; // a pass is already queued and will see the latest state
    dirty.add(k);
    pending++;
    const prev = chains.get(k) ?? Promise.resolve();
    const next = prev.then(async () => {
      dirty.delete(k);
      if (stopped) return;
      await acquire();
      try {
        await reconcile(k);
      } catch (e) {
        await fail(k, e);
      } finally {
        release();
      }
    }).finally(() => {
      pending--;
      if (chains.get(k) === next) chains.delete(k);
      checkIdle();
    });
    chains.set(k, next);
  };

  const subscription = o.feed.start({
    replace(pods) {
      const keys = new Set<string>();
      for (const p of pods) {
        const k = key(p.namespace, p.name);
        keys.add(k);
        desired.set(k, p);
      }
      for (const k of [...desired.keys()]) if (!keys.has(k)) desired.delete(k);
      // Lab pods the cluster no longer has (deleted while we were away) go too.
      for (const k of new Set([...keys, ...lab.pods.map((p) => p.key), ...realized.keys()])) schedule(k);
      synced = true;
      checkIdle();
    },
    upsert(pod) {
      const k = key(pod.namespace, pod.name);
      const before = desired.get(k);
      // Our own binding is newer than a stale event without a node.
      const merged = pod.nodeName === undefined && before?.nodeName !== undefined && before.uid === pod.uid ? { ...pod, nodeName: before.nodeName } : pod;
      desired.set(k, merged);
      schedule(k);
    },
    remove(namespace, name) {
      const k = key(namespace, name);
      desired.delete(k);
      schedule(k);
    },
  });

  return {
    idle() {
      if (pending === 0 && synced) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    failures() {
      return new Map(failed);
    },
    async stop() {
      stopped = true;
      subscription.stop();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.all([...chains.values()].map((c) => c.catch(() => undefined)));
      checkIdle();
    },
  };
}
