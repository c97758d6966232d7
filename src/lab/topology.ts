// The lab cluster: nodes and pods as network namespaces, routed like Calico.
//   fabric netns: one bridge; node i has a veth `fab0` into it with the node's address.
//   node netns:   forwarding on, 169.254.1.1 on lo, proxy ARP on pod veths, a /32 (/128)
//                 route per local pod, other nodes' pod CIDRs via their fabric address.
//   pod netns:    `eth0` (peer of the node's veth), its IP(s) as /32 (/128), default
//                 route via 169.254.1.1 / fe80::ecee:eeff:feee:eeee; its server process.
// Hosts outside the cluster (external-hosts.ts) are more namespaces on the fabric; pod
// churn keeps their routes to the pods (external-routes.ts).
// No link reaches the host's namespace, no node has a default route: lab traffic cannot
// leave the lab. Every name starts with the lab's prefix `pl-<id>-`, and lab.json records
// each namespace before it is created, so destroyLab() removes exactly this lab's things.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, rmdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCidr } from '../model/ip.ts';
import { isProtocol, type Protocol } from '../model/protocol.ts';
import {
  DEFAULT_NODE_CIDR_V4, DEFAULT_NODE_CIDR_V6, DEFAULT_POD_CIDR_V4, DEFAULT_POD_CIDR_V6, NODE_VETH_MAC, POD_GATEWAY_V4, POD_GATEWAY_V6,
  allocate, checkPinned, contains, hostAddress, hostRoute, mustCidr, subnet,
} from './addressing.ts';
import { LabError } from './errors.ts';
import { run, runRaw, type RunResult } from './exec.ts';
import { addNetns, deleteNetns, ipBatch, labSupport, listNetns, netnsExecArgv, netnsPids, sysctlIn } from './netns.ts';
import { killRecorded, processStartTime, recordedProcesses, spawnInNetns, waitGone } from './processes.ts';
import { LOG_DIR, PID_DIR, STATE_FILE, readState, writeState, type LabExternalHostState, type LabNodeState, type LabPodState, type LabPortState, type LabProcessState, type LabState } from './lab-state.ts';
import { sctpSupport } from './sctp.ts';
import { sctpResponderArgv } from './sctp/raw-sctp.ts';
import { podRouteLines, podRouteTargets } from './external-routes.ts';

export const AGNHOST_PATH = fileURLToPath(new URL('./agnhost/agnhost.ts', import.meta.url));

/** agnhost subcommands that serve until killed: the lab waits until they listen. */
const AGNHOST_SERVERS = new Set(['serve-hostname', 'netexec', 'serve-ports']);

export interface CreateLabOptions {
  /** Directory for lab.json, pidfiles and logs; also what destroyLab() takes. */
  readonly stateDir: string;
  /** 6 lowercase hex digits; random when absent. */
  readonly id?: string;
  /** Number of nodes, default 1. */
  readonly nodes?: number;
  /** Cluster pod range; node i gets its i-th /nodeMaskV4 subnet. Default 10.240.0.0/12. */
  readonly podCidrV4?: string;
  /** Cluster IPv6 pod range (default fd00:10:240::/48), or false for IPv4-only pods. */
  readonly podCidrV6?: string | false;
  readonly nodeMaskV4?: number;
  readonly nodeMaskV6?: number;
  /** Addresses of the nodes on the fabric link. */
  readonly nodeCidrV4?: string;
  readonly nodeCidrV6?: string;
}

export interface PodPortSpec {
  readonly port: number;
  /** Default TCP, as in Kubernetes. */
  readonly protocol?: Protocol;
  readonly name?: string;
}

export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  /** Node name; default: the node with the fewest pods. */
  readonly node?: string;
  /** Pinned IPv4 (annotation lab.palisade.io/ip); default: next free in the node's pod CIDR. */
  readonly ip?: string;
  /** Pinned IPv6; default: next free in the node's IPv6 pod CIDR (dual-stack labs). */
  readonly ipv6?: string;
  readonly ports?: readonly PodPortSpec[];
  /**
   * Container command + args. `agnhost …` / `/agnhost …` runs the lab's agnhost; anything
   * else runs as given inside the pod's namespace. Absent: serve every declared port.
   */
  readonly command?: readonly string[];
}

/** A lab held by this process; its state is saved on every change. */
export class Lab {
  readonly stateDir: string;
  #state: LabState;

  constructor(stateDir: string, state: LabState) {
    this.stateDir = stateDir;
    this.#state = state;
  }

  get state(): LabState {
    return this.#state;
  }

  get id(): string {
    return this.#state.id;
  }

  get prefix(): string {
    return this.#state.prefix;
  }

  get nodes(): readonly LabNodeState[] {
    return this.#state.nodes;
  }

  get pods(): readonly LabPodState[] {
    return this.#state.pods;
  }

  get externalHosts(): readonly LabExternalHostState[] {
    return this.#state.externalHosts ?? [];
  }

  pod(key: string): LabPodState {
    const p = this.#state.pods.find((x) => x.key === key);
    if (p === undefined) throw new LabError('not-found', `pod ${key} not found in lab ${this.#state.id}`);
    return p;
  }

  /** Applies `change` and saves the state synchronously (so callers can't interleave). */
  commit(change: (s: LabState) => LabState): LabState {
    this.#state = change(this.#state);
    writeState(this.stateDir, this.#state);
    return this.#state;
  }
}

const ID = /^[0-9a-f]{6}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

async function requireSupport(): Promise<void> {
  const s = await labSupport();
  if (!s.ok) throw new LabError('unsupported', `the lab cannot run here: ${s.reasons.join('; ')}`);
}

/** Creates the fabric and the nodes; on any failure removes what it made, then throws. */
export async function createLab(o: CreateLabOptions): Promise<Lab> {
  await requireSupport();
  if (readState(o.stateDir) !== undefined) {
    throw new LabError('conflict', `${o.stateDir} already holds a lab; destroy it first`);
  }
  const count = o.nodes ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new LabError('invalid-argument', `nodes: ${count}: want 1..250`);
  if (o.id !== undefined && !ID.test(o.id)) throw new LabError('invalid-argument', `id: ${JSON.stringify(o.id)}: want 6 lowercase hex digits`);

  const existing = await listNetns();
  let id = o.id ?? randomBytes(3).toString('hex');
  const taken = (candidate: string): boolean => existing.some((n) => n.startsWith(`pl-${candidate}-`));
  if (taken(id)) {
    if (o.id !== undefined) throw new LabError('conflict', `lab id ${id} is in use (namespaces pl-${id}-* exist)`);
    while (taken(id)) id = randomBytes(3).toString('hex');
  }
  const prefix = `pl-${id}-`;

  const podV4 = mustCidr(o.podCidrV4 ?? DEFAULT_POD_CIDR_V4, 4, 'podCidrV4');
  const podV6 = o.podCidrV6 === false ? undefined : mustCidr(o.podCidrV6 ?? DEFAULT_POD_CIDR_V6, 6, 'podCidrV6');
  const nodeV4 = mustCidr(o.nodeCidrV4 ?? DEFAULT_NODE_CIDR_V4, 4, 'nodeCidrV4');
  const nodeV6 = podV6 === undefined ? undefined : mustCidr(o.nodeCidrV6 ?? DEFAULT_NODE_CIDR_V6, 6, 'nodeCidrV6');
  const nodes: LabNodeState[] = [];
  for (let i = 0; i < count; i++) {
    const v6 = podV6 === undefined ? undefined : formatCidr(subnet(podV6, o.nodeMaskV6 ?? 64, i, 'podCidrV6'));
    nodes.push({
      name: `node-${i}`,
      netns: `${prefix}n${i}`,
      ipv4: hostAddress(subnet(nodeV4, nodeV4.prefix, 0, 'nodeCidrV4'), i + 1),
      ...(nodeV6 === undefined ? {} : { ipv6: hostAddress(nodeV6, i + 1) }),
      podCidrV4: formatCidr(subnet(podV4, o.nodeMaskV4 ?? 24, i, 'podCidrV4')),
      ...(v6 === undefined ? {} : { podCidrV6: v6 }),
    });
  }
  if (BigInt(count + 1) >= 1n << BigInt(32 - nodeV4.prefix)) throw new LabError('invalid-argument', `nodeCidrV4 ${formatCidr(nodeV4)} is too small for ${count} nodes`);

  const fabric = `${prefix}fab`;
  const state: LabState = {
    version: 1, id, prefix, createdAt: new Date().toISOString(), creatorPid: process.pid, fabric,
    nodeCidrV4: formatCidr(nodeV4), ...(nodeV6 === undefined ? {} : { nodeCidrV6: formatCidr(nodeV6) }),
    podCidrV4: formatCidr(podV4), ...(podV6 === undefined ? {} : { podCidrV6: formatCidr(podV6) }),
    netns: [fabric, ...nodes.map((n) => n.netns)], nodes, pods: [], nextPod: 0,
  };
  // Recorded before anything exists, so a crash from here on is cleaned up by destroyLab.
  writeState(o.stateDir, state);
  const lab = new Lab(o.stateDir, state);
  try {
    await buildNodes(lab);
  } catch (e) {
    await destroyLab(o.stateDir);
    throw e;
  }
  return lab;
}

/** The bridge inside the fabric namespace that every node (and external host) plugs into. */
export function fabricBridge(prefix: string): string {
  return `${prefix}br`;
}

async function buildNodes(lab: Lab): Promise<void> {
  const { fabric, prefix, nodes, nodeCidrV4, nodeCidrV6 } = lab.state;
  const bridge = fabricBridge(prefix);
  await addNetns(fabric);
  // The fabric stands for the switches between nodes, which do not filter. With the
  // kernel's bridge netfilter (br_netfilter) loaded, every bridged packet would also walk
  // the fabric namespace's IP hooks (about 2.5 µs per connection measured across nodes);
  // switch that off there when the knobs exist (they do only while br_netfilter is loaded).
  await run('ip', ['netns', 'exec', fabric, 'sh', '-c', 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do [ -e "$f" ] && echo 0 > "$f"; done; true']);
  await Promise.all(nodes.map(async (n) => {
    await addNetns(n.netns);
    await sysctlIn(n.netns, {
      'net.ipv4.ip_forward': 1,
      // Pod veths inherit `default`: proxy ARP lets the node answer for 169.254.1.1.
      'net.ipv4.conf.default.proxy_arp': 1,
      'net.ipv4.conf.all.rp_filter': 0,
      'net.ipv4.conf.default.rp_filter': 0,
      'net.ipv6.conf.all.forwarding': 1,
      // No duplicate address detection: lab addresses are unique by construction, and DAD
      // would leave them unusable ("tentative") for a second or more.
      'net.ipv6.conf.all.accept_dad': 0,
      'net.ipv6.conf.default.accept_dad': 0,
    });
  }));
  await ipBatch(fabric, [
    'link set lo up',
    `link add ${bridge} type bridge`,
    `link set ${bridge} up`,
    ...nodes.flatMap((n, i) => [
      `link add ${prefix}n${i} type veth peer name fab0 netns ${n.netns}`,
      `link set ${prefix}n${i} master ${bridge}`,
      `link set ${prefix}n${i} up`,
    ]),
  ]);
  const v4len = nodeCidrV4.split('/')[1];
  const v6len = nodeCidrV6?.split('/')[1];
  await Promise.all(nodes.map((n) => ipBatch(n.netns, [
    'link set lo up',
    `addr add ${POD_GATEWAY_V4}/32 dev lo`,
    'link set fab0 up',
    `addr add ${n.ipv4}/${v4len} dev fab0`,
    ...(n.ipv6 === undefined ? [] : [`addr add ${n.ipv6}/${v6len} dev fab0 nodad`]),
    ...nodes.filter((m) => m !== n).flatMap((m) => [
      `route add ${m.podCidrV4} via ${m.ipv4} dev fab0`,
      ...(m.podCidrV6 === undefined || m.ipv6 === undefined ? [] : [`route add ${m.podCidrV6} via ${m.ipv6} dev fab0`]),
    ]),
  ])));
}

/** Opens a lab created by another process (or an earlier run) from its state directory. */
export function openLab(stateDir: string): Lab {
  const state = readState(stateDir);
  if (state === undefined) throw new LabError('not-found', `no lab in ${stateDir}`);
  return new Lab(stateDir, state);
}

/** Checks declared ports (`what` names their owner in errors); protocol defaults to TCP. */
export function normalizePorts(what: string, ports: readonly PodPortSpec[] | undefined): LabPortState[] {
  const seen = new Set<string>();
  return (ports ?? []).map((p, i) => {
    const protocol = p.protocol ?? 'TCP';
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new LabError('invalid-argument', `${what}: ports[${i}].port: ${p.port}: want 1..65535`);
    if (!isProtocol(protocol)) throw new LabError('invalid-argument', `${what}: ports[${i}].protocol: ${String(protocol)}: want TCP, UDP or SCTP`);
    const k = `${p.port}/${protocol}`;
    if (seen.has(k)) throw new LabError('invalid-argument', `${what}: ports[${i}]: ${k} declared twice`);
    seen.add(k);
    return { port: p.port, protocol, ...(p.name === undefined ? {} : { name: p.name }) };
  });
}

function chooseNode(lab: Lab, wanted: string | undefined): LabNodeState {
  if (wanted !== undefined) {
    const n = lab.nodes.find((x) => x.name === wanted);
    if (n === undefined) throw new LabError('not-found', `node ${wanted} not found (nodes: ${lab.nodes.map((x) => x.name).join(', ')})`);
    return n;
  }
  const load = (n: LabNodeState): number => lab.pods.filter((p) => p.node === n.name).length;
  let best = lab.nodes[0];
  for (const n of lab.nodes) if (best === undefined || load(n) < load(best)) best = n;
  if (best === undefined) throw new LabError('not-found', 'the lab has no nodes');
  return best;
}

/** The argv (after `ip netns exec NS`) and readiness of a pod's main process; undefined: none. */
function podProcess(pod: LabPodState): { command: string; args: string[]; waitReady: boolean } | undefined {
  const cmd = pod.command;
  if (cmd === undefined || cmd.length === 0) {
    if (pod.ports.length === 0) return undefined;
    return { command: process.execPath, args: [AGNHOST_PATH, 'serve-ports', ...pod.ports.map((p) => `${p.port}/${p.protocol}`)], waitReady: true };
  }
  return resolveCommand(cmd);
}

export function resolveCommand(argv: readonly string[]): { command: string; args: string[]; waitReady: boolean } {
  const [first, ...rest] = argv;
  if (first === 'agnhost' || first === '/agnhost') {
    return { command: process.execPath, args: [AGNHOST_PATH, ...rest], waitReady: AGNHOST_SERVERS.has(rest[0] ?? '') };
  }
  if (first === undefined || first === '') throw new LabError('invalid-argument', 'empty command');
  return { command: first, args: rest, waitReady: false };
}

/** Creates the pod's namespace, wires it to its node, starts its server; returns its state. */
export async function addPod(lab: Lab, spec: PodSpec): Promise<LabPodState> {
  if (!DNS_NAME.test(spec.namespace)) throw new LabError('invalid-argument', `namespace ${JSON.stringify(spec.namespace)}: not a DNS-1123 name`);
  if (!DNS_NAME.test(spec.name)) throw new LabError('invalid-argument', `pod name ${JSON.stringify(spec.name)}: not a DNS-1123 name`);
  const key = `${spec.namespace}/${spec.name}`;
  if (lab.pods.some((p) => p.key === key)) throw new LabError('conflict', `pod ${key} already exists`);
  const ports = normalizePorts(`pod ${key}`, spec.ports);
  const node = chooseNode(lab, spec.node);
  const nodeNetV4 = mustCidr(lab.state.nodeCidrV4, 4, 'nodeCidrV4');
  const nodeNetV6 = lab.state.nodeCidrV6 === undefined ? undefined : mustCidr(lab.state.nodeCidrV6, 6, 'nodeCidrV6');
  const used = new Set(lab.pods.flatMap((p) => (p.ipv6 === undefined ? [p.ipv4] : [p.ipv4, p.ipv6])));
  const ipv4 = spec.ip === undefined ? allocate(mustCidr(node.podCidrV4, 4, 'podCidrV4'), used) : checkPinned(spec.ip, 4, nodeNetV4, `pod ${key}: ip`);
  let ipv6: string | undefined;
  if (spec.ipv6 !== undefined) {
    if (node.podCidrV6 === undefined) throw new LabError('invalid-argument', `pod ${key}: ipv6 given but the lab is IPv4-only`);
    ipv6 = checkPinned(spec.ipv6, 6, nodeNetV6, `pod ${key}: ipv6`);
  } else if (node.podCidrV6 !== undefined) {
    ipv6 = allocate(mustCidr(node.podCidrV6, 6, 'podCidrV6'), used);
  }
  for (const ip of [ipv4, ipv6]) {
    if (ip !== undefined && used.has(ip)) throw new LabError('conflict', `pod ${key}: ${ip} is already used by pod ${lab.pods.find((p) => p.ipv4 === ip || p.ipv6 === ip)?.key}`);
    const ext = lab.externalHosts.find((h) => h.ips.includes(ip ?? ''));
    if (ext !== undefined) throw new LabError('conflict', `pod ${key}: ${ip} is held by external host ${ext.name}`);
  }
  const outside = (ip: string | undefined, cidr: string | undefined): boolean => ip !== undefined && cidr !== undefined && !contains(cidr, ip);
  const needsExtraRoutes = outside(ipv4, node.podCidrV4) || outside(ipv6, node.podCidrV6);
  const sctp = sctpSupport();
  const sctpPorts = ports.filter((p) => p.protocol === 'SCTP').map((p) => p.port);
  const warnings = sctpPorts.map((p) => (sctp.raw ? `${p}/SCTP is answered by raw packets: ${sctp.reason}` : `${p}/SCTP is not served: ${sctp.reason}`));

  const netns = `${lab.prefix}p${lab.state.nextPod.toString(36)}`;
  if (netns.length > 15) throw new LabError('conflict', `lab ${lab.id} ran out of pod interface names`);
  const pod: LabPodState = {
    key, namespace: spec.namespace, name: spec.name, node: node.name, netns, hostVeth: netns, ipv4,
    ...(ipv6 === undefined ? {} : { ipv6 }), ports, ...(spec.command === undefined ? {} : { command: [...spec.command] }),
    extraRoutesOn: needsExtraRoutes ? lab.nodes.filter((n) => n.name !== node.name).map((n) => n.name) : [], warnings,
  };
  // Intent first (synchronously, with the allocation), so parallel addPods never share an
  // address and a crash mid-way leaves a record destroyLab can clean up.
  lab.commit((s) => ({ ...s, nextPod: s.nextPod + 1, netns: [...s.netns, netns], pods: [...s.pods, pod] }));
  try {
    await wirePod(lab, pod, node);
    if (sctp.raw && sctpPorts.length > 0) {
      // A second process of the pod, found again by its pidfile (and by its namespace).
      const [command, args] = sctpResponderArgv(sctpPorts);
      await spawnInNetns({ stateDir: lab.stateDir, name: sctpResponderName(pod), netns, command, args, waitReady: true, env: {} });
    }
    const proc = podProcess(pod);
    if (proc === undefined) return pod;
    const record = await spawnInNetns({
      stateDir: lab.stateDir, name: netns, netns, command: proc.command, args: proc.args, waitReady: proc.waitReady,
      env: { PALISADE_HOSTNAME: spec.name, PALISADE_POD: key, PALISADE_LAB_ID: lab.id },
    });
    const withProcess: LabPodState = { ...pod, process: record };
    lab.commit((s) => ({ ...s, pods: s.pods.map((p) => (p.key === key ? withProcess : p)) }));
    return withProcess;
  } catch (e) {
    await removePod(lab, key).catch(() => undefined);
    throw e;
  }
}

async function wirePod(lab: Lab, pod: LabPodState, node: LabNodeState): Promise<void> {
  await addNetns(pod.netns);
  if (pod.ipv6 !== undefined) await sysctlIn(pod.netns, { 'net.ipv6.conf.all.accept_dad': 0, 'net.ipv6.conf.default.accept_dad': 0 });
  await ipBatch(node.netns, [
    `link add ${pod.hostVeth} address ${NODE_VETH_MAC} type veth peer name eth0 netns ${pod.netns}`,
    `link set ${pod.hostVeth} up`,
    `route add ${hostRoute(pod.ipv4)} dev ${pod.hostVeth}`,
    ...(pod.ipv6 === undefined ? [] : [`route add ${hostRoute(pod.ipv6)} dev ${pod.hostVeth}`]),
  ]);
  await ipBatch(pod.netns, [
    'link set lo up',
    'link set eth0 up',
    `addr add ${pod.ipv4}/32 dev eth0`,
    `route add ${POD_GATEWAY_V4} dev eth0 scope link`,
    `route add default via ${POD_GATEWAY_V4} dev eth0`,
    ...(pod.ipv6 === undefined ? [] : [`addr add ${pod.ipv6}/128 dev eth0 nodad`, `route add default via ${POD_GATEWAY_V6} dev eth0`]),
  ]);
  // A pinned address outside the node's pod CIDR: every other node needs a host route.
  await Promise.all(pod.extraRoutesOn.map((name) => {
    const other = lab.nodes.find((n) => n.name === name);
    if (other === undefined) return Promise.resolve();
    return ipBatch(other.netns, [
      `route add ${hostRoute(pod.ipv4)} via ${node.ipv4} dev fab0`,
      ...(pod.ipv6 === undefined || node.ipv6 === undefined ? [] : [`route add ${hostRoute(pod.ipv6)} via ${node.ipv6} dev fab0`]),
    ]);
  }));
  // Hosts outside the cluster reach (and answer) the pod through its node.
  await Promise.all(lab.externalHosts.map((h) => ipBatch(h.netns, podRouteLines(h, pod, node))));
}

function sctpResponderName(pod: LabPodState): string {
  return `${pod.netns}-sctp`;
}

/** Stops the pod's processes and deletes its namespace (which removes its veth and routes). */
export async function removePod(lab: Lab, key: string): Promise<void> {
  const pod = lab.pod(key);
  if (pod.process !== undefined) killRecorded(pod.process);
  for (const p of recordedProcesses(lab.stateDir)) if (basename(p.pidFile) === `${sctpResponderName(pod)}.pid`) killRecorded(p);
  await killNetnsProcesses(pod.netns);
  // The kernel dismantles a deleted namespace asynchronously; deleting the node's end of
  // the veth first drops the pair and the pod's host routes now, so the IP is reusable.
  const node = lab.nodes.find((n) => n.name === pod.node);
  if (node !== undefined) await runRaw('ip', ['-n', node.netns, 'link', 'del', pod.hostVeth]);
  await deleteNetns(pod.netns);
  await Promise.all(pod.extraRoutesOn.map(async (name) => {
    const other = lab.nodes.find((n) => n.name === name);
    if (other === undefined) return;
    for (const ip of [pod.ipv4, pod.ipv6]) {
      if (ip !== undefined) await runRaw('ip', ['-n', other.netns, 'route', 'del', hostRoute(ip)]);
    }
  }));
  await Promise.all(lab.externalHosts.map(async (h) => {
    for (const target of podRouteTargets(pod)) await runRaw('ip', ['-n', h.netns, 'route', 'del', target]);
  }));
  lab.commit((s) => ({ ...s, netns: s.netns.filter((n) => n !== pod.netns), pods: s.pods.filter((p) => p.key !== key) }));
}

/** SIGKILLs every process living in one of the lab's own namespaces (`ip netns pids`). */
export async function killNetnsProcesses(ns: string): Promise<number> {
  const pids = await netnsPids(ns);
  const victims = pids.map((pid) => ({ pid, startTime: processStartTime(pid) ?? '' }));
  for (const v of victims) {
    try { process.kill(v.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  await Promise.all(victims.map((v) => waitGone(v.pid, v.startTime)));
  return victims.length;
}

export interface DestroyReport {
  readonly id?: string;
  readonly netnsDeleted: readonly string[];
  readonly processesKilled: number;
}

/**
 * Removes everything the lab in `stateDir` created: its processes (by pidfile, and any
 * process inside its namespaces), its namespaces (recorded ones and any `pl-<id>-*`
 * left over), its pidfiles, logs and lab.json. Idempotent; needs only the directory,
 * so it works from another process after the creator died (even by kill -9).
 */
export async function destroyLab(stateDir: string): Promise<DestroyReport> {
  const state = readState(stateDir);
  let killed = 0;
  const byPid = new Map<number, LabProcessState>();
  for (const p of [...(state?.pods ?? []), ...(state?.externalHosts ?? [])]) if (p.process !== undefined) byPid.set(p.process.pid, p.process);
  for (const p of recordedProcesses(stateDir)) byPid.set(p.pid, p);
  const procs = [...byPid.values()];
  for (const p of procs) {
    if (processStartTime(p.pid) === p.startTime) killed++;
    killRecorded(p);
  }
  await Promise.all(procs.map((p) => waitGone(p.pid, p.startTime)));
  const deleted: string[] = [];
  if (state !== undefined) {
    const present = await listNetns();
    const mine = new Set([...state.netns.filter((n) => present.includes(n)), ...present.filter((n) => n.startsWith(state.prefix))]);
    for (const ns of mine) killed += await killNetnsProcesses(ns);
    await Promise.all([...mine].map(async (ns) => {
      await deleteNetns(ns);
      deleted.push(ns);
    }));
  }
  rmSync(`${stateDir}/${PID_DIR}`, { recursive: true, force: true });
  rmSync(`${stateDir}/${LOG_DIR}`, { recursive: true, force: true });
  rmSync(`${stateDir}/${STATE_FILE}`, { force: true });
  try {
    if (readdirSync(stateDir).length === 0) rmdirSync(stateDir);
  } catch { /* already gone */ }
  return { ...(state === undefined ? {} : { id: state.id }), netnsDeleted: deleted.sort(), processesKilled: killed };
}

export interface PodExecOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
}

/**
 * Runs `argv` inside the pod's namespace and waits for it (`palisade exec`): `agnhost …`
 * and `/agnhost …` run the lab's agnhost, with the pod's name as its hostname.
 */
export async function podExec(lab: Lab, key: string, argv: readonly string[], o: PodExecOptions = {}): Promise<RunResult> {
  const pod = lab.pod(key);
  const { command, args } = resolveCommand(argv);
  return runRaw('ip', netnsExecArgv(pod.netns, command, args), {
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    ...(o.input === undefined ? {} : { input: o.input }),
    env: { ...process.env, PALISADE_HOSTNAME: pod.name, PALISADE_POD: pod.key, PALISADE_LAB_ID: lab.id },
  });
}

/** The pod's addresses, primary (IPv4) first, as model Pod.ips. */
export function podIps(pod: LabPodState): string[] {
  return pod.ipv6 === undefined ? [pod.ipv4] : [pod.ipv4, pod.ipv6];
}
