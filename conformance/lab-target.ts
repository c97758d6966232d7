// The lab as a conformance target: REAL traffic through the real agents and nftables.
// One embedded cluster (two lab nodes, no HTTP) serves every case: sync() brings the
// store to the case's objects (deleting what the case does not have, updating labels
// and policies in place, recreating only pods whose spec changed), waits until the
// kubelet has realized the pods and every agent has applied the store's state, and then
// answers `matrix` with the lab's prober (one connection per cell, all sources in
// parallel) and `flow` with single connections.
// Pods keep the IPs the cases pin (status.podIP): they become the lab.palisade.io/ip
// annotation, so ipBlock cases see the addresses they were written for (the lab routes
// pinned addresses outside a node's pod CIDR with host routes).
// An address endpoint of a `flow` (`192.0.2.10 -> ns/web`, `ns/client -> 198.51.100.9`)
// is an external host of the lab (src/lab/external-hosts.ts): created on first use with
// that address, serving the flow's port when it is the destination, and probed from with
// agnhost connect when it is the source. Every sync removes them first, so a case's pods
// may pin any address and each step starts without hosts.
// SCTP: Node.js has no SCTP sockets, so the lab sends raw INITs (src/lab/sctp/) where it
// can; where it cannot, `sctpSkipReason()` says why and lab.test.ts skips those
// expectations with it (it is false when SCTP is probed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podExec, type Lab } from '../src/lab/topology.ts';
import { addExternalHost, externalHostExec, findExternalHost, removeExternalHost } from '../src/lab/external-hosts.ts';
import { probe } from '../src/lab/probe.ts';
import { sctpSupport } from '../src/lab/sctp.ts';
import { LAB_IP_ANNOTATION } from '../src/lab/kubelet.ts';
import type { EmbeddedCluster } from '../src/main/embedded-cluster.ts';
import { startEmbeddedCluster } from '../src/main/embedded-cluster.ts';
import type { Protocol } from '../src/model/protocol.ts';
import type { ObjectStore } from '../src/store/object-store.ts';
import { DEFAULT_SYSTEM_NAMESPACES } from '../src/store/object-store.ts';
import type { ResourceType } from '../src/store/resource-registry.ts';
import { apiVersionOf } from '../src/store/resource-registry.ts';
import { isStoreError } from '../src/store/store-errors.ts';
import type { ObjectInput, StoredObject } from '../src/store/store-object.ts';
import type { Manifest } from './case.ts';
import { isPodRef } from './case.ts';
import type { FlowAnswer, FlowProbe, MatrixProbe, SyncContext, Target, TargetAnswers } from './target.ts';
import type { TruthTable } from './truth-table.ts';

const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface LabTargetOptions {
  /** Lab nodes; default 2 (so traffic crosses nodes). */
  readonly nodes?: number;
  /** Per connection attempt; default 1000 ms (as the upstream e2e's agnhost connect). */
  readonly timeoutMs?: number;
  /** Source pods probed at once; default 9. */
  readonly concurrency?: number;
}

/** Why SCTP expectations are skipped in the lab, or false when they are probed (raw INITs). */
export function sctpSkipReason(): string | false {
  const s = sctpSupport();
  return s.sockets || s.raw ? false : `SCTP is not probed in the lab: ${s.reason}`;
}

function requireSctpProbe(): void {
  const why = sctpSkipReason();
  if (why !== false) throw new Error(why);
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

interface Desired {
  readonly type: ResourceType;
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace?: string;
}

/** The IPs a case pins for a pod: status.podIPs, then status.podIP. */
function pinnedIps(m: Manifest): string[] {
  const status = rec(m['status']);
  const ips = (Array.isArray(status['podIPs']) ? status['podIPs'] : []).map((e) => String(rec(e)['ip'] ?? '')).filter((ip) => ip !== '');
  const single = status['podIP'];
  if (typeof single === 'string' && single !== '' && !ips.includes(single)) ips.unshift(single);
  return ips;
}

/** What the case wants stored: pods get the lab's IP annotation from their pinned status IP. */
function storedForm(m: Manifest): ObjectInput {
  const meta = rec(m['metadata']);
  if (m['kind'] !== 'Pod') return m as unknown as ObjectInput;
  const v4 = pinnedIps(m).find((ip) => !ip.includes(':'));
  const annotations = { ...(rec(meta['annotations']) as Record<string, string>), ...(v4 === undefined ? {} : { [LAB_IP_ANNOTATION]: v4 }) };
  return { ...m, metadata: { ...meta, annotations } } as unknown as ObjectInput;
}

/** Whether a stored pod is the case's pod (same spec and pinned IP); labels are updated in place. */
function samePod(want: ObjectInput, have: StoredObject): boolean {
  const { nodeName: _n, ...haveSpec } = rec(have.spec);
  const { nodeName: wantNode, ...wantSpec } = rec(want['spec']);
  if (wantNode !== undefined && wantNode !== rec(have.spec)['nodeName']) return false;
  return same(haveSpec, wantSpec) && want.metadata.annotations?.[LAB_IP_ANNOTATION] === have.metadata.annotations?.[LAB_IP_ANNOTATION];
}

function withLabels(o: StoredObject, labels: Record<string, string>): ObjectInput {
  return { ...o, metadata: { ...o.metadata, labels } } as ObjectInput;
}

/** Brings the store to exactly `objects` (besides system namespaces and nodes). */
export function syncStore(store: ObjectStore, objects: readonly Manifest[]): void {
  const desired = new Map<string, Desired>();
  const id = (type: ResourceType, namespace: string | undefined, name: string): string => `${type.resource}/${namespace ?? ''}/${name}`;
  for (const m of objects) {
    const type = store.registry.byKind(String(m['apiVersion']), String(m['kind']));
    if (type === undefined) throw new Error(`the lab's store has no resource for ${String(m['apiVersion'])} ${String(m['kind'])}`);
    const meta = rec(m['metadata']);
    const name = String(meta['name']);
    const namespace = type.namespaced ? String(meta['namespace']) : undefined;
    desired.set(id(type, namespace, name), { type, manifest: m, name, ...(namespace === undefined ? {} : { namespace }) });
  }
  const managed = store.registry.all().filter((t) => t.resource !== 'nodes');
  // Deletions: policies and other namespaced objects first, namespaces last.
  for (const type of [...managed].sort((a, b) => Number(a.resource === 'namespaces') - Number(b.resource === 'namespaces'))) {
    for (const o of store.list(type).items) {
      if (desired.has(id(type, o.metadata.namespace, o.metadata.name))) continue;
      if (type.resource === 'namespaces' && DEFAULT_SYSTEM_NAMESPACES.includes(o.metadata.name)) continue;
      try {
        store.delete(type, o.metadata.name, o.metadata.namespace);
      } catch (e) {
        if (!isStoreError(e, 'NotFound')) throw e; // gone with its namespace
      }
    }
  }
  const order = [...desired.values()].sort((a, b) => Number(b.type.resource === 'namespaces') - Number(a.type.resource === 'namespaces'));
  for (const d of order) {
    const want = storedForm(d.manifest);
    let have: StoredObject | undefined;
    try {
      have = store.get(d.type, d.name, d.namespace);
    } catch (e) {
      if (!isStoreError(e, 'NotFound')) throw e;
    }
    const wantLabels = { ...(want.metadata.labels ?? {}) } as Record<string, string>;
    if (have === undefined) {
      store.create(want);
      continue;
    }
    if (d.type.resource === 'namespaces') {
      const labels = { ...wantLabels, [NS_NAME_LABEL]: d.name };
      if (!same(have.metadata.labels, labels)) store.update(withLabels(have, labels));
    } else if (d.type.resource === 'pods') {
      if (!samePod(want, have)) {
        store.delete(d.type, d.name, d.namespace);
        store.create(want);
      } else if (!same(have.metadata.labels ?? {}, wantLabels)) {
        store.update(withLabels(have, wantLabels));
      }
    } else {
      const { metadata: _wm, status: _ws, ...wantBody } = want as Record<string, unknown>;
      const { metadata: _hm, status: _hs, ...haveBody } = have as Record<string, unknown>;
      if (!same(wantBody, haveBody) || !same(have.metadata.labels ?? {}, wantLabels)) {
        store.update({ ...wantBody, apiVersion: apiVersionOf(d.type), kind: d.type.kind, metadata: { ...have.metadata, labels: wantLabels } } as ObjectInput);
      }
    }
  }
}

/** Container port `name` of a pod manifest → its number, for named-port probes. */
function namedPort(m: Manifest | undefined, name: string, protocol: Protocol): number | undefined {
  for (const c of Array.isArray(rec(m?.['spec'])['containers']) ? (rec(m?.['spec'])['containers'] as unknown[]) : []) {
    for (const p of Array.isArray(rec(c)['ports']) ? (rec(c)['ports'] as unknown[]) : []) {
      const port = rec(p);
      if (port['name'] === name && (port['protocol'] ?? 'TCP') === protocol && typeof port['containerPort'] === 'number') return port['containerPort'];
    }
  }
  return undefined;
}

/** The external host holding `ip`, serving `port/protocol` when given (recreated with it if needed). */
async function ensureExternalHost(lab: Lab, ip: string, serve?: { port: number; protocol: Protocol }): Promise<void> {
  const have = findExternalHost(lab, ip);
  const served = (p: { port: number; protocol: Protocol }): boolean => have?.ports.some((x) => x.port === p.port && x.protocol === p.protocol) === true;
  if (have !== undefined && (serve === undefined || served(serve))) return;
  const ports = [...(have?.ports ?? []), ...(serve === undefined ? [] : [serve])].map((x) => ({ port: x.port, protocol: x.protocol }));
  if (have !== undefined) await removeExternalHost(lab, have.name);
  await addExternalHost(lab, { ip, ports });
}

/** Whether the pod manifest declares container port `port`/`protocol`. */
function declaresPort(m: Manifest | undefined, port: number, protocol: Protocol): boolean {
  for (const c of Array.isArray(rec(m?.['spec'])['containers']) ? (rec(m?.['spec'])['containers'] as unknown[]) : []) {
    for (const p of Array.isArray(rec(c)['ports']) ? (rec(c)['ports'] as unknown[]) : []) {
      if (rec(p)['containerPort'] === port && (rec(p)['protocol'] ?? 'TCP') === protocol) return true;
    }
  }
  return false;
}

class LabAnswers implements TargetAnswers {
  readonly #cluster: EmbeddedCluster;
  readonly #pods: ReadonlyMap<string, Manifest>;
  readonly #o: LabTargetOptions;

  constructor(cluster: EmbeddedCluster, pods: ReadonlyMap<string, Manifest>, o: LabTargetOptions) {
    this.#cluster = cluster;
    this.#pods = pods;
    this.#o = o;
  }

  async matrix(p: MatrixProbe): Promise<TruthTable> {
    const lab = this.#cluster.lab;
    if (lab === undefined) throw new Error('the lab is not running');
    if (p.protocol === 'SCTP') requireSctpProbe();
    // A named port resolves per destination pod; pods without it cannot be reached on it.
    const byPort = new Map<number, string[]>();
    for (const dst of p.pods) {
      const port = typeof p.port === 'number' ? p.port : namedPort(this.#pods.get(dst), p.port, p.protocol);
      if (port === undefined) continue;
      byPort.set(port, [...(byPort.get(port) ?? []), dst]);
    }
    const allowed = new Map<string, boolean>();
    for (const [port, to] of byPort) {
      const r = await probe(lab, {
        from: p.pods, to, port, protocol: p.protocol, timeoutMs: this.#o.timeoutMs ?? 1000, concurrency: this.#o.concurrency ?? 9,
      });
      for (const src of p.pods) for (const dst of to) allowed.set(`${src} ${dst}`, r.allowed[src]?.[dst] === true);
    }
    return { pods: p.pods, cells: p.pods.map((src) => p.pods.map((dst) => allowed.get(`${src} ${dst}`) ?? false)) };
  }

  async flow(p: FlowProbe): Promise<FlowAnswer> {
    const lab = this.#cluster.lab;
    if (lab === undefined) throw new Error('the lab is not running');
    if (p.protocol === 'SCTP') requireSctpProbe();
    // An address source picks the pod's address of its family.
    const v6 = !isPodRef(p.from) && p.from.includes(':');
    if (!isPodRef(p.from)) await ensureExternalHost(lab, p.from);
    let dest = p.to;
    if (isPodRef(p.to)) {
      const pod = lab.pod(p.to);
      if (v6 && pod.ipv6 === undefined) throw new Error(`${p.to} has no IPv6 address to probe from ${p.from}`);
      dest = v6 && pod.ipv6 !== undefined ? pod.ipv6 : pod.ipv4;
    } else {
      await ensureExternalHost(lab, p.to, { port: p.port, protocol: p.protocol });
    }
    const hostPort = dest.includes(':') ? `[${dest}]:${p.port}` : `${dest}:${p.port}`;
    const argv = ['/agnhost', 'connect', hostPort, `--timeout=${Math.ceil((this.#o.timeoutMs ?? 1000) / 1000)}s`, `--protocol=${p.protocol.toLowerCase()}`];
    const r = isPodRef(p.from)
      ? await podExec(lab, p.from, argv, { timeoutMs: 15_000 })
      : await externalHostExec(lab, p.from, argv, { timeoutMs: 15_000 });
    const source = isPodRef(p.from) ? p.from : `external host ${p.from}`;
    const output = (r.stdout + r.stderr).trim();
    // The destination serves the port (an external host always does; a pod when it declares
    // it): a failure other than TIMEOUT (unreachable, refused) is a broken lab, not a drop.
    const served = !isPodRef(p.to) || declaresPort(this.#pods.get(p.to), p.port, p.protocol);
    if (!isPodRef(p.from) || !isPodRef(p.to)) {
      if (r.exitCode !== 0 && served && !output.startsWith('TIMEOUT')) throw new Error(`agnhost connect ${hostPort} from ${source} failed for another reason than a drop: ${output}`);
    }
    return { allowed: r.exitCode === 0, explanation: `agnhost connect ${hostPort} from ${source}: ${(r.stdout + r.stderr).trim() || 'connected'}` };
  }
}

export interface LabTarget extends Target {
  /** Stops the cluster and removes the lab (namespaces, processes, state directory). */
  close(): Promise<void>;
  /** The running cluster (after the first sync). */
  readonly cluster: EmbeddedCluster | undefined;
}

export function labTarget(o: LabTargetOptions = {}): LabTarget {
  let cluster: EmbeddedCluster | undefined;
  let home: string | undefined;
  const ensure = async (): Promise<EmbeddedCluster> => {
    if (cluster !== undefined) return cluster;
    home = mkdtempSync(join(tmpdir(), 'palisade-conformance-lab-'));
    cluster = await startEmbeddedCluster({ home, nodes: o.nodes ?? 2 });
    if (!cluster.enforced) {
      const reasons = cluster.reasons.join('; ');
      await cluster.stop({ destroy: true });
      cluster = undefined;
      throw new Error(`the lab cannot run here: ${reasons}`);
    }
    return cluster;
  };
  return {
    name: 'lab',
    get cluster() { return cluster; },
    async sync(objects: readonly Manifest[], _change, context: SyncContext): Promise<TargetAnswers> {
      const c = await ensure();
      // No host of an earlier step may hold an address this step's pods pin.
      for (const h of [...(c.lab?.externalHosts ?? [])]) if (c.lab !== undefined) await removeExternalHost(c.lab, h.name);
      syncStore(c.store, objects);
      await c.waitForConvergence({ timeoutMs: 60_000 });
      const pods = new Map<string, Manifest>();
      for (const m of objects) {
        if (m['kind'] !== 'Pod') continue;
        const meta = rec(m['metadata']);
        pods.set(`${String(meta['namespace'])}/${String(meta['name'])}`, m);
      }
      const failures = [...(c.kubelet?.failures() ?? new Map<string, string>())].filter(([k]) => pods.has(k));
      if (failures.length > 0) {
        throw new Error(`${context.caseName} @ step ${context.step}: pods not running in the lab: ${failures.map(([k, why]) => `${k}: ${why}`).join('; ')}`);
      }
      return new LabAnswers(c, pods, o);
    },
    async close() {
      const c = cluster;
      cluster = undefined;
      if (c !== undefined) await c.stop({ destroy: true });
      if (home !== undefined) rmSync(home, { recursive: true, force: true });
    },
  };
}
