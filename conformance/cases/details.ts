// The "details that matter" of DESIGN.md, one named case each, with the Kubernetes
// documentation (or API defaulting code) that defines the behaviour. Cases that need
// shapes the x/y/z model lacks get a small cluster of their own; addresses outside the
// cluster come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24, 2001:db8::/32).
import type { Protocol } from '../../src/model/protocol.ts';
import type { ConformanceCase, FlowExpectation } from '../case.ts';
import { e2eCluster, e2ePodIp } from '../e2e-model.ts';
import { namespace, networkPolicy as np, pod } from '../manifests.ts';

const CONCEPTS = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
const API = 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/';
const DEFAULTS_GO = 'kubernetes/kubernetes pkg/apis/networking/v1/defaults.go';

function flow(from: string, to: string, port: number, protocol: Protocol, allowed: boolean, because: string): FlowExpectation {
  return { flow: { from, to, port, protocol }, allowed, because };
}

function tcpServer(ns: string, name: string, labels: Record<string, string>, ip: string | string[]) {
  return pod({ namespace: ns, name, labels, ips: Array.isArray(ip) ? ip : [ip], containers: [{ name: 'serve', ports: [{ containerPort: 80, name: 'serve-80-tcp', protocol: 'TCP' }] }] });
}

const namedPortsCluster = [
  namespace('np'),
  pod({ namespace: 'np', name: 'client', labels: { app: 'client' }, ips: ['10.20.0.10'], containers: [{ name: 'client', ports: [{ containerPort: 7000, name: 'http', protocol: 'TCP' }] }] }),
  pod({
    namespace: 'np', name: 'web-1', labels: { app: 'web' }, ips: ['10.20.0.11'],
    containers: [{ name: 'web', ports: [
      { containerPort: 8080, name: 'http', protocol: 'TCP' },
      { containerPort: 9100, name: 'metrics', protocol: 'TCP' },
      { containerPort: 9090, protocol: 'TCP' },
    ] }],
  }),
  pod({
    namespace: 'np', name: 'web-2', labels: { app: 'web' }, ips: ['10.20.0.12'],
    containers: [{ name: 'web', ports: [
      { containerPort: 9090, name: 'http', protocol: 'TCP' },
      { containerPort: 8080, name: 'alt', protocol: 'TCP' },
    ] }],
  }),
  pod({
    namespace: 'np', name: 'dns', labels: { app: 'dns' }, ips: ['10.20.0.13'],
    containers: [{ name: 'dns', ports: [
      { containerPort: 53, name: 'dns', protocol: 'UDP' },
      { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
      { containerPort: 7000, protocol: 'TCP' },
    ] }],
  }),
];

const endPortCluster = [
  namespace('ep'),
  pod({
    namespace: 'ep', name: 'server', labels: { app: 'server' }, ips: ['10.21.0.2'],
    containers: [{ name: 'serve', ports: [
      ...[79, 80, 81, 82, 83].map((p) => ({ containerPort: p, protocol: 'TCP' as const })),
      { containerPort: 81, protocol: 'UDP' as const },
    ] }],
  }),
  tcpServer('ep', 'client', { app: 'client' }, '10.21.0.3'),
];

const selectorCluster = [
  namespace('app', { purpose: 'app' }),
  namespace('team-a', { team: 'a' }),
  namespace('team-b', { team: 'b' }),
  namespace('other'),
  tcpServer('app', 'server', { app: 'server' }, '10.22.0.1'),
  tcpServer('app', 'db', { app: 'db', tier: 'db' }, '10.22.0.2'),
  tcpServer('app', 'web', { app: 'web', tier: 'web' }, '10.22.0.3'),
  tcpServer('app', 'plain', { app: 'plain' }, '10.22.0.4'),
  tcpServer('team-a', 'c1', { role: 'client' }, '10.22.1.1'),
  tcpServer('team-b', 'c2', { role: 'client' }, '10.22.2.1'),
  tcpServer('other', 'c3', { role: 'client' }, '10.22.3.1'),
];

const serverIngress = (from: unknown[]) =>
  np('app', 'server-ingress', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from }], policyTypes: ['Ingress'] });

const hostNetworkCluster = [
  namespace('hn'),
  pod({ namespace: 'hn', name: 'web', labels: { app: 'web' }, ips: ['10.30.0.2'], nodeName: 'node-a', containers: [{ name: 'serve', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
  pod({ namespace: 'hn', name: 'client', labels: { app: 'client' }, ips: ['10.30.0.3'], nodeName: 'node-a', containers: [{ name: 'serve', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
  // A host-network pod has its node's address; it runs on another node than web, so
  // "traffic to and from the node where a Pod is running is always allowed" does not apply.
  pod({ namespace: 'hn', name: 'agent', labels: { app: 'client' }, ips: ['192.168.50.11'], nodeName: 'node-b', hostNetwork: true, containers: [{ name: 'serve', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
];

const v6Cluster = [
  namespace('v6'),
  tcpServer('v6', 'a', { pod: 'a' }, 'fd00:10::1'),
  tcpServer('v6', 'b', { pod: 'b' }, 'fd00:10::2'),
  tcpServer('v6', 'c', { pod: 'c' }, 'fd00:10::3'),
];

const dualStackCluster = [
  namespace('ds'),
  tcpServer('ds', 'a', { pod: 'a' }, ['10.40.0.1', 'fd00:40::1']),
  tcpServer('ds', 'b', { pod: 'b' }, ['10.40.0.2', 'fd00:40::2']),
];

const xa = { matchLabels: { pod: 'a' } };

export const detailCases: readonly ConformanceCase[] = [
  {
    name: 'policyTypes defaults to Ingress, plus Egress only when egress rules are present',
    cite: `${API}#NetworkPolicySpec (policyTypes); ${CONCEPTS}#networkpolicy-resource; ${DEFAULTS_GO} SetDefaults_NetworkPolicy`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'egress rules, no policyTypes: defaults to [Ingress, Egress], so x/a is isolated both ways',
        apply: [np('x', 'egress-rules-no-policy-types', { podSelector: xa, egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	X	X	X	X	X	X	X
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'no rules and no policyTypes: defaults to [Ingress] only',
        delete: [{ kind: 'NetworkPolicy', namespace: 'x', name: 'egress-rules-no-policy-types' }],
        apply: [np('x', 'no-rules-no-policy-types', { podSelector: xa })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'an empty egress list is not "egress rules present": still [Ingress] only (len(Egress) != 0)',
        delete: [{ kind: 'NetworkPolicy', namespace: 'x', name: 'no-rules-no-policy-types' }],
        apply: [np('x', 'empty-egress-no-policy-types', { podSelector: xa, egress: [] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'explicit policyTypes [Egress]: ingress is not isolated',
        delete: [{ kind: 'NetworkPolicy', namespace: 'x', name: 'empty-egress-no-policy-types' }],
        apply: [np('x', 'egress-only', { podSelector: xa, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	X	X	X	X	X	X	X
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	.	.	.	.	.	.	.	.	.
          z/a	.	.	.	.	.	.	.	.	.
          z/b	.	.	.	.	.	.	.	.	.
          z/c	.	.	.	.	.	.	.	.	.
          ` }],
      },
    ],
  },
  {
    name: 'protocol defaults to TCP',
    cite: `${API}#NetworkPolicyPort ("protocol ... If not specified, this field defaults to TCP"); ${DEFAULTS_GO} SetDefaults_NetworkPolicyPort`,
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP', 'UDP', 'SCTP'] }),
    steps: [
      {
        description: 'ports: [{port: 80}] admits TCP 80 only',
        apply: [np('x', 'allow-80-default-protocol', { podSelector: xa, ingress: [{ ports: [{ port: 80 }] }], policyTypes: ['Ingress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          { port: 80, protocol: 'UDP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          { port: 80, protocol: 'SCTP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
      {
        description: 'ports: [{}] (no port, no protocol) admits every TCP port and nothing else',
        apply: [np('x', 'allow-80-default-protocol', { podSelector: xa, ingress: [{ ports: [{}] }], policyTypes: ['Ingress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          { port: 81, protocol: 'UDP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          { port: 80, protocol: 'SCTP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    name: "named ports resolve against the destination pod's container ports",
    cite: `${API}#NetworkPolicyPort ("port ... can either be a numerical or named port on a pod"); ${CONCEPTS}#behavior-of-to-and-from-selectors`,
    cluster: namedPortsCluster,
    steps: [
      {
        description: 'ingress to web pods on port "http": web-1 maps it to 8080, web-2 to 9090',
        apply: [np('np', 'allow-http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('np/client', 'np/web-1', 8080, 'TCP', true, '8080 is http on web-1'),
          flow('np/client', 'np/web-2', 9090, 'TCP', true, '9090 is http on web-2'),
          flow('np/client', 'np/web-1', 9090, 'TCP', false, '9090 is an unnamed port on web-1'),
          flow('np/client', 'np/web-2', 8080, 'TCP', false, "8080 is named 'alt' on web-2"),
          flow('np/client', 'np/web-1', 9100, 'TCP', false, "9100 is 'metrics'"),
          { port: 'http', protocol: 'TCP', table: `
            -	np/client	np/web-1	np/web-2
            np/client	.	.	.
            np/web-1	.	.	.
            np/web-2	.	.	.
            ` },
          { port: 8080, protocol: 'TCP', table: `
            -	np/web-1	np/web-2
            np/web-1	.	X
            np/web-2	.	.
            ` },
          { port: 9090, protocol: 'TCP', table: `
            -	np/web-1	np/web-2
            np/web-1	.	.
            np/web-2	X	.
            ` },
        ],
      },
      {
        description: 'egress named ports also resolve against the destination, not the source',
        apply: [np('np', 'client-egress-http', { podSelector: { matchLabels: { app: 'client' } }, egress: [{ ports: [{ port: 'http' }] }], policyTypes: ['Egress'] })],
        expect: [
          flow('np/client', 'np/web-1', 8080, 'TCP', true, 'http of web-1 is 8080'),
          flow('np/client', 'np/web-2', 9090, 'TCP', true, 'http of web-2 is 9090'),
          flow('np/client', 'np/web-2', 8080, 'TCP', false, "8080 is not web-2's http"),
          flow('np/client', 'np/dns', 7000, 'TCP', false, "7000 is the client's own http; dns has no http"),
          flow('np/client', 'np/dns', 53, 'UDP', false, 'dns has no http port'),
          flow('np/client', '203.0.113.10', 8080, 'TCP', false, 'a named port only matches pods that declare it'),
        ],
      },
      {
        description: 'a named port matches only with its own protocol: "dns" is UDP, the rule defaults to TCP',
        delete: [{ kind: 'NetworkPolicy', namespace: 'np', name: 'client-egress-http' }],
        apply: [np('np', 'allow-dns', { podSelector: { matchLabels: { app: 'dns' } }, ingress: [{ ports: [{ port: 'dns' }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('np/web-1', 'np/dns', 53, 'UDP', false, "rule is TCP 'dns'; 'dns' is a UDP container port"),
          flow('np/web-1', 'np/dns', 53, 'TCP', false, "TCP 53 is named 'dns-tcp'"),
        ],
      },
      {
        description: 'with protocol UDP the name resolves',
        apply: [np('np', 'allow-dns', { podSelector: { matchLabels: { app: 'dns' } }, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('np/web-1', 'np/dns', 53, 'UDP', true, "UDP 'dns' is 53"),
          flow('np/web-1', 'np/dns', 53, 'TCP', false, 'only UDP is admitted'),
        ],
      },
    ],
  },
  {
    name: 'endPort admits the inclusive range port..endPort',
    cite: `${CONCEPTS}#targeting-a-range-of-ports; ${API}#NetworkPolicyPort (endPort)`,
    cluster: endPortCluster,
    steps: [
      {
        apply: [np('ep', 'server-80-82', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 82 }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('ep/client', 'ep/server', 79, 'TCP', false, 'below the range'),
          flow('ep/client', 'ep/server', 80, 'TCP', true, 'range start'),
          flow('ep/client', 'ep/server', 81, 'TCP', true, 'inside the range'),
          flow('ep/client', 'ep/server', 82, 'TCP', true, 'range end is inclusive'),
          flow('ep/client', 'ep/server', 83, 'TCP', false, 'above the range'),
          flow('ep/client', 'ep/server', 81, 'UDP', false, 'the range is TCP only'),
        ],
      },
      {
        description: 'an egress range on the client (protocol defaults to TCP)',
        apply: [np('ep', 'client-80-81', { podSelector: { matchLabels: { app: 'client' } }, egress: [{ ports: [{ port: 80, endPort: 81 }] }], policyTypes: ['Egress'] })],
        expect: [
          flow('ep/client', 'ep/server', 80, 'TCP', true, 'in both ranges'),
          flow('ep/client', 'ep/server', 81, 'TCP', true, 'in both ranges'),
          flow('ep/client', 'ep/server', 82, 'TCP', false, 'egress range ends at 81'),
          flow('ep/client', 'ep/server', 81, 'UDP', false, 'egress range is TCP'),
        ],
      },
    ],
  },
  {
    name: 'ipBlock.except removes addresses from the block, pod addresses included',
    cite: `${API}#IPBlock ("except is a slice of CIDRs that should not be included within an IPBlock"); ${CONCEPTS}#networkpolicy-resource`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'x/a admits 10.10.0.0/24 except 10.10.0.4/30 (y/a, y/b, y/c, z/a)',
        apply: [np('x', 'x-a-from-block', { podSelector: xa, ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.0/24', except: ['10.10.0.4/30'] } }] }], policyTypes: ['Ingress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          flow('10.10.0.200', 'x/a', 80, 'TCP', true, 'in the block, not excepted'),
          flow('10.10.0.6', 'x/a', 80, 'TCP', false, 'excepted (y/c address)'),
          flow('10.10.1.1', 'x/a', 80, 'TCP', false, 'outside the block'),
        ],
      },
      {
        description: 'several excepts: also 10.10.0.8/31 (z/b, z/c)',
        apply: [np('x', 'x-a-from-block', { podSelector: xa, ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.0/24', except: ['10.10.0.4/30', '10.10.0.8/31'] } }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'x/b may reach the internet except 10.0.0.0/8, which holds every pod',
        apply: [np('x', 'x-b-internet-only', { podSelector: { matchLabels: { pod: 'b' } }, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }], policyTypes: ['Egress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	X	X	X	X	X	X	X	X
            x/c	.	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          flow('x/b', '203.0.113.9', 443, 'TCP', true, 'outside the excepted 10.0.0.0/8'),
          flow('x/b', '10.200.0.1', 443, 'TCP', false, 'inside the excepted 10.0.0.0/8'),
        ],
      },
    ],
  },
  {
    name: 'NotIn and DoesNotExist match objects that lack the label',
    cite: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement; ' + `${API}#NetworkPolicyPeer`,
    cluster: selectorCluster,
    steps: [
      {
        description: 'podSelector tier NotIn [db]: web and plain (no tier label) match, db does not',
        apply: [serverIngress([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }])],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	app/server	app/db	app/web	app/plain	team-a/c1	team-b/c2	other/c3
          app/server	.	.	.	.	.	.	.
          app/db	X	.	.	.	.	.	.
          app/web	.	.	.	.	.	.	.
          app/plain	.	.	.	.	.	.	.
          team-a/c1	X	.	.	.	.	.	.
          team-b/c2	X	.	.	.	.	.	.
          other/c3	X	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'podSelector tier DoesNotExist: only plain',
        apply: [serverIngress([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }])],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	app/server	app/db	app/web	app/plain	team-a/c1	team-b/c2	other/c3
          app/server	.	.	.	.	.	.	.
          app/db	X	.	.	.	.	.	.
          app/web	X	.	.	.	.	.	.
          app/plain	.	.	.	.	.	.	.
          team-a/c1	X	.	.	.	.	.	.
          team-b/c2	X	.	.	.	.	.	.
          other/c3	X	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'namespaceSelector team NotIn [a]: team-b, other and app itself (no team label)',
        apply: [serverIngress([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] } }])],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	app/server	app/db	app/web	app/plain	team-a/c1	team-b/c2	other/c3
          app/server	.	.	.	.	.	.	.
          app/db	.	.	.	.	.	.	.
          app/web	.	.	.	.	.	.	.
          app/plain	.	.	.	.	.	.	.
          team-a/c1	X	.	.	.	.	.	.
          team-b/c2	.	.	.	.	.	.	.
          other/c3	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'namespaceSelector team DoesNotExist: other and app',
        apply: [serverIngress([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }])],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	app/server	app/db	app/web	app/plain	team-a/c1	team-b/c2	other/c3
          app/server	.	.	.	.	.	.	.
          app/db	.	.	.	.	.	.	.
          app/web	.	.	.	.	.	.	.
          app/plain	.	.	.	.	.	.	.
          team-a/c1	X	.	.	.	.	.	.
          team-b/c2	X	.	.	.	.	.	.
          other/c3	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'podSelector tier Exists: db and web, not plain',
        apply: [serverIngress([{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }])],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	app/server	app/db	app/web	app/plain	team-a/c1	team-b/c2	other/c3
          app/server	X	.	.	.	.	.	.
          app/db	.	.	.	.	.	.	.
          app/web	.	.	.	.	.	.	.
          app/plain	X	.	.	.	.	.	.
          team-a/c1	X	.	.	.	.	.	.
          team-b/c2	X	.	.	.	.	.	.
          other/c3	X	.	.	.	.	.	.
          ` }],
      },
    ],
  },
  {
    name: 'empty selectors select everything in scope; an absent namespaceSelector means the policy namespace',
    cite: `${API}#NetworkPolicyPeer (namespaceSelector / podSelector); ${API}#NetworkPolicyIngressRule ("from ... If this field is empty or missing, this rule matches all sources")`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'namespaceSelector: {} alone = every pod in every namespace',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ namespaceSelector: {} }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	.	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	.	.	.	.	.	.	.	.	.
          z/a	.	.	.	.	.	.	.	.	.
          z/b	.	.	.	.	.	.	.	.	.
          z/c	.	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'podSelector: {} alone = every pod of the policy namespace x',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ podSelector: {} }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	.	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'both empty = every pod in every namespace',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	.	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	.	.	.	.	.	.	.	.	.
          z/a	.	.	.	.	.	.	.	.	.
          z/b	.	.	.	.	.	.	.	.	.
          z/c	.	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'pod b with namespaceSelector: {} = x/b, y/b, z/b',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } }, namespaceSelector: {} }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	.	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'pod b without namespaceSelector = x/b only',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'from: [] (empty list) = all sources, like an absent from',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	.	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	.	.	.	.	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	.	.	.	.	.	.	.	.	.
          z/a	.	.	.	.	.	.	.	.	.
          z/b	.	.	.	.	.	.	.	.	.
          z/c	.	.	.	.	.	.	.	.	.
          ` }],
      },
    ],
  },
  {
    name: "a pod-only peer selects pods in the policy's own namespace",
    cite: `${API}#NetworkPolicyPeer ("Otherwise it selects the pods matching podSelector in the policy's own namespace"); ${CONCEPTS}#behavior-of-to-and-from-selectors`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'y/a admits pod=a (only y/a itself, not x/a or z/a); z/b may reach pod=c (only z/c)',
        apply: [
          np('y', 'y-a-from-pod-a', { podSelector: xa, ingress: [{ from: [{ podSelector: xa }] }], policyTypes: ['Ingress'] }),
          np('z', 'z-b-to-pod-c', { podSelector: { matchLabels: { pod: 'b' } }, egress: [{ to: [{ podSelector: { matchLabels: { pod: 'c' } } }] }], policyTypes: ['Egress'] }),
        ],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	.	.	.	X	.	.	.	.	.
          x/b	.	.	.	X	.	.	.	.	.
          x/c	.	.	.	X	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	X	.	.	.	.	.
          y/c	.	.	.	X	.	.	.	.	.
          z/a	.	.	.	X	.	.	.	.	.
          z/b	X	X	X	X	X	X	X	X	.
          z/c	.	.	.	X	.	.	.	.	.
          ` }],
      },
    ],
  },
  {
    name: 'peers are ORed; the selectors within one peer are ANDed',
    cite: `${CONCEPTS}#behavior-of-to-and-from-selectors; ${API}#LabelSelector ("The requirements are ANDed")`,
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'two peers (namespace y) OR (pod b of x)',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	.	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	.	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	.	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'one peer: namespace y AND pod b',
        apply: [np('x', 'x-a-ingress', { podSelector: xa, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'rules are ORed too, each with its own ports: x/b on 80, namespace z on any port',
        apply: [
          np('x', 'x-a-ingress', {
            podSelector: xa,
            ingress: [
              { from: [{ podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 80 }] },
              { from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] },
            ],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	X	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
      {
        description: 'matchLabels AND matchExpressions of one selector: ns=y AND ns NotIn [y] matches nothing',
        apply: [
          np('x', 'x-a-ingress', {
            podSelector: xa,
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' }, matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['y'] }] } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	X	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
    ],
  },
  {
    name: 'ipBlock peers match pod addresses too',
    cite: `${CONCEPTS}#networkpolicy-resource (ipBlock); kubernetes/kubernetes test/e2e/network/netpol/network_policy.go It "should allow egress access to server in CIDR block"`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: "x/a admits y/b's address only",
        apply: [np('x', 'x-a-from-cidr', { podSelector: xa, ingress: [{ from: [{ ipBlock: { cidr: `${e2ePodIp('y', 'b')}/32` } }] }], policyTypes: ['Ingress'] })],
        expect: [{ port: 80, protocol: 'TCP', table: `
          -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
          x/a	X	.	.	.	.	.	.	.	.
          x/b	X	.	.	.	.	.	.	.	.
          x/c	X	.	.	.	.	.	.	.	.
          y/a	X	.	.	.	.	.	.	.	.
          y/b	.	.	.	.	.	.	.	.	.
          y/c	X	.	.	.	.	.	.	.	.
          z/a	X	.	.	.	.	.	.	.	.
          z/b	X	.	.	.	.	.	.	.	.
          z/c	X	.	.	.	.	.	.	.	.
          ` }],
      },
      {
        description: 'a block holding every pod address admits every pod, in any namespace',
        apply: [np('x', 'x-a-from-cidr', { podSelector: xa, ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.0/24' } }] }], policyTypes: ['Ingress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
          flow('10.10.0.100', 'x/a', 80, 'TCP', true, 'an address in the block that is no pod'),
          flow('192.0.2.1', 'x/a', 80, 'TCP', false, 'outside the block'),
        ],
      },
    ],
  },
  {
    name: 'host-network pods are never selected, by subjects or peers',
    cite: `${CONCEPTS}#networkpolicy-and-hostnetwork-pods ("ignores hostNetwork pods when matching podSelector and namespaceSelector ... treated the same as all other traffic to/from the node IP")`,
    cluster: hostNetworkCluster,
    steps: [
      {
        description: 'default-deny ingress in hn: the host-network pod is not isolated',
        apply: [np('hn', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })],
        expect: [
          flow('hn/client', 'hn/web', 80, 'TCP', false, 'web is isolated'),
          flow('hn/client', 'hn/agent', 80, 'TCP', true, 'podSelector {} does not select the host-network pod'),
          flow('hn/agent', 'hn/web', 80, 'TCP', false, 'web is isolated'),
        ],
      },
      {
        description: 'web admits app=client pods: the host-network pod carries the label but is not matched',
        apply: [np('hn', 'web-from-clients', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('hn/client', 'hn/web', 80, 'TCP', true, 'client matches app=client'),
          flow('hn/agent', 'hn/web', 80, 'TCP', false, 'a host-network pod is node traffic, not a selectable pod'),
        ],
      },
      {
        description: "web admits node-b's address: host-network traffic is node traffic",
        apply: [np('hn', 'web-from-node-b', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '192.168.50.11/32' } }] }], policyTypes: ['Ingress'] })],
        expect: [flow('hn/agent', 'hn/web', 80, 'TCP', true, "node-b's address is in the block")],
      },
      {
        description: 'default-deny egress in hn: not applied to the host-network pod',
        apply: [np('hn', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
        expect: [
          flow('hn/agent', 'hn/web', 80, 'TCP', true, "the host-network pod's egress is never selected"),
          flow('hn/client', 'hn/web', 80, 'TCP', false, "client's egress is isolated"),
          flow('hn/client', 'hn/agent', 80, 'TCP', false, "client's egress is isolated"),
        ],
      },
    ],
  },
  {
    name: 'IPv6: ipBlock with except on an IPv6-only cluster',
    cite: `${API}#IPBlock (cidr "192.168.1.0/24" or "2001:db8::/64"); https://kubernetes.io/docs/concepts/services-networking/dual-stack/`,
    cluster: v6Cluster,
    steps: [
      {
        description: 'v6/a admits fd00:10::/64 except fd00:10::3/128 (v6/c)',
        apply: [np('v6', 'a-from-v6-block', { podSelector: xa, ingress: [{ from: [{ ipBlock: { cidr: 'fd00:10::/64', except: ['fd00:10::3/128'] } }] }], policyTypes: ['Ingress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	v6/a	v6/b	v6/c
            v6/a	.	.	.
            v6/b	.	.	.
            v6/c	X	.	.
            ` },
          flow('fd00:10::99', 'v6/a', 80, 'TCP', true, 'in the block'),
          flow('2001:db8::1', 'v6/a', 80, 'TCP', false, 'outside the block'),
        ],
      },
      {
        description: 'v6/b may reach 2001:db8::/32 only',
        apply: [np('v6', 'b-to-doc-range', { podSelector: { matchLabels: { pod: 'b' } }, egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }], policyTypes: ['Egress'] })],
        expect: [
          { port: 80, protocol: 'TCP', table: `
            -	v6/a	v6/b	v6/c
            v6/a	.	.	.
            v6/b	X	X	X
            v6/c	X	.	.
            ` },
          flow('v6/b', '2001:db8::5', 443, 'TCP', true, 'in the block'),
          flow('v6/b', '203.0.113.5', 443, 'TCP', false, 'an IPv6 block never matches an IPv4 address'),
        ],
      },
    ],
  },
  {
    name: 'IPv4 and IPv6: a dual-stack cluster keeps the address families apart',
    cite: `https://kubernetes.io/docs/concepts/services-networking/dual-stack/; ${API}#IPBlock`,
    cluster: dualStackCluster,
    steps: [
      {
        description: 'ds/a may reach 0.0.0.0/0 only: every IPv4 address, no IPv6 address',
        apply: [np('ds', 'a-egress', { podSelector: xa, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }], policyTypes: ['Egress'] })],
        expect: [
          flow('ds/a', '203.0.113.7', 443, 'TCP', true, 'IPv4, in 0.0.0.0/0'),
          flow('ds/a', '2001:db8::7', 443, 'TCP', false, '0.0.0.0/0 holds no IPv6 address'),
        ],
      },
      {
        description: 'with ::/0 as well, both families and both pods are reachable',
        apply: [np('ds', 'a-egress', { podSelector: xa, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }], policyTypes: ['Egress'] })],
        expect: [
          flow('ds/a', '2001:db8::7', 443, 'TCP', true, 'IPv6, in ::/0'),
          flow('ds/a', 'ds/b', 80, 'TCP', true, "both of b's addresses are covered"),
        ],
      },
      {
        description: 'pod selectors cover every address of the selected pods',
        apply: [np('ds', 'b-from-a', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ podSelector: xa }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('ds/a', 'ds/b', 80, 'TCP', true, 'a is selected by pod=a'),
          flow('2001:db8::9', 'ds/b', 80, 'TCP', false, 'not a selected pod'),
          flow('203.0.113.9', 'ds/b', 80, 'TCP', false, 'not a selected pod'),
        ],
      },
    ],
  },
  {
    name: 'egress to and ingress from addresses outside the cluster via ipBlock',
    cite: `${CONCEPTS}#networkpolicy-resource ("ipBlock ... These should be cluster-external IPs"); ${API}#IPBlock`,
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'x/a may reach 203.0.113.0/24 on TCP 443 only',
        apply: [np('x', 'x-a-to-external', { podSelector: xa, egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }], policyTypes: ['Egress'] })],
        expect: [
          flow('x/a', '203.0.113.10', 443, 'TCP', true, 'in the block, on 443'),
          flow('x/a', '203.0.113.10', 80, 'TCP', false, 'only port 443'),
          flow('x/a', '203.0.113.10', 443, 'UDP', false, 'only TCP'),
          flow('x/a', '198.51.100.10', 443, 'TCP', false, 'outside the block'),
          flow('x/b', '198.51.100.10', 443, 'TCP', true, 'x/b is not selected'),
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
      {
        description: 'x/b admits 198.51.100.0/24 only',
        apply: [np('x', 'x-b-from-external', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }], policyTypes: ['Ingress'] })],
        expect: [
          flow('198.51.100.7', 'x/b', 80, 'TCP', true, 'in the block'),
          flow('192.0.2.1', 'x/b', 80, 'TCP', false, 'outside the block'),
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	.	X	.	.	.	.	.	.	.
            x/c	.	X	.	.	.	.	.	.	.
            y/a	.	X	.	.	.	.	.	.	.
            y/b	.	X	.	.	.	.	.	.	.
            y/c	.	X	.	.	.	.	.	.	.
            z/a	.	X	.	.	.	.	.	.	.
            z/b	.	X	.	.	.	.	.	.	.
            z/c	.	X	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
];
