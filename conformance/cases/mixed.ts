// Mixed clusters: Kubernetes NetworkPolicy, ClusterNetworkPolicy, Calico and Cilium
// policies in force at once, evaluated by DESIGN.md "Semantics" (the tier table): tiers by
// order — Calico tiers by their `order`, the admin tier (ClusterNetworkPolicy Admin) at
// 1000 as Calico's own kube-admin tier, then the default tier (Kubernetes NetworkPolicy at
// order 1000, Calico policies without a tier, Cilium with its deny rules first), then the
// baseline tier, then allow. Each case names the table row(s) and upstream docs it encodes.
// Every flow is pod to pod, so each case runs in the engine and in the lab.
import type { ConformanceCase, FlowExpectation, Manifest } from '../case.ts';
import { namespace, networkPolicy as np, pod } from '../manifests.ts';

const DESIGN = 'DESIGN.md "Semantics" tier table';
const CALICO_TIERS = 'https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy';
const CALICO_TIER_REF = 'https://docs.tigera.io/calico/latest/reference/resources/tier';
const CALICO_ANP = 'https://docs.tigera.io/calico/latest/network-policy/adminnetworkpolicy (AdminNetworkPolicy in the kube-admin tier, order 1000)';
const CILIUM_DENY = 'https://docs.cilium.io/en/stable/security/policy/language/#deny-policies ("deny policies take precedence over allow policies")';
const CNP_TYPES = 'kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go (Admin tier before NetworkPolicy, Baseline after)';

function flow(from: string, to: string, port: number, allowed: boolean, because: string): FlowExpectation {
  return { flow: { from, to, port, protocol: 'TCP' }, allowed, because };
}

function server(ns: string, name: string, labels: Record<string, string>, ip: string): Manifest {
  return pod({
    namespace: ns, name, labels, ips: [ip],
    containers: [{ name: 'serve', ports: [80, 81].map((p) => ({ containerPort: p, name: `serve-${p}`, protocol: 'TCP' as const })) }],
  });
}

const cluster: readonly Manifest[] = [
  namespace('mix', { team: 'a' }),
  namespace('mix-other', { team: 'b' }),
  server('mix', 'web', { app: 'web' }, '10.52.0.10'),
  server('mix', 'client', { app: 'client' }, '10.52.0.11'),
  server('mix', 'db', { app: 'db' }, '10.52.0.12'),
  server('mix-other', 'client', { app: 'client' }, '10.52.1.11'),
  server('mix-other', 'probe', { app: 'probe' }, '10.52.1.12'),
];

const byName = (ns: string): Record<string, unknown> => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const WEB_NS = byName('mix');

function clusterPolicy(name: string, tier: 'Admin' | 'Baseline', priority: number, ingress: readonly Record<string, unknown>[]): Manifest {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, subject: { pods: { namespaceSelector: WEB_NS, podSelector: { matchLabels: { app: 'web' } } } }, ingress } };
}

function calicoTier(name: string, order: number, defaultAction: 'Deny' | 'Pass'): Manifest {
  return { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name }, spec: { order, defaultAction } };
}

function gnp(name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name }, spec };
}

function calicoNp(ns: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}

function ciliumNp(ns: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { namespace: ns, name }, spec };
}

const OTHER_CLIENT = { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'mix-other', app: 'client' } };

export const mixedCases: readonly ConformanceCase[] = [
  {
    name: 'mixed: tiers by order — a Calico tier of order 100 before the admin tier (1000), one of order 2000 after it',
    cite: `${DESIGN} rows admin and Calico tiers; ${CALICO_TIERS}; ${CALICO_ANP}; ${CALICO_TIER_REF} (defaultAction)`,
    cluster: [...cluster, calicoTier('early', 100, 'Pass'), calicoTier('late', 2000, 'Deny')],
    steps: [
      {
        description: 'early tier Allow to web:81 from mix-other clients; admin Deny from mix-other',
        apply: [
          gnp('early.web-81', { tier: 'early', order: 1, selector: "app == 'web'", ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: "app == 'client'", namespaceSelector: "projectcalico.org/name == 'mix-other'" }, destination: { ports: [81] } }] }),
          clusterPolicy('admin-deny-other', 'Admin', 10, [{ name: 'deny-mix-other', action: 'Deny', from: [{ namespaces: byName('mix-other') }] }]),
        ],
        expect: [
          flow('mix-other/client', 'mix/web', 81, true, 'early tier (order 100) Allow decides before the admin tier'),
          flow('mix-other/client', 'mix/web', 80, false, 'early tier: no rule matches, defaultAction Pass → admin Deny'),
          flow('mix-other/probe', 'mix/web', 81, false, 'early rule is for clients only → admin Deny'),
          flow('mix/client', 'mix/web', 80, true, 'no tier decides, no default-tier policy selects web: allowed'),
        ],
      },
      {
        description: 'admin Pass for namespace mix hands its traffic to the late tier, which admits only clients (defaultAction Deny)',
        apply: [
          clusterPolicy('admin-pass-mix', 'Admin', 20, [{ name: 'pass-mix', action: 'Pass', from: [{ namespaces: WEB_NS }] }]),
          gnp('late.web-clients', { tier: 'late', order: 1, selector: "app == 'web'", ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] }),
        ],
        expect: [
          flow('mix/client', 'mix/web', 80, true, 'admin Pass → late tier Allow'),
          flow('mix/db', 'mix/web', 80, false, 'admin Pass → late tier selected web, no rule matched: defaultAction Deny'),
          flow('mix-other/client', 'mix/web', 81, true, 'still the early tier first'),
          flow('mix-other/client', 'mix/web', 80, false, 'admin Deny (priority 10) before admin Pass (20)'),
        ],
      },
    ],
  },
  {
    name: 'mixed: a Pass chain — admin Pass, Calico tier Pass, default tier NetworkPolicy, then baseline',
    cite: `${DESIGN} (admin "Pass → next tier", Calico tiers "Pass → next tier", default "deny if any policy of the tier selects", baseline); ${CNP_TYPES}; ${CALICO_TIERS}`,
    cluster: [...cluster, calicoTier('security', 2000, 'Deny')],
    steps: [
      {
        description: 'mix-other traffic to web passes admin and security; a NetworkPolicy admits clients; baseline denies mix-other',
        apply: [
          clusterPolicy('admin-pass-other', 'Admin', 5, [{ name: 'pass-mix-other', action: 'Pass', from: [{ namespaces: byName('mix-other') }] }]),
          gnp('security.pass-other', { tier: 'security', order: 1, selector: "app == 'web'", ingress: [{ action: 'Pass', source: { namespaceSelector: "projectcalico.org/name == 'mix-other'" } }] }),
          np('mix', 'web-from-clients', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] }] }),
          clusterPolicy('baseline-deny-other', 'Baseline', 5, [{ name: 'deny-mix-other', action: 'Deny', from: [{ namespaces: byName('mix-other') }] }]),
        ],
        expect: [
          flow('mix-other/client', 'mix/web', 80, true, 'admin Pass → security Pass → NetworkPolicy admits clients'),
          flow('mix-other/probe', 'mix/web', 80, false, 'admin Pass → security Pass → the NetworkPolicy selects web and does not admit probe'),
          flow('mix/client', 'mix/web', 80, false, 'security selected web and no rule matched: defaultAction Deny (the NetworkPolicy is never reached)'),
        ],
      },
      {
        description: 'without the NetworkPolicy the passed traffic reaches the baseline tier',
        delete: [{ kind: 'NetworkPolicy', namespace: 'mix', name: 'web-from-clients' }],
        expect: [
          flow('mix-other/client', 'mix/web', 80, false, 'Pass, Pass, no default-tier policy selects web → baseline Deny'),
          flow('mix-other/probe', 'mix/web', 81, false, 'Pass, Pass → baseline Deny'),
        ],
      },
      {
        description: 'security tier with defaultAction Pass: unmatched traffic from mix goes on and is allowed',
        apply: [calicoTier('security', 2000, 'Pass')],
        expect: [
          flow('mix/client', 'mix/web', 80, true, 'security passes; nothing later selects it: allowed'),
          flow('mix-other/client', 'mix/web', 80, false, 'still Pass, Pass → baseline Deny'),
        ],
      },
    ],
  },
  {
    name: 'mixed: in the default tier a Cilium deny beats a Calico untiered allow and a NetworkPolicy allow; the admin tier still decides first',
    cite: `${DESIGN} row default ("Cilium policies (deny rules first: deny beats allow)"), row admin; ${CILIUM_DENY}`,
    cluster,
    steps: [
      {
        description: 'NetworkPolicy and Calico (no tier) admit everything to web; Cilium denies mix-other clients',
        apply: [
          np('mix', 'web-all', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }),
          calicoNp('mix', 'web-all-calico', { order: 10, selector: "app == 'web'", ingress: [{ action: 'Allow' }] }),
          ciliumNp('mix', 'deny-other-clients', { endpointSelector: { matchLabels: { app: 'web' } }, ingressDeny: [{ fromEndpoints: [OTHER_CLIENT] }] }),
        ],
        expect: [
          flow('mix-other/client', 'mix/web', 80, false, 'the Cilium deny comes before every allow of the default tier'),
          flow('mix-other/probe', 'mix/web', 80, true, 'not denied; Calico and the NetworkPolicy allow'),
          flow('mix/client', 'mix/web', 81, true, 'not denied; allowed'),
        ],
      },
      {
        description: 'an admin Accept for mix-other clients is decided before the default tier',
        apply: [clusterPolicy('admin-accept-other-clients', 'Admin', 1, [{ name: 'accept', action: 'Accept', from: [{ pods: { namespaceSelector: byName('mix-other'), podSelector: { matchLabels: { app: 'client' } } } }] }])],
        expect: [flow('mix-other/client', 'mix/web', 80, true, 'admin Accept is final; the Cilium deny is never reached')],
      },
    ],
  },
  {
    name: 'mixed: the default tier is one allow-list across dialects, and isolates before the baseline tier',
    cite: `${DESIGN} row default ("allow-list union"; "deny if any policy of the tier selects the endpoint") and row baseline; ${CNP_TYPES}`,
    cluster,
    steps: [
      {
        description: 'Cilium admits mix clients on 80; Calico (no tier) admits db; nothing else',
        apply: [
          ciliumNp('mix', 'web-clients-80', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }),
          calicoNp('mix', 'web-from-db', { selector: "app == 'web'", ingress: [{ action: 'Allow', source: { selector: "app == 'db'" } }] }),
        ],
        expect: [
          flow('mix/client', 'mix/web', 80, true, 'Cilium allow'),
          flow('mix/client', 'mix/web', 81, false, 'web is selected in the default tier; no allow for 81'),
          flow('mix/db', 'mix/web', 81, true, 'Calico allow'),
          flow('mix-other/client', 'mix/web', 80, false, 'Cilium selects mix pods only (policy namespace); nothing allows'),
        ],
      },
      {
        description: 'a baseline Accept does not reopen what the default tier isolated',
        apply: [clusterPolicy('baseline-accept-all', 'Baseline', 1, [{ name: 'accept-all', action: 'Accept', from: [{ namespaces: {} }] }])],
        expect: [
          flow('mix-other/client', 'mix/web', 80, false, 'default tier selected web: deny before the baseline tier'),
          flow('mix/client', 'mix/web', 81, false, 'default tier selected web: deny before the baseline tier'),
        ],
      },
    ],
  },
  {
    name: 'mixed: both sides must allow — a Cilium egress deny at the source, a Calico tier at the destination',
    cite: `${DESIGN} ("allowed only if its egress side AND its ingress side are allowed"); ${CILIUM_DENY}; ${CALICO_TIER_REF}`,
    cluster: [...cluster, calicoTier('security', 2000, 'Deny')],
    steps: [{
      description: 'security admits clients of any namespace to db; Cilium denies egress from mix/client to db',
      apply: [
        gnp('security.db-clients', { tier: 'security', order: 1, selector: "app == 'db'", ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] }),
        // egressDeny alone would isolate (enableDefaultDeny defaults on), so the rule also allows all, as Cilium's deny examples do.
        ciliumNp('mix', 'client-not-db', { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toEntities: ['all'] }], egressDeny: [{ toEndpoints: [{ matchLabels: { app: 'db' } }] }] }),
      ],
      expect: [
        flow('mix-other/client', 'mix/db', 80, true, 'egress unrestricted; security admits clients'),
        flow('mix/client', 'mix/db', 80, false, 'egress side: the Cilium deny beats its own toEntities all (the ingress side would allow)'),
        flow('mix/web', 'mix/db', 80, false, 'ingress side: security selected db, no rule matched → defaultAction Deny'),
        flow('mix/client', 'mix/web', 80, true, 'toEntities all admits web; the deny is for db only'),
      ],
    }],
  },
];
