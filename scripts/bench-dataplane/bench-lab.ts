// The benchmark's lab: pairs of routed nodes, each pair with three real pods (a server
// on its first node, a client on the same node, a client on the other node), built with
// src/lab (namespaces `pl-<id>-…`, nothing in the host's namespace). One pair serves every
// part; the simultaneous rate comparison (rate-ab-part.ts) uses a second, identical pair.
// Also: running the load generator inside a client pod, one-shot reachability checks,
// and loading/removing a node's table in one nft transaction.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNft } from '../../src/dataplane/applier.ts';
import { FAMILY_TABLE } from '../../src/dataplane/render.ts';
import { run } from '../../src/lab/exec.ts';
import { netnsPids, sysctlIn } from '../../src/lab/netns.ts';
import { addPod, createLab, destroyLab } from '../../src/lab/topology.ts';
import type { Lab } from '../../src/lab/topology.ts';
import type { LoadProtocol } from './args.ts';
import { BENCH_NS, benchPort, CLIENT_LABELS, SERVER_LABELS, TCP_PORT, UDP_PORT } from './bench-cluster.ts';
import type { LabEndpoint, LabNode } from './bench-cluster.ts';
import { removeShareGroups } from './cpu-share-groups.ts';
import type { LoadRunResult } from './loadgen.ts';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));

/** Two nodes and their three pods: a self-contained copy of the measured path. */
export interface BenchPair {
  /** Its nodes' names: the server's node first. */
  readonly nodes: readonly [string, string];
  readonly server: { readonly ip: string; readonly netns: string };
  readonly clients: { readonly same: string; readonly cross: string };
}

export interface BenchLab {
  readonly lab: Lab;
  readonly stateDir: string;
  readonly nodes: readonly LabNode[];
  readonly endpoints: readonly LabEndpoint[];
  /** Network namespace of each lab node, by node name. */
  readonly nodeNetns: ReadonlyMap<string, string>;
  /** The first pair's server and clients (what every part but the simultaneous rate comparison uses). */
  readonly server: { readonly ip: string; readonly netns: string };
  readonly clients: { readonly same: string; readonly cross: string };
  readonly pairs: readonly BenchPair[];
  readonly notes: string[];
}

/** The pods of pair `i` are named like the first pair's, with `-<i>` after them from the second on. */
const podName = (base: string, i: number): string => (i === 0 ? base : `${base}-${i}`);

export async function createBenchLab(log: (m: string) => void, pairCount = 1): Promise<BenchLab> {
  const stateDir = mkdtempSync(join(tmpdir(), 'palisade-bench-dataplane-'));
  const lab = await createLab({ stateDir, nodes: 2 * pairCount, podCidrV6: false });
  try {
    log(`lab ${lab.id}: namespaces ${lab.prefix}* (state in ${stateDir})`);
    const pairs: BenchPair[] = [];
    const endpoints: LabEndpoint[] = [];
    const clientNetns: string[] = [];
    for (let i = 0; i < pairCount; i++) {
      const n0 = lab.nodes[2 * i];
      const n1 = lab.nodes[2 * i + 1];
      if (n0 === undefined || n1 === undefined) throw new Error(`the lab has fewer than ${2 * pairCount} nodes`);
      const server = await addPod(lab, {
        namespace: BENCH_NS, name: podName('server', i), node: n0.name,
        ports: [{ port: TCP_PORT, protocol: 'TCP', name: 'http' }, { port: UDP_PORT, protocol: 'UDP', name: 'dns' }],
      });
      const same = await addPod(lab, { namespace: BENCH_NS, name: podName('client-same', i), node: n0.name });
      const cross = await addPod(lab, { namespace: BENCH_NS, name: podName('client-cross', i), node: n1.name });
      pairs.push({ nodes: [n0.name, n1.name], server: { ip: server.ipv4, netns: server.netns }, clients: { same: same.netns, cross: cross.netns } });
      endpoints.push(
        { name: podName('server', i), node: n0.name, ipv4: server.ipv4, labels: SERVER_LABELS, server: true },
        { name: podName('client-same', i), node: n0.name, ipv4: same.ipv4, labels: CLIENT_LABELS, server: false },
        { name: podName('client-cross', i), node: n1.name, ipv4: cross.ipv4, labels: CLIENT_LABELS, server: false },
      );
      clientNetns.push(same.netns, cross.netns);
      // Capped TIME_WAIT in each server's namespace (below).
      await sysctlIn(server.netns, { 'net.ipv4.tcp_max_tw_buckets': 4096 });
    }
    const first = pairs[0];
    if (first === undefined) throw new Error('a bench lab needs at least one pair of nodes');
    const notes: string[] = [];
    // Short conntrack timeouts in the NODE namespaces only: the runs open hundreds of
    // thousands of connections, and the kernel's default 120 s TIME_WAIT / 30 s UDP
    // entries would fill the conntrack table (262144) and drop new flows mid-run.
    for (const n of lab.nodes) {
      await runNft(n.netns, ['-f', '-'], 'add table inet palisade_ct_probe\nadd chain inet palisade_ct_probe c { type filter hook forward priority 0; ct state new counter; }\ndelete table inet palisade_ct_probe\n');
      try {
        await sysctlIn(n.netns, { 'net.netfilter.nf_conntrack_tcp_timeout_time_wait': 2, 'net.netfilter.nf_conntrack_udp_timeout': 2, 'net.netfilter.nf_conntrack_udp_timeout_stream': 5 });
      } catch (e) {
        notes.push(`could not shorten conntrack timeouts on ${n.name}: ${(e as Error).message.split('\n')[0] ?? ''}`);
      }
    }
    // Clients: the whole ephemeral port range, so a 5 s run never runs out of source ports.
    // (sysctlIn takes single-word values only.)
    for (const c of clientNetns) await run('ip', ['netns', 'exec', c, 'sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65000']);
    // (The server closes first, so its TIME_WAIT sockets pile up run after run — tens of
    // thousands a run, 60 s each — and make later runs slower than earlier ones whatever
    // their table: they are capped in each server's namespace above.)
    // The load generator runs on CPU 0 (runLoad's default), the server on CPU 1: the same
    // placement in every run, instead of whatever the scheduler picks.
    try {
      await pinNetns(first.server.netns, 1);
    } catch (e) {
      notes.push(`could not pin the server to CPU 1: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    const nodes: LabNode[] = lab.nodes.map((n) => ({ name: n.name, ipv4: n.ipv4, podCidrV4: n.podCidrV4 }));
    return {
      lab, stateDir, nodes, endpoints,
      nodeNetns: new Map(lab.nodes.map((n) => [n.name, n.netns])),
      server: first.server,
      clients: first.clients,
      pairs,
      notes,
    };
  } catch (e) {
    await destroyLab(stateDir);
    throw e;
  }
}

export async function destroyBenchLab(b: Pick<BenchLab, 'stateDir' | 'lab'>): Promise<void> {
  removeShareGroups(b.lab.prefix);
  await destroyLab(b.stateDir);
}

/** What a load generator run prints (loadgen.ts). */
export type LoadResult = LoadRunResult;

/** Pins every thread of every process in `netns` (a server pod's) to `cpu`. */
export async function pinNetns(netns: string, cpu: number): Promise<void> {
  for (const pid of await netnsPids(netns)) await run('taskset', ['-a', '-p', '-c', String(cpu), String(pid)]);
}

function runIn(netns: string, args: readonly string[], timeoutMs: number, wrap: readonly string[] = [], cpu = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const argv = [...wrap, 'taskset', '-c', String(cpu), 'ip', 'netns', 'exec', netns, process.execPath, ...args];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${args.join(' ')} in ${netns} exited ${code ?? 'by signal'}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

/** Where a load run goes and where its generator runs (default: the first pair's server, CPU 0). */
export interface LoadTarget {
  readonly serverIp?: string;
  readonly cpu?: number;
}

/** Runs the load generator in `clientNetns` against the server. */
export async function runLoad(b: BenchLab, clientNetns: string, protocol: LoadProtocol, seconds: number, concurrency: number, target: LoadTarget = {}): Promise<LoadResult> {
  const text = await runIn(clientNetns, [LOADGEN, protocol, target.serverIp ?? b.server.ip, String(benchPort(protocol)), String(seconds), String(concurrency)], (seconds + 30) * 1000, [], target.cpu ?? 0);
  return JSON.parse(text) as LoadResult;
}

/** Whether `perf` can record here (the rate part's attribution needs it). */
export async function perfAvailable(): Promise<boolean> {
  try {
    await run('perf', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export const PERF_HZ = 1999;

/**
 * The load generator under `perf record -a` (every CPU: the forwarding happens in softirq
 * on whichever CPU sends); returns its result and the `perf report` lines per symbol.
 */
export async function runLoadPerf(b: BenchLab, clientNetns: string, protocol: LoadProtocol, seconds: number, concurrency: number): Promise<{ load: LoadResult; report: string }> {
  const file = join(b.stateDir, 'perf.data');
  const text = await runIn(clientNetns, [LOADGEN, protocol, b.server.ip, String(benchPort(protocol)), String(seconds), String(concurrency)], (seconds + 60) * 1000, ['perf', 'record', '-q', '-a', '-F', String(PERF_HZ), '-o', file, '--']);
  const report = await run('perf', ['report', '-i', file, '--no-children', '--sort', 'sym', '-g', 'none', '-q', '-F', 'overhead,sample,sym']);
  return { load: JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as LoadResult, report };
}

/** One short TCP connection to the server from `clientNetns`: true when it completed. */
export async function reachable(b: BenchLab, clientNetns: string): Promise<boolean> {
  const r = await runLoad(b, clientNetns, 'tcp', 1, 1);
  return r.completed > 0;
}

/** Loads `text` (a full replace) in one transaction; returns the milliseconds nft took. */
export async function loadTable(netns: string, text: string): Promise<number> {
  const t0 = performance.now();
  await runNft(netns, ['-f', '-'], text);
  return performance.now() - t0;
}

/**
 * Between two rate runs: forget the previous run's connections (conntrack entries of the
 * node namespaces; their garbage collection would otherwise run during the next run),
 * then let the machine calm down.
 */
export async function settle(b: BenchLab): Promise<void> {
  for (const netns of b.nodeNetns.values()) {
    try {
      await run('ip', ['netns', 'exec', netns, 'conntrack', '-F']);
    } catch {
      // No conntrack tool, or no tracking in this namespace: nothing to forget.
    }
  }
  await new Promise((r) => setTimeout(r, 500));
}

export async function removeTable(netns: string): Promise<void> {
  await runNft(netns, ['-f', '-'], `add table ${FAMILY_TABLE}\ndelete table ${FAMILY_TABLE}\n`);
}
