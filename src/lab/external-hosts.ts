// Hosts outside the cluster, inside the lab: flows such as `192.0.2.10 -> ns/web` or
// `ns/client -> 198.51.100.9:53/UDP` need a real peer that is no pod. An external host is
// one more namespace of the lab (prefix `pl-<id>-x…`, recorded in lab.json before it
// exists, its server pidfiled like a pod's) with a veth into the fabric bridge:
//   host netns: `fab0` with a spare address of the node range (the nodes' next hop),
//               its outside address(es) on `lo`, a host route per pod address (and
//               each node's pod CIDR) via that pod's node, sourced from the outside
//               address; no default route.
//   every node: a /32 (/128) route to each outside address via the host's fabric address.
// So pod → host leaves through the source pod's node (its forward hook checks egress)
// and host → pod enters through the destination pod's node (ingress checked there),
// replies taking the same node back. The outside addresses may be any unicast address
// a test names, public ones too: they exist only in the lab's namespaces, and nothing
// routes them (or anything else) out of the lab or into the host's own namespace.
import { basename } from 'node:path';
import { formatIp } from '../model/ip.ts';
import type { Protocol } from '../model/protocol.ts';
import { checkPinned, hostRoute, mustCidr } from './addressing.ts';
import { LabError } from './errors.ts';
import { runRaw, type RunResult } from './exec.ts';
import { externalSource, ipFamily, podRouteLines } from './external-routes.ts';
import type { LabExternalHostState, LabNodeState } from './lab-state.ts';
import { addNetns, deleteNetns, ipBatch, netnsExecArgv, sysctlIn } from './netns.ts';
import { killRecorded, recordedProcesses, spawnInNetns } from './processes.ts';
import { sctpSupport } from './sctp.ts';
import { sctpResponderArgv } from './sctp/raw-sctp.ts';
import { AGNHOST_PATH, fabricBridge, killNetnsProcesses, normalizePorts, resolveCommand, type Lab, type PodExecOptions } from './topology.ts';

export interface ExternalHostPort {
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: Protocol;
}

export interface ExternalHostSpec {
  /** Default `ext-<ip>` (dots and colons as dashes). */
  readonly name?: string;
  /** Its outside address, IPv4 or IPv6. */
  readonly ip: string;
  /** A second outside address of the other family. */
  readonly ipv6?: string;
  /** Served like a pod's declared container ports. */
  readonly ports?: readonly ExternalHostPort[];
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

/** The default name of the external host holding `ip`. */
export function externalHostName(ip: string): string {
  return `ext-${ip.toLowerCase().replace(/[.:]/g, '-')}`;
}

/** The external host called `name`, or the one holding address `name`; undefined if none. */
export function findExternalHost(lab: Lab, nameOrIp: string): LabExternalHostState | undefined {
  return lab.externalHosts.find((h) => h.name === nameOrIp || h.ips.includes(nameOrIp));
}

function mustExternalHost(lab: Lab, nameOrIp: string): LabExternalHostState {
  const h = findExternalHost(lab, nameOrIp);
  if (h === undefined) throw new LabError('not-found', `external host ${nameOrIp} not found in lab ${lab.id}`);
  return h;
}

function sctpResponderName(netns: string): string {
  return `${netns}-sctp`;
}

/** The outside addresses of `spec`, canonical, checked against the lab's pods, nodes and hosts. */
function checkAddresses(lab: Lab, spec: ExternalHostSpec, what: string): string[] {
  const nodeV4 = mustCidr(lab.state.nodeCidrV4, 4, 'nodeCidrV4');
  const nodeV6 = lab.state.nodeCidrV6 === undefined ? undefined : mustCidr(lab.state.nodeCidrV6, 6, 'nodeCidrV6');
  const first = ipFamily(spec.ip);
  const ips = [checkPinned(spec.ip, first, first === 4 ? nodeV4 : nodeV6, `${what}: ip`)];
  if (spec.ipv6 !== undefined) {
    if (first === 6) throw new LabError('invalid-argument', `${what}: ipv6 given, but ip ${spec.ip} is IPv6 already`);
    ips.push(checkPinned(spec.ipv6, 6, nodeV6, `${what}: ipv6`));
  }
  for (const ip of ips) {
    if (ipFamily(ip) === 6 && lab.state.nodeCidrV6 === undefined) throw new LabError('invalid-argument', `${what}: ${ip}: the lab is IPv4-only`);
    const pod = lab.pods.find((p) => p.ipv4 === ip || p.ipv6 === ip);
    if (pod !== undefined) throw new LabError('conflict', `${what}: ${ip} is pod ${pod.key}'s address`);
    const other = lab.externalHosts.find((h) => h.ips.includes(ip));
    if (other !== undefined) throw new LabError('conflict', `${what}: ${ip} is held by external host ${other.name}`);
  }
  return ips;
}

/** A free address of the node range for the host's fabric end, from the top down (nodes count up from 1). */
function fabricAddress(lab: Lab, family: 4 | 6): string {
  const text = family === 4 ? lab.state.nodeCidrV4 : lab.state.nodeCidrV6;
  if (text === undefined) throw new LabError('invalid-argument', `the lab has no IPv${family} node range`);
  const cidr = mustCidr(text, family, 'node range');
  const used = new Set([
    ...lab.nodes.flatMap((n) => (n.ipv6 === undefined ? [n.ipv4] : [n.ipv4, n.ipv6])),
    ...lab.externalHosts.flatMap((h) => (h.fabricIpv6 === undefined ? [h.fabricIpv4] : [h.fabricIpv4, h.fabricIpv6])),
  ]);
  const size = 1n << BigInt((family === 4 ? 32 : 128) - cidr.prefix);
  const top = (family === 4 ? size - 2n : (size > 0xffffn ? 0xfffen : size - 1n));
  for (let off = top; off > BigInt(lab.nodes.length); off--) {
    const ip = formatIp({ family, value: cidr.network + off });
    if (!used.has(ip)) return ip;
  }
  throw new LabError('conflict', `no free address left in the node range ${text} for another external host`);
}

/**
 * Creates an external host holding `spec.ip` (and `spec.ipv6`), routed to and from every
 * node, serving `spec.ports`; on failure removes what it made, then throws.
 */
export async function addExternalHost(lab: Lab, spec: ExternalHostSpec): Promise<LabExternalHostState> {
  const name = spec.name ?? externalHostName(spec.ip);
  if (!NAME.test(name)) throw new LabError('invalid-argument', `external host name ${JSON.stringify(name)}: want lowercase letters, digits, '-' and '.'`);
  const what = `external host ${name}`;
  if (lab.externalHosts.some((h) => h.name === name)) throw new LabError('conflict', `${what} already exists`);
  const ips = checkAddresses(lab, spec, what);
  const ports = normalizePorts(what, spec.ports);
  const sctp = sctpSupport();
  const sctpPorts = ports.filter((p) => p.protocol === 'SCTP').map((p) => p.port);
  const warnings = sctpPorts.map((p) => (sctp.raw ? `${p}/SCTP is answered by raw packets: ${sctp.reason}` : `${p}/SCTP is not served: ${sctp.reason}`));
  const counter = lab.state.nextExternal ?? 0;
  const netns = `${lab.prefix}x${counter.toString(36)}`;
  if (netns.length > 15) throw new LabError('conflict', `lab ${lab.id} ran out of external host interface names`);
  const host: LabExternalHostState = {
    name, netns, fabricVeth: netns, fabricIpv4: fabricAddress(lab, 4),
    ...(ips.some((ip) => ipFamily(ip) === 6) ? { fabricIpv6: fabricAddress(lab, 6) } : {}),
    ips, ports, warnings,
  };
  // Recorded before it exists (with its fabric addresses taken), like a pod.
  lab.commit((s) => ({ ...s, nextExternal: counter + 1, netns: [...s.netns, netns], externalHosts: [...(s.externalHosts ?? []), host] }));
  try {
    await wireExternalHost(lab, host);
    const env = { PALISADE_HOSTNAME: name, PALISADE_LAB_ID: lab.id };
    if (sctp.raw && sctpPorts.length > 0) {
      const [command, args] = sctpResponderArgv(sctpPorts);
      await spawnInNetns({ stateDir: lab.stateDir, name: sctpResponderName(netns), netns, command, args, waitReady: true, env });
    }
    if (ports.length === 0) return host;
    const record = await spawnInNetns({
      stateDir: lab.stateDir, name: netns, netns, command: process.execPath, waitReady: true, env,
      args: [AGNHOST_PATH, 'serve-ports', ...ports.map((p) => `${p.port}/${p.protocol}`)],
    });
    const withProcess: LabExternalHostState = { ...host, process: record };
    lab.commit((s) => ({ ...s, externalHosts: (s.externalHosts ?? []).map((h) => (h.name === name ? withProcess : h)) }));
    return withProcess;
  } catch (e) {
    await removeExternalHost(lab, name).catch(() => undefined);
    throw e;
  }
}

function nextHop(node: LabNodeState, family: 4 | 6): string | undefined {
  return family === 4 ? node.ipv4 : node.ipv6;
}

async function wireExternalHost(lab: Lab, host: LabExternalHostState): Promise<void> {
  const { fabric, prefix, nodeCidrV4, nodeCidrV6 } = lab.state;
  await addNetns(host.netns);
  await sysctlIn(host.netns, {
    // Pod addresses arrive on fab0 from several nodes: no reverse-path surprises.
    'net.ipv4.conf.all.rp_filter': 0,
    'net.ipv4.conf.default.rp_filter': 0,
    ...(host.fabricIpv6 === undefined ? {} : { 'net.ipv6.conf.all.accept_dad': 0, 'net.ipv6.conf.default.accept_dad': 0 }),
  });
  await ipBatch(fabric, [
    `link add ${host.fabricVeth} type veth peer name fab0 netns ${host.netns}`,
    `link set ${host.fabricVeth} master ${fabricBridge(prefix)}`,
    `link set ${host.fabricVeth} up`,
  ]);
  const nodeRoutes = (family: 4 | 6): string[] => {
    const src = externalSource(host, family);
    if (src === undefined) return [];
    return lab.nodes.flatMap((n) => {
      const via = nextHop(n, family);
      const cidr = family === 4 ? n.podCidrV4 : n.podCidrV6;
      return via === undefined || cidr === undefined ? [] : [`route add ${cidr} via ${via} dev fab0 src ${src}`];
    });
  };
  await ipBatch(host.netns, [
    'link set lo up',
    'link set fab0 up',
    `addr add ${host.fabricIpv4}/${nodeCidrV4.split('/')[1]} dev fab0`,
    ...(host.fabricIpv6 === undefined || nodeCidrV6 === undefined ? [] : [`addr add ${host.fabricIpv6}/${nodeCidrV6.split('/')[1]} dev fab0 nodad`]),
    // nodad: even on lo a new IPv6 address stays tentative until the DAD worker runs, and
    // a route with `src` on a tentative address fails ("Invalid source address").
    ...host.ips.map((ip) => `addr add ${hostRoute(ip)} dev lo${ipFamily(ip) === 6 ? ' nodad' : ''}`),
    ...nodeRoutes(4),
    ...nodeRoutes(6),
    ...lab.pods.flatMap((p) => {
      const node = lab.nodes.find((n) => n.name === p.node);
      return node === undefined ? [] : podRouteLines(host, p, node);
    }),
  ]);
  await forgetNeighbours(lab, host);
  await Promise.all(lab.nodes.map((n) => ipBatch(n.netns, host.ips.flatMap((ip) => {
    const via = ipFamily(ip) === 4 ? host.fabricIpv4 : host.fabricIpv6;
    return via === undefined || nextHop(n, ipFamily(ip)) === undefined ? [] : [`route add ${hostRoute(ip)} via ${via} dev fab0`];
  }))));
}

/**
 * Drops the nodes' neighbour entries for the host's fabric addresses: a host removed and
 * another given the same address has a new MAC, and a node still sending to the old one
 * (a STALE entry is used before it is re-checked, seconds later) loses every packet.
 */
async function forgetNeighbours(lab: Lab, host: LabExternalHostState): Promise<void> {
  const ips = host.fabricIpv6 === undefined ? [host.fabricIpv4] : [host.fabricIpv4, host.fabricIpv6];
  await Promise.all(lab.nodes.map(async (n) => {
    for (const ip of ips) await runRaw('ip', ['-n', n.netns, 'neigh', 'flush', 'to', ip]);
  }));
}

/** Stops the host's servers, deletes its namespace, its fabric link and the nodes' routes to it. */
export async function removeExternalHost(lab: Lab, nameOrIp: string): Promise<void> {
  const host = mustExternalHost(lab, nameOrIp);
  if (host.process !== undefined) killRecorded(host.process);
  for (const p of recordedProcesses(lab.stateDir)) if (basename(p.pidFile) === `${sctpResponderName(host.netns)}.pid`) killRecorded(p);
  await killNetnsProcesses(host.netns);
  // Dropping the fabric end first removes the link now (namespace teardown is asynchronous).
  await runRaw('ip', ['-n', lab.state.fabric, 'link', 'del', host.fabricVeth]);
  await deleteNetns(host.netns);
  await Promise.all(lab.nodes.map(async (n) => {
    for (const ip of host.ips) await runRaw('ip', ['-n', n.netns, 'route', 'del', hostRoute(ip)]);
  }));
  await forgetNeighbours(lab, host);
  lab.commit((s) => ({ ...s, netns: s.netns.filter((n) => n !== host.netns), externalHosts: (s.externalHosts ?? []).filter((h) => h.name !== host.name) }));
}

/** Runs `argv` inside the external host (`agnhost …` runs the lab's agnhost) and waits for it. */
export async function externalHostExec(lab: Lab, nameOrIp: string, argv: readonly string[], o: PodExecOptions = {}): Promise<RunResult> {
  const host = mustExternalHost(lab, nameOrIp);
  const { command, args } = resolveCommand(argv);
  return runRaw('ip', netnsExecArgv(host.netns, command, args), {
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    ...(o.input === undefined ? {} : { input: o.input }),
    env: { ...process.env, PALISADE_HOSTNAME: host.name, PALISADE_LAB_ID: lab.id },
  });
}
