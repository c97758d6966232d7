// Cilium cilium.io/v2 policies, one case per behaviour, each citing the Cilium
// documentation section it encodes. Every expectation runs in the engine and in the lab;
// flows from or to addresses outside the cluster (documentation ranges 192.0.2.0/24,
// 198.51.100.0/24) run against lab hosts outside the cluster holding those addresses.
import type { Protocol } from '../../src/model/protocol.ts';
import type { ConformanceCase, FlowExpectation, Manifest } from '../case.ts';
import { namespace, networkPolicy as np, pod } from '../manifests.ts';

const DOCS = 'https://docs.cilium.io/en/stable/security/policy/';
const L3 = `${DOCS}language/#layer-3-examples`;

function flow(from: string, to: string, port: number, allowed: boolean, because: string, protocol: Protocol = 'TCP'): FlowExpectation {
  return { flow: { from, to, port, protocol }, allowed, because };
}

function server(ns: string, name: string, labels: Record<string, string>, ip: string): Manifest {
  return pod({
    namespace: ns, name, labels, ips: [ip],
    containers: [{ name: 'serve', ports: [
      ...[80, 81, 82].map((p) => ({ containerPort: p, name: `serve-${p}-tcp`, protocol: 'TCP' as const })),
      { containerPort: 80, name: 'serve-80-udp', protocol: 'UDP' as const },
    ] }],
  });
}

function cnp(ns: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function ccnp(name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec };
}

const cluster: readonly Manifest[] = [
  namespace('cil', { team: 'a' }),
  namespace('cil-other', { team: 'b' }),
  server('cil', 'web', { app: 'web' }, '10.31.0.10'),
  server('cil', 'client', { app: 'client' }, '10.31.0.11'),
  server('cil', 'admin', { app: 'admin' }, '10.31.0.12'),
  server('cil-other', 'client', { app: 'client' }, '10.31.1.11'),
];

const WEB = { matchLabels: { app: 'web' } };
const CLIENT = { matchLabels: { app: 'client' } };

/** A ClusterIP Service on TCP port 80; `selector` undefined: a Service without a selector. */
function service(ns: string, name: string, labels: Record<string, string>, selector: Record<string, string> | undefined): Manifest {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels },
    spec: { ...(selector === undefined ? {} : { selector }), ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
  };
}

// Cluster nodes for CIDR rules: a Node the lab does not have and a host-network pod on
// its address (so the case is engine-only: CILIUM_LAB_SKIPS).
const NODE_IP = '192.168.70.2';
const nodeCluster: readonly Manifest[] = [
  ...cluster,
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cil-node-2', labels: { 'kubernetes.io/os': 'linux' } }, status: { addresses: [{ type: 'InternalIP', address: NODE_IP }] } },
  pod({
    namespace: 'cil', name: 'node-agent', labels: { app: 'node-agent' }, ips: [NODE_IP], hostNetwork: true, nodeName: 'cil-node-2',
    containers: [{ name: 'serve', ports: [{ containerPort: 80, name: 'serve-80-tcp', protocol: 'TCP' }] }],
  }),
];
const nodesCase: ConformanceCase = {
  name: 'cilium: CIDR rules do not select cluster nodes or host-network pods',
  cite: `${L3} (IP/CIDR based: "CIDR rules do not apply to traffic where both sides of the connection are either managed by Cilium or use an IP belonging to a node in the cluster (including host networking pods)"; `
    + 'Selecting nodes with CIDR / ipBlock: only with policy-cidr-match-mode=nodes); '
    + 'cilium/cilium pkg/node/manager/manager_test.go TestNodeCIDRLabels (nodes carry only reserved:host / reserved:remote-node labels by default)',
  cluster: nodeCluster,
  steps: [
    {
      description: 'client may reach toCIDR 0.0.0.0/0',
      apply: [cnp('cil', 'client-world', { endpointSelector: CLIENT, egress: [{ toCIDR: ['0.0.0.0/0'] }] })],
      expect: [
        flow('cil/client', 'cil/node-agent', 80, false, 'the host-network pod uses its node\'s address: identity remote-node, not a CIDR identity'),
        flow('cil/client', NODE_IP, 80, false, 'a node address is not selected by a CIDR rule'),
        flow('cil/client', '198.51.100.9', 80, true, 'an address outside the cluster is'),
        flow('cil/admin', 'cil/node-agent', 80, true, 'admin is not selected'),
      ],
    },
    {
      description: 'web admits fromCIDR 0.0.0.0/0',
      delete: [{ kind: 'CiliumNetworkPolicy', namespace: 'cil', name: 'client-world' }],
      apply: [cnp('cil', 'web-world', { endpointSelector: WEB, ingress: [{ fromCIDRSet: [{ cidr: '0.0.0.0/0' }] }] })],
      expect: [
        flow('cil/node-agent', 'cil/web', 80, false, 'traffic from a node is not selected by a CIDR rule'),
        flow('192.0.2.10', 'cil/web', 80, true, 'traffic from outside the cluster is'),
      ],
    },
    {
      description: 'a NetworkPolicy ipBlock 0.0.0.0/0 admits the node (Palisade: node traffic is traffic from the node IP)',
      delete: [{ kind: 'CiliumNetworkPolicy', namespace: 'cil', name: 'web-world' }],
      apply: [np('cil', 'web-ipblock', { podSelector: WEB, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }], policyTypes: ['Ingress'] })],
      expect: [
        flow('cil/node-agent', 'cil/web', 80, true, 'an ipBlock matches node addresses (kubernetes.io network-policies #networkpolicy-and-hostnetwork-pods)'),
        flow('192.0.2.10', 'cil/web', 80, true, 'and outside addresses'),
      ],
    },
  ],
};

/**
 * Cases the lab cannot reproduce, with the reason; the engine still checks them. The lab's
 * nodes are its own (names and addresses), and a host-network pod there is no lab pod to
 * probe from or serve in.
 */
export const CILIUM_LAB_SKIPS: ReadonlyMap<string, string> = new Map([
  [nodesCase.name, 'needs a host-network pod at a declared Node address, probed from and to; the lab nodes are its own and host-network pods are not lab pods'],
]);

export const ciliumCases: readonly ConformanceCase[] = [
  {
    name: 'cilium: fromEntities world admits no pod, cluster admits every pod',
    cite: `${L3} (Entities Based: world, cluster)`,
    cluster,
    steps: [
      {
        description: 'web admits world only',
        apply: [cnp('cil', 'web-world', { endpointSelector: WEB, ingress: [{ fromEntities: ['world'] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, false, 'a pod is not world'),
          flow('cil-other/client', 'cil/web', 80, false, 'a pod of another namespace is not world either'),
          flow('192.0.2.10', 'cil/web', 80, true, 'an address outside the cluster is world'),
        ],
      },
      {
        description: 'web admits the cluster',
        apply: [cnp('cil', 'web-world', { endpointSelector: WEB, ingress: [{ fromEntities: ['cluster'] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'pods are in the cluster'),
          flow('cil-other/client', 'cil/web', 81, true, 'in every namespace'),
          flow('192.0.2.10', 'cil/web', 80, false, 'world is not cluster'),
        ],
      },
      {
        description: 'ingress: [{}] isolates and admits nothing',
        apply: [cnp('cil', 'web-world', { endpointSelector: WEB, ingress: [{}] })],
        expect: [
          flow('cil/client', 'cil/web', 80, false, 'an empty rule selects no peer'),
          flow('cil/web', 'cil/client', 80, true, 'egress is not restricted: the policy has no egress section'),
        ],
      },
    ],
  },
  {
    name: 'cilium: a deny rule beats a NetworkPolicy allow and a Cilium allow',
    cite: `${DOCS}language/#deny-policies ("deny policies take precedence over allow policies")`,
    cluster,
    steps: [
      {
        description: 'NetworkPolicy and CNP both allow; the CNP denies client',
        apply: [
          np('cil', 'allow-all-to-web', { podSelector: WEB, ingress: [{}], policyTypes: ['Ingress'] }),
          cnp('cil', 'web-allow-client', { endpointSelector: WEB, ingress: [{ fromEndpoints: [CLIENT] }] }),
          cnp('cil', 'web-deny-client', { endpointSelector: WEB, ingressDeny: [{ fromEndpoints: [CLIENT], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }),
        ],
        expect: [
          flow('cil/client', 'cil/web', 80, false, 'the deny matches before either allow'),
          flow('cil/client', 'cil/web', 81, true, 'the deny names port 80 only'),
          flow('cil/admin', 'cil/web', 80, true, 'the NetworkPolicy allows admin'),
          flow('cil-other/client', 'cil/web', 80, true, 'the deny is namespaced: only cil/client pods'),
        ],
      },
      {
        description: 'a clusterwide deny at egress beats the allows at ingress',
        apply: [ccnp('deny-egress-to-web', { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'cil-other' } }, egressDeny: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'cil', app: 'web' } }] }], egress: [{ toEntities: ['all'] }] })],
        expect: [
          flow('cil-other/client', 'cil/web', 80, false, 'denied at egress of the source'),
          flow('cil-other/client', 'cil/admin', 80, true, 'toEntities all allows the rest'),
        ],
      },
    ],
  },
  {
    name: 'cilium: enableDefaultDeny false only adds allows',
    cite: `${DOCS}language/ (enableDefaultDeny); ${DOCS}intro/#policy-enforcement-modes`,
    cluster,
    steps: [
      {
        description: 'enableDefaultDeny.ingress false',
        apply: [cnp('cil', 'web-client', { endpointSelector: WEB, enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [CLIENT] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'allowed by the rule'),
          flow('cil/admin', 'cil/web', 80, true, 'web is not put into default deny'),
        ],
      },
      {
        description: 'defaulted: an ingress section puts web into default deny',
        apply: [cnp('cil', 'web-client', { endpointSelector: WEB, ingress: [{ fromEndpoints: [CLIENT] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'allowed by the rule'),
          flow('cil/admin', 'cil/web', 80, false, 'default deny at ingress'),
          flow('cil-other/client', 'cil/web', 80, false, 'fromEndpoints without a namespace key means the policy namespace'),
        ],
      },
    ],
  },
  {
    name: 'cilium: toCIDRSet with except, and CIDR rules never match pods',
    cite: `${L3} (IP/CIDR based: toCIDRSet except; "CIDR rules do not apply to traffic where both sides ... are managed by Cilium")`,
    cluster,
    steps: [
      {
        apply: [cnp('cil', 'client-cidr', { endpointSelector: CLIENT, egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.99.0.0/16'] }, { cidr: '198.51.100.0/24' }] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, false, '10.0.0.0/8 covers the pod, but CIDR rules do not select cluster endpoints'),
          flow('cil/client', '10.40.0.5', 443, true, 'inside 10.0.0.0/8'),
          flow('cil/client', '10.99.1.1', 443, false, 'inside the except'),
          flow('cil/client', '198.51.100.9', 53, true, 'second CIDR', 'UDP'),
          flow('cil/client', '192.0.2.1', 80, false, 'outside every CIDR'),
          flow('cil/admin', 'cil/web', 80, true, 'admin is not selected'),
        ],
      },
    ],
  },
  {
    name: 'cilium: namespace selectors by name and by namespace labels',
    cite: `${DOCS}kubernetes/#namespaces ("k8s:io.kubernetes.pod.namespace"; namespace labels "io.cilium.k8s.namespace.labels")`,
    cluster,
    steps: [
      {
        description: 'clients of namespaces labelled team=b',
        apply: [cnp('cil', 'web-team-b', { endpointSelector: WEB, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'b', 'k8s:io.kubernetes.pod.namespace': 'cil-other', app: 'client' } }] }] })],
        expect: [
          flow('cil-other/client', 'cil/web', 80, true, 'namespace cil-other has team=b'),
          flow('cil/client', 'cil/web', 80, false, 'namespace cil has team=a'),
        ],
      },
      {
        description: 'any namespace (matchExpressions on the namespace key)',
        apply: [cnp('cil', 'web-team-b', { endpointSelector: WEB, ingress: [{ fromEndpoints: [{ matchLabels: { 'any:app': 'client' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' }] }] }] })],
        expect: [
          flow('cil-other/client', 'cil/web', 80, true, 'clients of every namespace'),
          flow('cil/client', 'cil/web', 80, true, 'clients of every namespace'),
          flow('cil/admin', 'cil/web', 80, false, 'not a client'),
        ],
      },
    ],
  },
  {
    name: 'cilium: toPorts with endPort',
    cite: `${DOCS}language/#layer-4-examples (Limit ingress/egress ports, port ranges with endPort)`,
    cluster,
    steps: [
      {
        apply: [cnp('cil', 'web-ports', { endpointSelector: WEB, ingress: [{ toPorts: [{ ports: [{ port: '80', endPort: 81, protocol: 'TCP' }] }] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'first port of the range'),
          flow('cil/admin', 'cil/web', 81, true, 'last port of the range; an L4-only rule admits every peer'),
          flow('cil/client', 'cil/web', 82, false, 'after the range'),
          flow('cil/client', 'cil/web', 80, false, 'UDP is not TCP', 'UDP'),
        ],
      },
    ],
  },
  {
    name: 'cilium: mixed cluster — NetworkPolicy and CiliumNetworkPolicy allows are a union',
    cite: `https://kubernetes.io/docs/concepts/services-networking/network-policies/ (policies are additive); ${DOCS}intro/ (default mode)`,
    cluster,
    steps: [
      {
        apply: [
          np('cil', 'web-from-client-80', { podSelector: WEB, ingress: [{ from: [{ podSelector: CLIENT }], ports: [{ port: 80 }] }], policyTypes: ['Ingress'] }),
          cnp('cil', 'web-from-admin', { endpointSelector: WEB, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'admin' } }] }] }),
          cnp('cil-other', 'client-egress', { endpointSelector: CLIENT, egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'cil', app: 'admin' } }] }] }),
        ],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'the NetworkPolicy allows client on 80'),
          flow('cil/client', 'cil/web', 81, false, 'neither allows client on 81'),
          flow('cil/admin', 'cil/web', 81, true, 'the CNP allows admin on any port'),
          flow('cil-other/client', 'cil/admin', 80, true, 'its egress CNP allows admin'),
          flow('cil-other/client', 'cil/web', 80, false, 'egress default deny at the source (and not admitted at web)'),
          flow('cil/web', 'cil-other/client', 80, true, 'cil-other/client is not isolated at ingress'),
        ],
      },
    ],
  },
  {
    name: 'cilium: toServices allows egress to the pods backing the Services',
    cite: `${DOCS}language/#services-based (k8sService, k8sServiceSelector; a Service with a selector allows its selected pods). `
      + 'The Service\'s clusterIP is not probed: the lab has no kube-proxy, so only backend addresses are modelled',
    cluster: [
      ...cluster,
      service('cil', 'web-svc', { exposed: 'yes' }, { app: 'web' }),
      // Endpoints managed by hand: no backend Palisade can know of.
      service('cil-other', 'manual', { exposed: 'yes' }, undefined),
    ],
    steps: [
      {
        description: 'k8sService by name and namespace',
        apply: [cnp('cil', 'client-to-svc', { endpointSelector: CLIENT, egress: [{ toServices: [{ k8sService: { serviceName: 'web-svc', namespace: 'cil' } }] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'web backs web-svc'),
          flow('cil/client', 'cil/web', 81, true, 'no toPorts: every port of the backend'),
          flow('cil/client', 'cil/admin', 80, false, 'admin backs no Service: egress default deny'),
          flow('cil/client', 'cil-other/client', 80, false, 'a pod of another namespace is no backend'),
          flow('cil-other/client', 'cil/web', 80, true, 'the policy is namespaced: cil-other/client is not selected'),
        ],
      },
      {
        description: 'k8sServiceSelector without a namespace: Services of every namespace by their labels',
        apply: [cnp('cil', 'client-to-svc', { endpointSelector: CLIENT, egress: [{ toServices: [{ k8sServiceSelector: { selector: { matchLabels: { exposed: 'yes' } } } }] }] })],
        expect: [
          flow('cil/client', 'cil/web', 80, true, 'web backs web-svc, which is labelled exposed=yes'),
          flow('cil/client', 'cil/admin', 80, false, 'admin backs no Service'),
          flow('cil/client', 'cil-other/client', 80, false, 'manual has no selector: no backend'),
        ],
      },
      {
        description: 'a pod relabelled into the Service\'s selector becomes a backend',
        label: [{ kind: 'Pod', namespace: 'cil', name: 'admin', labels: { app: 'web' } }],
        expect: [
          flow('cil/client', 'cil/admin', 80, true, 'admin now carries app=web'),
          flow('cil/client', 'cil-other/client', 80, false, 'still no backend there'),
        ],
      },
    ],
  },
  nodesCase,
];
