// Deterministic generator of realistic Kubernetes clusters for the engine benchmark:
// raw manifests (plain objects, as `kubectl get -o json` would give them) for Nodes,
// Namespaces, Pods and NetworkPolicies, sized by a ClusterShape and driven by a seeded
// PRNG so every run benchmarks exactly the same cluster.
//
// What a generated cluster looks like (the shapes the benchmark exercises):
// - System namespaces kube-system (CoreDNS, and one host-network kube-proxy per node),
//   monitoring (Prometheus) and ingress-nginx (controller). Every other namespace is a
//   tenant `<team>-<env>-<n>` labelled team, env, kubernetes.io/metadata.name, and for
//   some istio-injection / compliance.
// - Tenant pods come in deployment-like groups: one app per group, labels app, tier
//   (frontend/backend/worker/db/cache), version (v1, a v2 canary for some apps) and
//   pod-template-hash; container ports depend on the tier and include named ports whose
//   names repeat with different numbers (http is 80 on frontends, 8080 on backends).
// - Pod IPs come from a /24 per node (10.64.0.0/12), unique across the cluster; pods
//   in dual-stack namespaces also get an IPv6 address (fd00:10::/64 per node). Nodes
//   have addresses in 172.20.0.0/16; host-network pods use them.
// - NetworkPolicies (the catalogue is POLICY_SHAPES below): default-deny ingress or
//   ingress+egress per namespace, DNS egress to kube-system, same-app and tier-to-tier
//   allows on numeric and named ports, namespaceSelector with matchLabels and
//   matchExpressions (In, NotIn, Exists, DoesNotExist), namespace+pod peers, ipBlock with
//   except (IPv4 and IPv6), and port ranges with endPort.
import type { SourceDocument } from '../../src/api/source-document.ts';
import { formatIp } from '../../src/model/ip.ts';
import { createRng } from './prng.ts';
import type { Rng } from './prng.ts';

export interface ClusterShape {
  readonly name: string;
  readonly pods: number;
  readonly namespaces: number;
  readonly policies: number;
  readonly seed: number;
  /** Fraction of tenant namespaces whose pods are dual-stack (IPv4 + IPv6). */
  readonly dualStackFraction: number;
}

export const CLUSTER_SIZES = {
  '1k': { name: '1k', pods: 1_000, namespaces: 70, policies: 140, seed: 1001, dualStackFraction: 0.1 },
  '10k': { name: '10k', pods: 10_000, namespaces: 700, policies: 1_400, seed: 10_001, dualStackFraction: 0.1 },
  '150k': { name: '150k', pods: 150_000, namespaces: 10_000, policies: 20_000, seed: 150_001, dualStackFraction: 0.1 },
} as const satisfies Record<string, ClusterShape>;

export type SizeName = keyof typeof CLUSTER_SIZES;

export function isSizeName(name: string): name is SizeName {
  return Object.hasOwn(CLUSTER_SIZES, name);
}

/** The policy shapes, each a kind of NetworkPolicy real clusters commonly carry. */
export const POLICY_SHAPES = [
  'default-deny-ingress',     // podSelector {}, policyTypes [Ingress]
  'default-deny-all',         // podSelector {}, policyTypes [Ingress, Egress]
  'allow-dns-egress',         // egress to kube-system/k8s-app=kube-dns on 53 UDP+TCP
  'allow-same-app',           // ingress from the same app on a numeric port
  'allow-tier',               // backend from frontend (or db from backend) on a named port
  'allow-team-namespaces',    // namespaceSelector matchLabels team + env In [prod, staging]
  'allow-ingress-controller', // namespace+pod peer (AND) for ingress-nginx on 80/443
  'allow-prometheus',         // podSelector app Exists; from monitoring/prometheus on named port metrics
  'allow-db-clients',         // matchExpressions tier In, version NotIn
  'allow-external-ipblock',   // ipBlock 0.0.0.0/0 except private ranges, ::/0 except fd00::/8
  'egress-external-https',    // egress ipBlock with except on 443
  'allow-nodeport-range',     // ipBlock of node addresses, port 30000 endPort 32767
  'allow-port-range-not-dev', // namespaceSelector env NotIn [dev], port 8000 endPort 8999
  'allow-canary-testers',     // version In [v2]; peers with Exists and DoesNotExist
  'allow-egress-same-namespace', // egress to podSelector {} (own namespace)
  'allow-dns-ingress',        // kube-system only: DNS from every namespace on named ports
] as const;

export type PolicyShape = (typeof POLICY_SHAPES)[number];

export interface GeneratedCluster {
  readonly shape: ClusterShape;
  readonly documents: SourceDocument[];
  readonly counts: {
    readonly nodes: number;
    readonly namespaces: number;
    readonly pods: number;
    readonly hostNetworkPods: number;
    readonly dualStackPods: number;
    readonly policies: number;
  };
  /** How many policies of each shape were generated. */
  readonly shapeCounts: Readonly<Record<PolicyShape, number>>;
}

export interface GenerateOptions {
  /** Emit Node objects (default true). */
  readonly nodes?: boolean;
  /** `source` of every SourceDocument (default `generated/<shape name>.yaml`). */
  readonly source?: string;
}

type Tier = 'frontend' | 'backend' | 'worker' | 'db' | 'cache';

interface PortDecl {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
}

interface AppTemplate {
  readonly base: string;
  readonly tier: Tier;
  readonly ports: readonly PortDecl[];
  readonly maxReplicas: number;
}

const APP_TEMPLATES: readonly (readonly [AppTemplate, number])[] = [
  [{ base: 'web', tier: 'frontend', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }], maxReplicas: 4 }, 3],
  [{ base: 'portal', tier: 'frontend', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { name: 'https', containerPort: 443, protocol: 'TCP' }], maxReplicas: 3 }, 1],
  [{ base: 'api', tier: 'backend', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'grpc', containerPort: 9000, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }], maxReplicas: 5 }, 4],
  [{ base: 'orders', tier: 'backend', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9091, protocol: 'TCP' }], maxReplicas: 4 }, 2],
  [{ base: 'auth', tier: 'backend', ports: [{ name: 'http', containerPort: 8443, protocol: 'TCP' }, { containerPort: 8500, protocol: 'TCP' }], maxReplicas: 3 }, 1],
  [{ base: 'worker', tier: 'worker', ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }], maxReplicas: 4 }, 2],
  [{ base: 'postgres', tier: 'db', ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }], maxReplicas: 2 }, 1],
  [{ base: 'mysql', tier: 'db', ports: [{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }], maxReplicas: 2 }, 0.5],
  [{ base: 'redis', tier: 'cache', ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }], maxReplicas: 3 }, 1],
  [{ base: 'memcached', tier: 'cache', ports: [{ containerPort: 11211, protocol: 'TCP' }, { containerPort: 11211, protocol: 'UDP' }], maxReplicas: 3 }, 0.5],
];

const TEAMS = [
  'payments', 'checkout', 'search', 'catalog', 'identity', 'billing', 'shipping', 'reviews',
  'ads', 'analytics', 'growth', 'platform', 'messaging', 'media', 'fraud', 'support',
  'pricing', 'inventory', 'loyalty', 'maps', 'ml', 'notifications', 'partners', 'security',
] as const;

const ENVS: readonly (readonly [string, number])[] = [['prod', 4], ['staging', 3], ['dev', 3]];

const PODS_PER_NODE = 100;
const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

interface NamespacePlan {
  readonly name: string;
  readonly team: string;
  readonly env: string;
  readonly dualStack: boolean;
  readonly apps: { readonly name: string; readonly template: AppTemplate }[];
}

/** Distributes `total` over `weights` exactly (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomToken(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += HASH_ALPHABET[rng.int(HASH_ALPHABET.length)];
  return s;
}

/** Hands out node placement and addresses; pods are spread evenly over the nodes. */
class AddressPlan {
  readonly nodeCount: number;
  private readonly perNode: Uint16Array;
  private placed = 0;

  constructor(pods: number) {
    this.nodeCount = Math.max(1, Math.ceil(pods / PODS_PER_NODE));
    this.perNode = new Uint16Array(this.nodeCount);
  }

  nodeName(k: number): string {
    return `node-${String(k).padStart(4, '0')}`;
  }

  nodeIp(k: number): string {
    const host = k + 10; // skip 172.20.0.0-9: network and gateway addresses
    return `172.20.${host >> 8}.${host & 255}`;
  }

  nodePodCidr(k: number): string {
    return `10.${64 + (k >> 8)}.${k & 255}.0/24`;
  }

  nodePodCidrV6(k: number): string {
    return formatIp({ family: 6, value: (0xfd000010n << 96n) | (BigInt(k) << 64n) }) + '/64';
  }

  /** Next pod: a node chosen by a fixed permutation (a prime stride), and its addresses. */
  place(dualStack: boolean): { node: number; ips: string[] } {
    // 7919 is prime and larger than any node count we generate, so the stride visits
    // every node once per round: per-node counts differ by at most one.
    const node = (this.placed * 7919) % this.nodeCount;
    this.placed++;
    const host = (this.perNode[node] ?? 0) + 2; // .0 network, .1 gateway
    this.perNode[node] = host - 1;
    if (host > 254) throw new RangeError(`node ${node} ran out of pod addresses`);
    const ips = [`10.${64 + (node >> 8)}.${node & 255}.${host}`];
    if (dualStack) ips.push(formatIp({ family: 6, value: (0xfd000010n << 96n) | (BigInt(node) << 64n) | BigInt(host) }));
    return { node, ips };
  }
}

class DocumentSink {
  readonly documents: SourceDocument[] = [];
  private readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
  add(object: unknown): void {
    this.documents.push({ source: this.source, index: this.documents.length, object });
  }
}

type Labels = Record<string, string>;
type LabelSelector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type NetworkPolicyPeer = { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } };

function namespaceObject(name: string, labels: Labels): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

function podObject(args: {
  name: string; namespace: string; labels: Labels; node: string; nodeIp: string; ips: readonly string[];
  ports: readonly PortDecl[]; image: string; serviceAccount: string; hostNetwork?: boolean;
}): object {
  const ports = args.ports.map((p) => (p.name === undefined
    ? { containerPort: p.containerPort, protocol: p.protocol }
    : { name: p.name, containerPort: p.containerPort, protocol: p.protocol }));
  const container = { name: args.labels['app'] ?? 'main', image: args.image, ports };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
    spec: {
      nodeName: args.node,
      serviceAccountName: args.serviceAccount,
      ...(args.hostNetwork === true ? { hostNetwork: true } : {}),
      containers: [container],
    },
    status: {
      phase: 'Running',
      hostIP: args.nodeIp,
      podIP: args.ips[0],
      podIPs: args.ips.map((ip) => ({ ip })),
    },
  };
}

function networkPolicy(namespace: string, name: string, spec: object): object {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const nsIs = (name: string): LabelSelector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** Builds one NetworkPolicy of `shape` for namespace `ns` (app-targeted shapes pick an app). */
function makePolicy(shape: PolicyShape, ns: NamespacePlan, rng: Rng): { name: string; spec: object } {
  const appOf = (tiers?: readonly Tier[]): { name: string; template: AppTemplate } | undefined => {
    const candidates = tiers === undefined ? ns.apps : ns.apps.filter((a) => tiers.includes(a.template.tier));
    return candidates.length === 0 ? undefined : rng.pick(candidates);
  };
  const anyApp = appOf() ?? { name: 'api', template: APP_TEMPLATES[2]![0] };
  switch (shape) {
    case 'default-deny-ingress':
      return { name: 'default-deny-ingress', spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    case 'default-deny-all':
      return { name: 'default-deny-all', spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    case 'allow-dns-egress':
      return {
        name: 'allow-dns-egress',
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{
            to: [{ namespaceSelector: nsIs('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
          }],
        },
      };
    case 'allow-same-app': {
      const port = anyApp.template.ports[0]?.containerPort ?? 8080;
      return {
        name: `allow-${anyApp.name}-same-app`,
        spec: {
          podSelector: { matchLabels: { app: anyApp.name } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: anyApp.name } } }], ports: [{ protocol: 'TCP', port }] }],
        },
      };
    }
    case 'allow-tier': {
      const [to, from, port]: [Tier, Tier, string] = rng.weighted([
        [['backend', 'frontend', 'http'], 3],
        [['db', 'backend', 'postgres'], 1],
        [['cache', 'backend', 'redis'], 1],
        [['backend', 'backend', 'grpc'], 1],
      ]);
      return {
        name: `allow-${to}-from-${from}`,
        spec: {
          podSelector: { matchLabels: { tier: to } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { tier: from } } }], ports: [{ port }] }],
        },
      };
    }
    case 'allow-team-namespaces': {
      const app = appOf(['backend', 'frontend']) ?? anyApp;
      const team = rng.chance(0.7) ? ns.team : rng.pick(TEAMS);
      return {
        name: `allow-${app.name}-from-team-${team}`,
        spec: {
          podSelector: { matchLabels: { app: app.name } },
          ingress: [{
            from: [{ namespaceSelector: { matchLabels: { team }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] } }],
            ports: [{ protocol: 'TCP', port: 'http' }],
          }],
        },
      };
    }
    case 'allow-ingress-controller':
      return {
        name: 'allow-ingress-controller',
        spec: {
          podSelector: { matchLabels: { tier: 'frontend' } },
          ingress: [{
            from: [{ namespaceSelector: nsIs('ingress-nginx'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
            ports: [{ port: 80 }, { port: 443 }],
          }],
        },
      };
    case 'allow-prometheus':
      return {
        name: 'allow-prometheus-scrape',
        spec: {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
          ingress: [{
            from: [{ namespaceSelector: nsIs('monitoring'), podSelector: { matchLabels: { app: 'prometheus' } } }],
            ports: [{ port: 'metrics' }],
          }],
        },
      };
    case 'allow-db-clients':
      return {
        name: 'allow-db-clients',
        spec: {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ podSelector: { matchExpressions: [
              { key: 'tier', operator: 'In', values: ['backend', 'worker'] },
              { key: 'version', operator: 'NotIn', values: ['v0'] },
            ] } }],
            ports: [{ port: 5432 }, { port: 3306 }, { port: 'redis' }, { protocol: 'UDP', port: 11211 }],
          }],
        },
      };
    case 'allow-external-ipblock': {
      // Both families: the cluster is dual-stack capable, whether or not this namespace is.
      const from: NetworkPolicyPeer[] = [
        { ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_V4, '169.254.0.0/16'] } },
        { ipBlock: { cidr: '::/0', except: ['fd00::/8', 'fe80::/10'] } },
      ];
      return {
        name: 'allow-external-web',
        spec: { podSelector: { matchLabels: { tier: 'frontend' } }, ingress: [{ from, ports: [{ port: 80 }, { port: 443 }] }] },
      };
    }
    case 'egress-external-https': {
      const app = appOf(['backend']) ?? anyApp;
      return {
        name: `allow-${app.name}-egress-https`,
        spec: {
          podSelector: { matchLabels: { app: app.name } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_V4 } }], ports: [{ protocol: 'TCP', port: 443 }] }],
        },
      };
    }
    case 'allow-nodeport-range':
      return {
        name: `allow-${anyApp.name}-nodeports`,
        spec: {
          podSelector: { matchLabels: { app: anyApp.name } },
          ingress: [{ from: [{ ipBlock: { cidr: '172.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 30000, endPort: 32767 }] }],
        },
      };
    case 'allow-port-range-not-dev': {
      const app = appOf(['backend']) ?? anyApp;
      return {
        name: `allow-${app.name}-range-not-dev`,
        spec: {
          podSelector: { matchLabels: { app: app.name } },
          ingress: [{
            from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }],
            ports: [{ protocol: 'TCP', port: 8000, endPort: 8999 }],
          }],
        },
      };
    }
    case 'allow-canary-testers':
      return {
        name: 'allow-canary-testers',
        spec: {
          podSelector: { matchExpressions: [{ key: 'version', operator: 'In', values: ['v2'] }] },
          ingress: [{
            from: [
              { podSelector: { matchExpressions: [{ key: 'canary-tester', operator: 'Exists' }] } },
              { namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }] }, podSelector: { matchLabels: { tier: 'frontend' } } },
            ],
          }],
        },
      };
    case 'allow-egress-same-namespace':
      return {
        name: 'allow-egress-same-namespace',
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] },
      };
    case 'allow-dns-ingress':
      return {
        name: 'allow-dns-ingress',
        spec: {
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns-tcp' }] }],
        },
      };
  }
}

/** Optional allow shapes for tenant namespaces, with how often each appears. */
const ALLOW_SHAPES: readonly (readonly [PolicyShape, number])[] = [
  ['allow-same-app', 5],
  ['allow-tier', 4],
  ['allow-team-namespaces', 3],
  ['allow-ingress-controller', 2],
  ['allow-prometheus', 2],
  ['allow-db-clients', 2],
  ['allow-external-ipblock', 1],
  ['egress-external-https', 1],
  ['allow-nodeport-range', 1],
  ['allow-port-range-not-dev', 1],
  ['allow-canary-testers', 1],
  ['allow-egress-same-namespace', 1],
];

/** Generates the cluster for `shape`; the same shape always gives the same documents. */
export function generateCluster(shape: ClusterShape, options: GenerateOptions = {}): GeneratedCluster {
  const systemNamespaces = 3;
  if (shape.namespaces <= systemNamespaces) throw new RangeError(`shape ${shape.name}: needs more than ${systemNamespaces} namespaces`);
  const rng = createRng(shape.seed);
  const sink = new DocumentSink(options.source ?? `generated/${shape.name}.yaml`);
  const addresses = new AddressPlan(shape.pods);
  const shapeCounts = Object.fromEntries(POLICY_SHAPES.map((s) => [s, 0])) as Record<PolicyShape, number>;
  let hostNetworkPods = 0;
  let dualStackPods = 0;
  let podCount = 0;

  if (options.nodes !== false) {
    for (let k = 0; k < addresses.nodeCount; k++) {
      sink.add({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: addresses.nodeName(k), labels: { 'kubernetes.io/hostname': addresses.nodeName(k), 'topology.kubernetes.io/zone': `zone-${'abc'[k % 3]}` } },
        spec: { podCIDR: addresses.nodePodCidr(k), podCIDRs: [addresses.nodePodCidr(k), addresses.nodePodCidrV6(k)] },
        status: { addresses: [{ type: 'InternalIP', address: addresses.nodeIp(k) }, { type: 'Hostname', address: addresses.nodeName(k) }] },
      });
    }
  }

  // System namespaces and their pods.
  sink.add(namespaceObject('kube-system', {}));
  sink.add(namespaceObject('monitoring', { team: 'platform', env: 'prod' }));
  sink.add(namespaceObject('ingress-nginx', { team: 'platform', env: 'prod' }));
  const addPod = (namespace: string, name: string, labels: Labels, ports: readonly PortDecl[], image: string, serviceAccount: string, dualStack: boolean): void => {
    const { node, ips } = addresses.place(dualStack);
    if (ips.length > 1) dualStackPods++;
    sink.add(podObject({ name, namespace, labels, node: addresses.nodeName(node), nodeIp: addresses.nodeIp(node), ips, ports, image, serviceAccount }));
    podCount++;
  };
  const coreDns = Math.max(2, Math.round(shape.pods / 5000));
  const dnsHash = randomToken(rng, 10);
  for (let i = 0; i < coreDns; i++) {
    addPod('kube-system', `coredns-${dnsHash}-${randomToken(rng, 5)}`, { 'k8s-app': 'kube-dns', 'pod-template-hash': dnsHash },
      [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }, { name: 'metrics', containerPort: 9153, protocol: 'TCP' }],
      'registry.k8s.io/coredns/coredns:v1.11.3', 'coredns', false);
  }
  // kube-proxy: one host-network pod on every tenth node (a DaemonSet subset keeps the
  // count small while still exercising "host-network pods are never selected").
  for (let k = 0; k < addresses.nodeCount; k += 10) {
    sink.add(podObject({
      name: `kube-proxy-${randomToken(rng, 5)}`, namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' },
      node: addresses.nodeName(k), nodeIp: addresses.nodeIp(k), ips: [addresses.nodeIp(k)], ports: [],
      image: 'registry.k8s.io/kube-proxy:v1.33.0', serviceAccount: 'kube-proxy', hostNetwork: true,
    }));
    hostNetworkPods++;
    podCount++;
  }
  const promHash = randomToken(rng, 10);
  for (let i = 0; i < 2; i++) {
    addPod('monitoring', `prometheus-${promHash}-${randomToken(rng, 5)}`, { app: 'prometheus', 'pod-template-hash': promHash },
      [{ name: 'web', containerPort: 9090, protocol: 'TCP' }], 'quay.io/prometheus/prometheus:v3.4.0', 'prometheus', false);
  }
  const ingressHash = randomToken(rng, 10);
  for (let i = 0; i < Math.max(2, Math.round(shape.pods / 10_000)); i++) {
    addPod('ingress-nginx', `ingress-nginx-controller-${ingressHash}-${randomToken(rng, 5)}`,
      { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'pod-template-hash': ingressHash },
      [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { name: 'https', containerPort: 443, protocol: 'TCP' }],
      'registry.k8s.io/ingress-nginx/controller:v1.12.1', 'ingress-nginx', false);
  }
  const systemPods = podCount;
  if (systemPods >= shape.pods) throw new RangeError(`shape ${shape.name}: ${shape.pods} pods leave none for tenants`);

  // Tenant namespaces: names, labels, and how many pods each gets (uneven, like real teams).
  const tenantCount = shape.namespaces - systemNamespaces;
  const podQuota = apportion(shape.pods - systemPods, Array.from({ length: tenantCount }, () => 0.3 + 1.4 * rng.next()));
  const envCounters = new Map<string, number>();
  const tenants: NamespacePlan[] = [];
  for (let t = 0; t < tenantCount; t++) {
    const team = rng.pick(TEAMS);
    const env = rng.weighted(ENVS);
    const key = `${team}-${env}`;
    const n = (envCounters.get(key) ?? 0) + 1;
    envCounters.set(key, n);
    const name = `${key}-${String(n).padStart(3, '0')}`;
    const dualStack = rng.chance(shape.dualStackFraction);
    const labels: Labels = { team, env };
    if (rng.chance(0.3)) labels['istio-injection'] = 'enabled';
    if (team === 'payments' || team === 'billing') labels['compliance'] = 'pci';
    sink.add(namespaceObject(name, labels));
    const plan: NamespacePlan = { name, team, env, dualStack, apps: [] };
    tenants.push(plan);

    let remaining = podQuota[t] ?? 0;
    const used = new Map<string, number>();
    while (remaining > 0) {
      const template = rng.weighted(APP_TEMPLATES);
      const seen = (used.get(template.base) ?? 0) + 1;
      used.set(template.base, seen);
      const app = seen === 1 ? template.base : `${template.base}-${seen}`;
      plan.apps.push({ name: app, template });
      const replicas = Math.min(remaining, 1 + rng.int(template.maxReplicas));
      const canary = replicas < remaining && rng.chance(0.15) ? 1 : 0;
      remaining -= replicas + canary;
      for (const version of canary === 1 ? ['v1', 'v2'] : ['v1']) {
        const hash = randomToken(rng, 10);
        const count = version === 'v2' ? 1 : replicas;
        for (let r = 0; r < count; r++) {
          const labels: Labels = { app, tier: template.tier, version, 'pod-template-hash': hash };
          if (rng.chance(0.02)) labels['canary-tester'] = 'true';
          addPod(name, `${app}-${hash}-${randomToken(rng, 5)}`, labels, template.ports,
            `registry.example.com/${team}/${template.base}:${version}.${rng.int(40)}`, app, dualStack);
        }
      }
    }
  }

  // Policies: two in kube-system/monitoring, the rest spread unevenly over tenants.
  const policyNames = new Map<string, Set<string>>();
  let policyCount = 0;
  const addPolicy = (shapeName: PolicyShape, ns: NamespacePlan): void => {
    const { name, spec } = makePolicy(shapeName, ns, rng);
    const names = policyNames.get(ns.name) ?? new Set<string>();
    policyNames.set(ns.name, names);
    let unique = name;
    for (let i = 2; names.has(unique); i++) unique = `${name}-${i}`;
    names.add(unique);
    sink.add(networkPolicy(ns.name, unique, spec));
    shapeCounts[shapeName]++;
    policyCount++;
  };
  const kubeSystem: NamespacePlan = { name: 'kube-system', team: 'platform', env: 'prod', dualStack: false, apps: [] };
  const monitoring: NamespacePlan = { name: 'monitoring', team: 'platform', env: 'prod', dualStack: false, apps: [] };
  addPolicy('allow-dns-ingress', kubeSystem);
  addPolicy('default-deny-ingress', monitoring);
  const perTenant = new Array<number>(tenantCount).fill(0);
  let optionalPicks = 0;
  for (let p = policyCount; p < shape.policies; p++) {
    const t = rng.int(tenantCount);
    perTenant[t] = (perTenant[t] ?? 0) + 1;
  }
  for (let t = 0; t < tenantCount; t++) {
    const ns = tenants[t];
    let quota = perTenant[t] ?? 0;
    if (ns === undefined || quota === 0) continue;
    const denyAll = rng.chance(0.25);
    addPolicy(denyAll ? 'default-deny-all' : 'default-deny-ingress', ns);
    quota--;
    if (denyAll && quota > 0) {
      addPolicy('allow-dns-egress', ns);
      quota--;
    }
    for (; quota > 0; quota--) {
      // The first optional policies walk the catalogue once so even the smallest
      // cluster carries every shape; after that, shapes follow their weights.
      const cycled = ALLOW_SHAPES[optionalPicks++];
      addPolicy(cycled === undefined ? rng.weighted(ALLOW_SHAPES) : cycled[0], ns);
    }
  }

  return {
    shape,
    documents: sink.documents,
    counts: {
      nodes: options.nodes === false ? 0 : addresses.nodeCount,
      namespaces: systemNamespaces + tenantCount,
      pods: podCount,
      hostNetworkPods,
      dualStackPods,
      policies: policyCount,
    },
    shapeCounts,
  };
}
