// Every `It` of the upstream e2e "Netpol" suite (kubernetes/kubernetes
// test/e2e/network/netpol/network_policy.go) as data: the same policies on the same x/y/z
// model, and the truth tables its reachability expectations (ExpectPeer, ExpectAllIngress,
// ExpectAllEgress, Expect) produce over all nine pods, transcribed in the format the e2e
// prints. The calls each table comes from are quoted above it. Loopback cells are ignored,
// as upstream ignores them (ignoreLoopback = true).
//
// Transcribed from the version that probes all 9 pods (commit 9db638c0807a720aa050ebcef69c32e4d4cce280);
// the newest version (008b3652959ca58af8be3fb5b6ecfe9ae7638282) has the same It titles,
// policies and expectation calls but creates only the pods each test needs, and builds the
// ipBlock.except CIDR with makeLargeCIDRForIP(x/b) (the /4 around x/b) instead of
// "<x/a IP>/4": we use the newer, canonical form.
import type { ConformanceCase } from '../case.ts';
import { e2eCluster, e2ePodIp } from '../e2e-model.ts';
import { networkPolicy as np } from '../manifests.ts';

const FILE = 'kubernetes/kubernetes test/e2e/network/netpol/network_policy.go';
const TCP_CONTEXT = 'NetworkPolicy between server and client';
const UDP_CONTEXT = 'NetworkPolicy between server and client using UDP';
const SCTP_CONTEXT = 'NetworkPolicy between server and client using SCTP';
/** namespaceLabelKey / v1.LabelMetadataName: set by the API server on every namespace. */
const NS_NAME = 'kubernetes.io/metadata.name';

function upstream(context: string, title: string): { name: string; cite: string } {
  return { name: `${context} ${title}`, cite: `${FILE}: Describe "Netpol", Context "${context}", It "${title}"` };
}

export const upstreamNetpolCases: readonly ConformanceCase[] = [
  {
    ...upstream(TCP_CONTEXT, "should support a 'default-deny-ingress' policy"),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, "should support a 'default-deny-all' policy"),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false); ExpectPeer(&Peer{Namespace: nsX}, &Peer{}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	X	X	X	X	X	X	X	X	X
            x/c	X	X	X	X	X	X	X	X	X
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow traffic from pods within server namespace based on PodSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'x-a-allows-x-b', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(x/b, x/a, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow ingress traffic for a target'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'having a deny all ingress policy, then allow-all-to-a',
        apply: [
          np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
          np('x', 'allow-all-to-a', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, true); ExpectAllIngress(x/b, false); ExpectAllIngress(x/c, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	X	X	.	.	.	.	.	.
            x/b	.	X	X	.	.	.	.	.	.
            x/c	.	X	X	.	.	.	.	.	.
            y/a	.	X	X	.	.	.	.	.	.
            y/b	.	X	X	.	.	.	.	.	.
            y/c	.	X	X	.	.	.	.	.	.
            z/a	.	X	X	.	.	.	.	.	.
            z/b	.	X	X	.	.	.	.	.	.
            z/c	.	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow ingress traffic from pods in all namespaces'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-from-another-ns', {
            podSelector: { matchLabels: { pod: 'a' } },
            // MatchLabels: map[string]string{} serializes to an empty selector.
            ingress: [{ from: [{ namespaceSelector: {} }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // NewReachability(all, true): nothing blocked
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
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-ns-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{Namespace: nsX, Pod: "a"}, false)
          // ExpectPeer(&Peer{Namespace: nsZ}, &Peer{Namespace: nsX, Pod: "a"}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on PodSelector with MatchExpressions'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'x-a-allows-x-b', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(x/b, x/a, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on NamespaceSelector with MatchExpressions'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-match-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'In', values: ['y'] }] } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{Namespace: nsX, Pod: "a"}, false)
          // ExpectPeer(&Peer{Namespace: nsZ}, &Peer{Namespace: nsX, Pod: "a"}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on PodSelector or NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-match-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [
              {
                from: [
                  { namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] } },
                  { podSelector: { matchLabels: { pod: 'b' } } },
                ],
              },
            ],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // Expect(x/a, x/a, false); Expect(x/c, x/a, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on PodSelector and NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-podselector-and-nsselector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] },
                    podSelector: { matchLabels: { pod: 'b' } },
                  },
                ],
              },
            ],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(y/b, x/a, true); Expect(z/b, x/a, true)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	X	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on Multiple PodSelectors and NamespaceSelectors'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-z-pod-b-c', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] },
                    podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
                  },
                ],
              },
            ],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{Namespace: nsX, Pod: "a"}, false)
          // Expect(y/a, x/a, false); Expect(z/a, x/a, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	X	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on any PodSelectors'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-x-pod-b-c', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(x/b, x/a, true); Expect(x/c, x/a, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(y/a, x/a, true)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
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
    ...upstream(TCP_CONTEXT, 'should enforce policy based on Ports'),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'allowPort81Policy only allows allow listed namespaces (y) to connect on exactly one port (81)',
        apply: [
          np('x', 'allow-client-a-via-ns-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(nsX -> x/a, false); ExpectPeer(nsY -> x/a, true); ExpectPeer(nsZ -> x/a, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce multiple, stacked policies with overlapping podSelectors'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'allowPort81Policy only allows allow listed namespaces (y) to connect on exactly one port (81)',
        apply: [
          np('x', 'allow-client-a-via-ns-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // reachabilityALLOW: ExpectPeer(nsX -> x/a, false); ExpectPeer(nsY -> x/a, true); ExpectPeer(nsZ -> x/a, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          // reachabilityDENY: ExpectAllIngress(x/a, false)
          { port: 80, protocol: 'TCP', table: `
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
        description: 'we can add a policy to unblock port 80',
        apply: [
          np('x', 'allow-client-a-via-ns-selector-80', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // reachabilityALLOW again, on port 80
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should support allow-all policy'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'allow-all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })],
        expect: [
          // NewReachability(all, true) on both ports
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
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should allow ingress access on one named port'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'Blocking all ports other then 81 in the entire namespace',
        apply: [np('x', 'allow-all', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }], policyTypes: ['Ingress'] })],
        expect: [
          // reachabilityPort81: all true
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
          // reachabilityPort80: ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should allow ingress access from namespace on one named port'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-ns-selector-80', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // port 80 allowed for namespace y: ExpectPeer(nsX -> x/a, false); ExpectPeer(nsZ -> x/a, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
          // port 81 blocked for all namespaces including y: ExpectAllIngress(x/a, false)
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should allow egress access on one named port'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'validating egress from port 81 to port 80',
        apply: [np('x', 'allow-egress', { podSelector: {}, egress: [{ ports: [{ port: 'serve-80-tcp' }] }], policyTypes: ['Egress'] })],
        expect: [
          // reachabilityPort80: all true
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
          // reachabilityPort81: ExpectPeer(&Peer{Namespace: nsX}, &Peer{}, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	X	X	X	X	X	X	X	X	X
            x/c	X	X	X	X	X	X	X	X	X
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce updated policy'),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'part 1) allow all',
        apply: [np('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })],
        expect: [{ port: 81, protocol: 'TCP', table: `
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
        description: 'part 2) update the policy to deny all (policy.Spec.Ingress = [])',
        apply: [np('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [], policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should allow ingress access from updated namespace'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-ns-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false)
          { port: 80, protocol: 'TCP', table: `
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
        description: 'AddNamespaceLabel(y, ns2=updated): anything from namespace y should be able to get to x/a',
        label: [{ kind: 'Namespace', name: 'y', labels: { ns2: 'updated' } }],
        expect: [
          // ExpectAllIngress(x/a, false); ExpectPeer(&Peer{Namespace: nsY}, &Peer{}, true)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should allow ingress access from updated pod'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-pod-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false)
          { port: 80, protocol: 'TCP', table: `
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
        description: 'AddPodLabels(x/b, {pod: b, pod2: updated}): x/b is able to reach x/a when label is updated',
        label: [{ kind: 'Pod', namespace: 'x', name: 'b', labels: { pod: 'b', pod2: 'updated' } }],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(x/b, x/a, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should deny ingress from pods on other namespaces'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'deny-empty-policy', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsY}, &Peer{Namespace: nsX}, false); ExpectPeer(&Peer{Namespace: nsZ}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	.	.	.	.	.	.
            x/b	.	.	.	.	.	.	.	.	.
            x/c	.	.	.	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should deny ingress access to updated pod'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'Verify that everything can reach x/a',
        apply: [np('x', 'deny-ingress-via-label-selector', { podSelector: { matchLabels: { target: 'isolated' } }, policyTypes: ['Ingress'] })],
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
        description: 'AddPodLabels(x/a, {target: isolated})',
        label: [{ kind: 'Pod', namespace: 'x', name: 'a', labels: { target: 'isolated' } }],
        expect: [
          // ExpectAllIngress(x/a, false)
          { port: 80, protocol: 'TCP', table: `
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
    ...upstream(TCP_CONTEXT, 'should deny egress from pods based on PodSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'deny-egress-pod-a', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'] })],
        expect: [
          // ExpectAllEgress(x/a, false)
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should deny egress from all pods in a namespace'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [np('x', 'deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'] })],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	X	X	X	X	X	X	X	X	X
            x/c	X	X	X	X	X	X	X	X	X
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	.	.	.	.	.	.	.	.	.
            z/b	.	.	.	.	.	.	.	.	.
            z/c	.	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should work with Ingress, Egress specified together'),
    cluster: e2eCluster({ ports: [80, 81], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-pod-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
            egress: [{ ports: [{ port: 80 }] }],
            policyTypes: ['Egress', 'Ingress'],
          }),
        ],
        expect: [
          // reachabilityPort80: ExpectAllIngress(x/a, false); Expect(x/b, x/a, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
          // reachabilityPort81: ExpectAllIngress(x/a, false); ExpectAllEgress(x/a, false); Expect(x/b, x/a, true)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	.	.	.	.	.	.	.	.	.
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
    ...upstream(TCP_CONTEXT, 'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-to-ns-y-pod-a', {
            podSelector: { matchLabels: { pod: 'a' } },
            egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Egress'],
          }),
          np('y', 'allow-from-xa-on-ya-match-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Ingress'],
          }),
          np('y', 'allow-from-xa-on-yb-match-selector', {
            podSelector: { matchLabels: { pod: 'b' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(x/a -> any, false); ExpectPeer(any -> y/a, false);
          // ExpectPeer(x/a -> y/a, true); ExpectPeer(any -> y/b, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	X	X	X	X	X
            x/b	.	.	.	X	X	.	.	.	.
            x/c	.	.	.	X	X	.	.	.	.
            y/a	.	.	.	X	X	.	.	.	.
            y/b	.	.	.	X	X	.	.	.	.
            y/c	.	.	.	X	X	.	.	.	.
            z/a	.	.	.	X	X	.	.	.	.
            z/b	.	.	.	X	X	.	.	.	.
            z/c	.	.	.	X	X	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-to-ns-y-pod-a', {
            podSelector: { matchLabels: { pod: 'a' } },
            egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // ExpectAllEgress(x/a, false); Expect(x/a, y/a, true)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	X	X	X	X	X
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce ingress policy allowing any port traffic to a server on a specific protocol'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP', 'UDP'] }),
    steps: [
      {
        apply: [np('x', 'allow-ingress-by-proto', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ protocol: 'TCP' }] }], policyTypes: ['Ingress'] })],
        expect: [
          // reachabilityTCP: all true
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
          // reachabilityUDP: ExpectPeer(&Peer{}, &Peer{Namespace: nsX, Pod: "a"}, false)
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
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce multiple ingress policies with ingress allow-all policy taking precedence'),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: "The policy targets port 80 -- so let's make sure traffic on port 81 is blocked",
        apply: [np('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }], policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
      {
        description: 'Allowing all ports',
        apply: [np('x', 'allow-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })],
        expect: [{ port: 81, protocol: 'TCP', table: `
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
    ...upstream(TCP_CONTEXT, 'should enforce multiple egress policies with egress allow-all policy taking precedence'),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: "Making sure ingress doesn't work other than port 80",
        apply: [np('x', 'allow-egress-port-80', { podSelector: {}, egress: [{ ports: [{ port: 80 }] }], policyTypes: ['Egress'] })],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{}, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	X	X	X	X	X	X	X	X	X
            x/c	X	X	X	X	X	X	X	X	X
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
        description: 'Allowing all ports',
        apply: [np('x', 'allow-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] })],
        expect: [{ port: 81, protocol: 'TCP', table: `
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
    ...upstream(TCP_CONTEXT, 'should stop enforcing policies after they are deleted'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'Creating a network policy for the server which denies all traffic.',
        apply: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX}, &Peer{}, false); ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	X	X	X	X	X
            x/b	X	X	X	X	X	X	X	X	X
            x/c	X	X	X	X	X	X	X	X	X
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
      {
        description: 'k8s.cleanNetworkPolicies: all connectivity works again',
        delete: [{ kind: 'NetworkPolicy', namespace: 'x', name: 'deny-all' }],
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
    ...upstream(TCP_CONTEXT, 'should allow egress access to server in CIDR block'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-cidr-egress-rule', {
            podSelector: { matchLabels: { pod: 'a' } },
            // podServerCIDR = y/b's IP with a host mask
            egress: [{ to: [{ ipBlock: { cidr: `${e2ePodIp('y', 'b')}/32` } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // ExpectAllEgress(x/a, false); Expect(x/a, y/b, true)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	X	.	X	X	X	X
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce except clause while egress access to server in CIDR block'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-cidr-egress-rule', {
            podSelector: { matchLabels: { pod: 'a' } },
            // makeLargeCIDRForIP(x/b) = the /4 holding x/b (10.10.0.2 -> 0.0.0.0/4); except x/b/32
            egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${e2ePodIp('x', 'b')}/32`] } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // Expect(x/a, x/b, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	X	.	.	.	.	.	.	.
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-cidr-egress-rule', {
            podSelector: { matchLabels: { pod: 'a' } },
            egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${e2ePodIp('x', 'b')}/32`] } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // Expect(x/a, x/b, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	X	.	.	.	.	.	.	.
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
        description: "UpdatePolicy: same name, now allowing egress to x/b's IP only",
        apply: [
          np('x', 'allow-client-a-via-cidr-egress-rule', {
            podSelector: { matchLabels: { pod: 'a' } },
            egress: [{ to: [{ ipBlock: { cidr: `${e2ePodIp('x', 'b')}/32` } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // ExpectAllEgress(x/a, false); Expect(x/a, x/b, true)
          { port: 80, protocol: 'TCP', table: `
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
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        description: 'Creating a network policy for pod-a which allows Egress traffic to pod-b.',
        apply: [np('x', 'allow-egress-for-target', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{}], policyTypes: ['Egress'] })],
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
        description: 'Creating a network policy for pod-a that denies traffic from pod-b.',
        apply: [np('x', 'deny-ingress-via-label-selector', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Ingress'] })],
        expect: [
          // ExpectAllIngress(x/a, false)
          { port: 80, protocol: 'TCP', table: `
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
    ...upstream(TCP_CONTEXT, "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP"),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'default-deny ingress, then a policy allowing only SCTP on port 81; TCP 81 stays blocked',
        apply: [
          np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
          np('x', 'allow-only-sctp-ingress-on-port-81', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 81, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP"),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        description: 'a policy allowing only SCTP on port 80; TCP 81 is blocked by implicit isolation',
        apply: [
          np('x', 'allow-only-sctp-ingress-on-port-80', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false)
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should not allow access by TCP when a policy specifies only UDP'),
    cluster: e2eCluster({ ports: [81], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-only-udp-ingress-on-port-81', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // Probing with TCP, so all traffic should be dropped: ExpectAllIngress(x/a, false)
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
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-client-a-via-ns-selector-for-immutable-ns-label', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(nsX -> x/a, false); ExpectPeer(nsZ -> x/a, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(TCP_CONTEXT, 'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label'),
    cluster: e2eCluster({ ports: [80], protocols: ['TCP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-match-selector-for-immutable-ns-label', {
            podSelector: { matchLabels: { pod: 'a' } },
            egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['y'] }] } }] }],
            policyTypes: ['Egress'],
          }),
        ],
        expect: [
          // ExpectPeer(&Peer{Namespace: nsX, Pod: "a"}, &Peer{Namespace: nsY}, false)
          { port: 80, protocol: 'TCP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	.	.	.	X	X	X	.	.	.
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
    ],
  },
  // Describe "Netpol [LinuxOnly]", Context "... using UDP"
  {
    ...upstream(UDP_CONTEXT, "should support a 'default-deny-ingress' policy"),
    cluster: e2eCluster({ ports: [80], protocols: ['UDP'] }),
    steps: [
      {
        apply: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'UDP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(UDP_CONTEXT, 'should enforce policy based on Ports'),
    cluster: e2eCluster({ ports: [81], protocols: ['UDP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ingress-on-port-81-ns-x', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 81, protocol: 'UDP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(nsX -> x/a, false); ExpectPeer(nsZ -> x/a, false)
          { port: 81, protocol: 'UDP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(UDP_CONTEXT, 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['UDP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(y/a, x/a, true)
          { port: 80, protocol: 'UDP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
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
  // Describe "Netpol" [Feature:SCTPConnectivity] "[LinuxOnly]", Context "... using SCTP"
  {
    ...upstream(SCTP_CONTEXT, "should support a 'default-deny-ingress' policy"),
    cluster: e2eCluster({ ports: [80], protocols: ['SCTP'] }),
    steps: [
      {
        apply: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })],
        expect: [
          // ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false)
          { port: 80, protocol: 'SCTP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	X	X	.	.	.	.	.	.
            x/b	X	X	X	.	.	.	.	.	.
            x/c	X	X	X	.	.	.	.	.	.
            y/a	X	X	X	.	.	.	.	.	.
            y/b	X	X	X	.	.	.	.	.	.
            y/c	X	X	X	.	.	.	.	.	.
            z/a	X	X	X	.	.	.	.	.	.
            z/b	X	X	X	.	.	.	.	.	.
            z/c	X	X	X	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(SCTP_CONTEXT, 'should enforce policy based on Ports'),
    cluster: e2eCluster({ ports: [81], protocols: ['SCTP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ingress-on-port-81-ns-x', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 81, protocol: 'SCTP' }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectPeer(nsX -> x/a, false); ExpectPeer(nsZ -> x/a, false)
          { port: 81, protocol: 'SCTP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
            y/b	.	.	.	.	.	.	.	.	.
            y/c	.	.	.	.	.	.	.	.	.
            z/a	X	.	.	.	.	.	.	.	.
            z/b	X	.	.	.	.	.	.	.	.
            z/c	X	.	.	.	.	.	.	.	.
            ` },
        ],
      },
    ],
  },
  {
    ...upstream(SCTP_CONTEXT, 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector'),
    cluster: e2eCluster({ ports: [80], protocols: ['SCTP'] }),
    steps: [
      {
        apply: [
          np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', {
            podSelector: { matchLabels: { pod: 'a' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
            policyTypes: ['Ingress'],
          }),
        ],
        expect: [
          // ExpectAllIngress(x/a, false); Expect(y/a, x/a, true)
          { port: 80, protocol: 'SCTP', table: `
            -	x/a	x/b	x/c	y/a	y/b	y/c	z/a	z/b	z/c
            x/a	X	.	.	.	.	.	.	.	.
            x/b	X	.	.	.	.	.	.	.	.
            x/c	X	.	.	.	.	.	.	.	.
            y/a	.	.	.	.	.	.	.	.	.
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
];
