// The clusters the dataplane benchmark plans tables for: the engine benchmark's generated
// cluster (synthetic pods that are only addresses in the model, so the maps are big) plus
// the few REAL lab pods that carry the traffic, in namespace `bench`: a server, a client
// on the server's node and a client on another node. With policies, `bench` is
// default-deny both ways and the clients may reach the server's ports only through allow
// rules, so measured packets go through the decision maps, not just a default.
import type { SourceDocument } from '../../src/api/source-document.ts';
import { generateCluster } from '../bench/generate-cluster.ts';

export const BENCH_NS = 'bench';
export const SERVER_LABELS = { app: 'bench-server' } as const;
export const CLIENT_LABELS = { app: 'bench-client' } as const;
export const TCP_PORT = 8080;
export const UDP_PORT = 5353;

/** The bench server's port for a load protocol. */
export const benchPort = (protocol: 'tcp' | 'udp'): number => (protocol === 'tcp' ? TCP_PORT : UDP_PORT);

export interface LabNode {
  readonly name: string;
  readonly ipv4: string;
  readonly podCidrV4: string;
}

export interface LabEndpoint {
  readonly name: string;
  readonly node: string;
  readonly ipv4: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly server: boolean;
}

export interface ClusterSpec {
  /** Synthetic pods (0: only the lab pods). */
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
  readonly seed: number;
  /** Synthetic pods moved onto each lab node (the rest live on nodes that only exist in the model). */
  readonly localPods: number;
  /** Whether `bench` gets its default-deny and allow policies. */
  readonly benchPolicies: boolean;
}

const source = 'bench-dataplane';

function labDocuments(nodes: readonly LabNode[], endpoints: readonly LabEndpoint[], benchPolicies: boolean): object[] {
  const out: object[] = nodes.map((n) => ({
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name } },
    spec: { podCIDR: n.podCidrV4, podCIDRs: [n.podCidrV4] },
    status: { addresses: [{ type: 'InternalIP', address: n.ipv4 }] },
  }));
  out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NS, labels: { 'kubernetes.io/metadata.name': BENCH_NS, team: 'bench' } } });
  for (const e of endpoints) {
    out.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: e.name, namespace: BENCH_NS, labels: { ...e.labels } },
      spec: {
        nodeName: e.node,
        containers: [{ name: 'main', image: 'agnhost', ...(e.server ? { ports: [{ name: 'http', containerPort: TCP_PORT, protocol: 'TCP' }, { name: 'dns', containerPort: UDP_PORT, protocol: 'UDP' }] } : {}) }],
      },
      status: { phase: 'Running', podIP: e.ipv4, podIPs: [{ ip: e.ipv4 }] },
    });
  }
  if (benchPolicies) out.push(...benchPolicyObjects());
  return out;
}

/** default-deny + client→server allows (ingress at the server, egress at the clients). */
export function benchPolicyObjects(ports: { tcp: number | string; udp: number | string } = { tcp: 'http', udp: 'dns' }): object[] {
  const np = (name: string, spec: object): object => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: BENCH_NS }, spec });
  const portList = [{ protocol: 'TCP', port: ports.tcp }, { protocol: 'UDP', port: ports.udp }];
  return [
    np('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np('allow-client-to-server', { podSelector: { matchLabels: SERVER_LABELS }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: CLIENT_LABELS } }], ports: portList }] }),
    np('allow-client-egress', { podSelector: { matchLabels: CLIENT_LABELS }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: SERVER_LABELS } }], ports: portList }] }),
  ];
}

export interface BenchCluster {
  readonly documents: SourceDocument[];
  readonly syntheticPods: number;
  readonly policies: number;
}

/**
 * The documents of one scenario. Generated node k (k < lab nodes) gives its first
 * `localPods` pods to lab node k: a real node carries its own pods, and the node's own
 * pods are what its table decides for (the expensive part of planning).
 */
export function benchCluster(spec: ClusterSpec, nodes: readonly LabNode[], endpoints: readonly LabEndpoint[]): BenchCluster {
  const objects: object[] = [];
  let synthetic = 0;
  let policies = 0;
  if (spec.pods > 0) {
    const g = generateCluster({ name: 'bench', pods: spec.pods, namespaces: spec.namespaces, policies: spec.policies, seed: spec.seed, dualStackFraction: 0.1 });
    const moved = new Map<string, number>();
    for (const d of g.documents) {
      const o = d.object as { kind?: string; spec?: { nodeName?: string } };
      const nodeName = o.spec?.nodeName;
      const k = nodeName === undefined ? -1 : Number(/^node-(\d+)$/.exec(nodeName)?.[1] ?? -1);
      const lab = k >= 0 ? nodes[k] : undefined;
      if (o.kind === 'Pod' && lab !== undefined && (moved.get(lab.name) ?? 0) < spec.localPods && (o as { spec?: { hostNetwork?: boolean } }).spec?.hostNetwork !== true) {
        moved.set(lab.name, (moved.get(lab.name) ?? 0) + 1);
        objects.push({ ...o, spec: { ...o.spec, nodeName: lab.name } });
      } else {
        objects.push(o);
      }
    }
    synthetic = g.counts.pods;
    policies = g.counts.policies;
  }
  objects.push(...labDocuments(nodes, endpoints, spec.benchPolicies));
  if (spec.benchPolicies) policies += 3;
  return { documents: objects.map((object, index) => ({ source, index, object })), syntheticPods: synthetic, policies };
}
