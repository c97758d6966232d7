// The network-policy-api conformance scenarios for ClusterNetworkPolicy
// (kubernetes-sigs/network-policy-api conformance/tests/*.go with the manifests of
// conformance/base/), on the "Hogwarts houses" cluster of conformance/base/manifests.yaml.
// Each upstream `t.Run` is a step; its PokeServer calls are flows. Policies are written in
// the v1alpha2 form of apis/v1alpha2/clusternetworkpolicy_types.go (Accept, `protocols`);
// upstream mutations of the live object (rule swaps, priority and action patches) become
// re-applied manifests. Pods declare their served ports (upstream's agnhost containers
// serve them without declaring); names let named-port cases resolve them.
import type { Protocol } from '../../src/model/protocol.ts';
import type { ConformanceCase, FlowExpectation, Manifest } from '../case.ts';
import { namespace, networkPolicy, pod } from '../manifests.ts';

const REPO = 'kubernetes-sigs/network-policy-api';
const NS_PREFIX = 'network-policy-conformance-';
const CNP_V = 'policy.networking.k8s.io/v1alpha2';
const ANP_V = 'policy.networking.k8s.io/v1alpha1';

const HOUSES = [
  { house: 'gryffindor', pod: 'harry-potter', net: 1 },
  { house: 'slytherin', pod: 'draco-malfoy', net: 2 },
  { house: 'hufflepuff', pod: 'cedric-diggory', net: 3 },
  { house: 'ravenclaw', pod: 'luna-lovegood', net: 4 },
] as const;
type House = (typeof HOUSES)[number]['house'];

const PORTS: readonly { containerPort: number; name: string; protocol: Protocol }[] = [
  { containerPort: 80, name: 'web', protocol: 'TCP' },
  { containerPort: 8080, name: 'web-alt', protocol: 'TCP' },
  { containerPort: 5353, name: 'mdns', protocol: 'UDP' },
  { containerPort: 53, name: 'dns', protocol: 'UDP' },
  { containerPort: 9003, name: 'sctp-a', protocol: 'SCTP' },
  { containerPort: 9005, name: 'sctp-b', protocol: 'SCTP' },
];

function podIp(house: House, index: 0 | 1): string {
  const h = HOUSES.find((x) => x.house === house);
  return `10.60.${h?.net ?? 0}.${10 + index}`;
}

/** base/manifests.yaml: 4 namespaces labelled conformance-house, 2 StatefulSet pods each. */
const houses: readonly Manifest[] = [
  ...HOUSES.map((h) => namespace(NS_PREFIX + h.house, { 'conformance-house': h.house })),
  ...HOUSES.flatMap((h) => ([0, 1] as const).map((i) => pod({
    // StatefulSet pods carry their name as a label (CNPAdminTierPodSelector selects on it).
    namespace: NS_PREFIX + h.house, name: `${h.pod}-${i}`, labels: { 'conformance-house': h.house, 'statefulset.kubernetes.io/pod-name': `${h.pod}-${i}` }, ips: [podIp(h.house, i)],
    containers: [{ name: `${h.pod}-serve`, ports: PORTS }],
  }))),
];

const ref = (house: House, i: 0 | 1): string => `${NS_PREFIX}${house}/${HOUSES.find((x) => x.house === house)?.pod ?? ''}-${i}`;

function poke(from: string, to: string, protocol: Protocol, port: number, allowed: boolean, because: string): FlowExpectation {
  return { flow: { from, to, port, protocol }, allowed, because };
}

const nsSel = (house: House): Record<string, unknown> => ({ matchLabels: { 'kubernetes.io/metadata.name': NS_PREFIX + house } });
const houseSel = (house: House): Record<string, unknown> => ({ matchLabels: { 'conformance-house': house } });
const podsOf = (house: House): Record<string, unknown> => ({ pods: { namespaceSelector: houseSel(house), podSelector: houseSel(house) } });

function cnp(name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: CNP_V, kind: 'ClusterNetworkPolicy', metadata: { name }, spec };
}

const tcp = (port: number): Record<string, unknown> => ({ tcp: { destinationPort: { number: port } } });

// --- admin-network-policy-standard-ingress-tcp-rules.go (CNPAdminTierIngressTCP) ---------
type Rule = Record<string, unknown>;
const INGRESS_TCP_RULES: readonly Rule[] = [
  { name: 'allow-from-ravenclaw-everything', action: 'Accept', from: [{ namespaces: nsSel('ravenclaw') }] },
  { name: 'deny-from-ravenclaw-everything', action: 'Deny', from: [{ namespaces: nsSel('ravenclaw') }] },
  { name: 'pass-from-ravenclaw-everything', action: 'Pass', from: [{ namespaces: nsSel('ravenclaw') }] },
  { name: 'deny-from-slytherin-at-port-80', action: 'Deny', from: [{ namespaces: nsSel('slytherin') }], protocols: [tcp(80)] },
  { name: 'pass-from-slytherin-at-port-80', action: 'Pass', from: [{ namespaces: nsSel('slytherin') }], protocols: [tcp(80)] },
  { name: 'allow-from-hufflepuff-at-port-80', action: 'Accept', from: [{ namespaces: nsSel('hufflepuff') }], protocols: [tcp(80)] },
  { name: 'deny-from-hufflepuff-everything-else', action: 'Deny', from: [{ namespaces: nsSel('hufflepuff') }] },
];

function swap<T>(list: readonly T[], i: number, j: number): T[] {
  const out = [...list];
  const a = out[i] as T;
  out[i] = out[j] as T;
  out[j] = a;
  return out;
}

function ingressTcp(rules: readonly Rule[]): Manifest {
  return cnp('ingress-tcp', { tier: 'Admin', priority: 3, subject: { namespaces: nsSel('gryffindor') }, ingress: rules });
}

const swapped01 = swap(INGRESS_TCP_RULES, 0, 1);
const swapped02 = swap(swapped01, 0, 2);
const swapped34 = swap(swapped02, 3, 4);

const ingressTcpCase: ConformanceCase = {
  name: 'CNPAdminTierIngressTCP',
  cite: `${REPO} conformance/tests/admin-network-policy-standard-ingress-tcp-rules.go CNPAdminTierIngressTCP; conformance/base/admin_tier/standard-ingress-tcp-rules.yaml`,
  cluster: houses,
  steps: [
    {
      description: "Should support an 'allow-ingress' policy for TCP protocol; ensure rule ordering is respected / at the specified port / egress unaffected / 'deny-ingress' at the specified port",
      apply: [ingressTcp(INGRESS_TCP_RULES)],
      expect: [
        poke(ref('ravenclaw', 0), ref('gryffindor', 0), 'TCP', 80, true, 'rule 0 Accept before rule 1 Deny'),
        poke(ref('ravenclaw', 1), ref('gryffindor', 0), 'TCP', 8080, true, 'rule 0 Accept before rule 1 Deny'),
        poke(ref('hufflepuff', 0), ref('gryffindor', 1), 'TCP', 80, true, 'rule 5 Accept at port 80'),
        poke(ref('hufflepuff', 1), ref('gryffindor', 1), 'TCP', 8080, false, 'rule 6 Deny everything else'),
        poke(ref('gryffindor', 0), ref('ravenclaw', 0), 'TCP', 80, true, 'no egress rules: egress unaffected'),
        poke(ref('gryffindor', 1), ref('slytherin', 0), 'TCP', 80, true, 'no egress rules: egress unaffected'),
        poke(ref('slytherin', 0), ref('gryffindor', 0), 'TCP', 80, false, 'rule 3 Deny at port 80'),
        poke(ref('slytherin', 1), ref('gryffindor', 0), 'TCP', 8080, true, 'no rule matches: allowed'),
      ],
    },
    {
      description: "Should support an 'deny-ingress' policy for TCP protocol; ensure rule ordering is respected (swap rules 0 and 1)",
      apply: [ingressTcp(swapped01)],
      expect: [
        poke(ref('ravenclaw', 0), ref('gryffindor', 1), 'TCP', 80, false, 'Deny now first'),
        poke(ref('ravenclaw', 1), ref('gryffindor', 1), 'TCP', 8080, false, 'Deny now first'),
      ],
    },
    {
      description: "Should support an 'pass-ingress' policy for TCP protocol; ensure rule ordering is respected (swap rules 0 and 2)",
      apply: [ingressTcp(swapped02)],
      expect: [
        poke(ref('ravenclaw', 0), ref('gryffindor', 0), 'TCP', 80, true, 'Pass first: no NetworkPolicy, no baseline: allowed'),
        poke(ref('ravenclaw', 1), ref('gryffindor', 0), 'TCP', 8080, true, 'Pass first'),
      ],
    },
    {
      description: "Should support a 'pass-ingress' policy for TCP protocol at the specified port (swap rules 3 and 4)",
      apply: [ingressTcp(swapped34)],
      expect: [
        poke(ref('slytherin', 0), ref('gryffindor', 0), 'TCP', 80, true, 'Pass at port 80 before Deny'),
        poke(ref('slytherin', 1), ref('gryffindor', 0), 'TCP', 8080, true, 'no rule matches'),
      ],
    },
  ],
};

// --- admin-network-policy-standard-integration.go (CNPAdminTierIntegration) --------------
const integrationNp = networkPolicy(NS_PREFIX + 'gryffindor', 'allow-gress-from-to-slytherin-to-gryffindor', {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ namespaceSelector: houseSel('slytherin') }] }],
  egress: [{ to: [{ namespaceSelector: houseSel('slytherin') }] }],
});

function passExample(ingressAction: string, egressAction: string): Manifest {
  return cnp('pass-example', {
    tier: 'Admin', priority: 10, subject: { namespaces: houseSel('gryffindor') },
    ingress: [{ name: 'deny-all-ingress-from-slytherin', action: ingressAction, from: [{ namespaces: houseSel('slytherin') }] }],
    egress: [{ name: 'deny-all-egress-to-slytherin', action: egressAction, to: [{ namespaces: houseSel('slytherin') }] }],
  });
}

const baselineDefault = cnp('default', {
  tier: 'Baseline', priority: 10, subject: { namespaces: houseSel('gryffindor') },
  ingress: [{ name: 'deny-all-ingress-from-slytherin', action: 'Deny', from: [{ namespaces: houseSel('slytherin') }] }],
  egress: [{ name: 'deny-all-egress-to-slytherin', action: 'Deny', to: [{ namespaces: houseSel('slytherin') }] }],
});

function integrationSteps(admin: (i: string, e: string) => Manifest, baseline: Manifest, pass: string, deny: string, kindName: string): ConformanceCase['steps'] {
  const gryToSly = (allowed: boolean, because: string): FlowExpectation[] => [
    poke(ref('gryffindor', 0), ref('slytherin', 0), 'TCP', 80, allowed, because),
    poke(ref('gryffindor', 1), ref('slytherin', 0), 'TCP', 8080, allowed, because),
  ];
  const slyToGry = (allowed: boolean, because: string): FlowExpectation[] => [
    poke(ref('slytherin', 0), ref('gryffindor', 0), 'TCP', 80, allowed, because),
    poke(ref('slytherin', 1), ref('gryffindor', 0), 'TCP', 8080, allowed, because),
  ];
  return [
    {
      description: `Should Deny traffic from slytherin to gryffindor / to slytherin from gryffindor respecting admin ${kindName}`,
      apply: [admin(deny, deny), integrationNp, baseline],
      expect: [...slyToGry(false, 'admin Deny is final'), ...gryToSly(false, 'admin Deny is final')],
    },
    {
      description: `Should support a 'pass-ingress' policy for admin ${kindName} and respect the match for network policy`,
      apply: [admin(pass, deny)],
      expect: slyToGry(true, 'Pass → NetworkPolicy allows from slytherin'),
    },
    {
      description: `Should support a 'pass-egress' policy for admin ${kindName} and respect the match for network policy`,
      apply: [admin(pass, pass)],
      expect: gryToSly(true, 'Pass → NetworkPolicy allows to slytherin'),
    },
    {
      description: `Should support a 'pass-ingress' / 'pass-egress' policy for admin ${kindName} and respect the match for baseline (NetworkPolicy deleted)`,
      delete: [{ kind: 'NetworkPolicy', namespace: NS_PREFIX + 'gryffindor', name: 'allow-gress-from-to-slytherin-to-gryffindor' }],
      expect: [...slyToGry(false, 'Pass → no NetworkPolicy → baseline Deny'), ...gryToSly(false, 'Pass → no NetworkPolicy → baseline Deny')],
    },
  ];
}

const integrationCase: ConformanceCase = {
  name: 'CNPAdminTierIntegration',
  cite: `${REPO} conformance/tests/admin-network-policy-standard-integration.go CNPAdminTierIntegration; conformance/base/api_integration/standard-anp-np-banp.yaml`,
  cluster: houses,
  steps: integrationSteps(passExample, baselineDefault, 'Pass', 'Deny', 'CNP'),
};

// The same scenario in v1alpha1 (AdminNetworkPolicy + BaselineAdminNetworkPolicy "default"),
// as the suite ran it before v1alpha2: admin-network-policy-core-integration.go with
// conformance/base/api_integration/core-anp-np-banp.yaml.
function anpPassExample(ingressAction: string, egressAction: string): Manifest {
  return {
    apiVersion: ANP_V, kind: 'AdminNetworkPolicy', metadata: { name: 'pass-example' },
    spec: {
      priority: 10, subject: { namespaces: houseSel('gryffindor') },
      ingress: [{ name: 'deny-all-ingress-from-slytherin', action: ingressAction, from: [{ namespaces: houseSel('slytherin') }] }],
      egress: [{ name: 'deny-all-egress-to-slytherin', action: egressAction, to: [{ namespaces: houseSel('slytherin') }] }],
    },
  };
}
const banpDefault: Manifest = {
  apiVersion: ANP_V, kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' },
  spec: {
    subject: { namespaces: houseSel('gryffindor') },
    ingress: [{ name: 'deny-all-ingress-from-slytherin', action: 'Deny', from: [{ namespaces: houseSel('slytherin') }] }],
    egress: [{ name: 'deny-all-egress-to-slytherin', action: 'Deny', to: [{ namespaces: houseSel('slytherin') }] }],
  },
};
const anpIntegrationCase: ConformanceCase = {
  name: 'AdminNetworkPolicyIntegration (v1alpha1 ANP + NP + BANP)',
  cite: `${REPO} conformance/tests/admin-network-policy-core-integration.go; conformance/base/api_integration/core-anp-np-banp.yaml (v1alpha1)`,
  cluster: houses,
  steps: integrationSteps(anpPassExample, banpDefault, 'Pass', 'Deny', 'ANP'),
};

// --- admin-network-policy-standard-priority.go (CNPAdminTierPriorityField) ---------------
function priorityPolicies(passPriority: number): Manifest[] {
  const gress = (action: string, what: string): Record<string, unknown> => ({
    ingress: [{ name: `${what}-all-ingress-from-slytherin`, action, from: [podsOf('slytherin')] }],
    egress: [{ name: `${what}-all-egress-to-slytherin`, action, to: [podsOf('slytherin')] }],
  });
  const subject = podsOf('gryffindor');
  return [
    cnp('priority-50-example', { tier: 'Admin', priority: 50, subject, ...gress('Deny', 'deny') }),
    cnp('old-priority-60-new-priority-40-example', { tier: 'Admin', priority: passPriority, subject, ...gress('Pass', 'pass') }),
    cnp('default', { tier: 'Baseline', priority: 10, subject, ...gress('Accept', 'allow') }),
  ];
}

const priorityCase: ConformanceCase = {
  name: 'CNPAdminTierPriorityField',
  cite: `${REPO} conformance/tests/admin-network-policy-standard-priority.go CNPAdminTierPriorityField; conformance/base/admin_tier/standard-priority-field.yaml`,
  cluster: houses,
  steps: [
    {
      description: 'Should Deny traffic from slytherin to gryffindor / to slytherin from gryffindor respecting admin CNP (priority 50 before 60)',
      apply: priorityPolicies(60),
      expect: [
        poke(ref('slytherin', 0), ref('gryffindor', 0), 'TCP', 80, false, 'priority 50 Deny first'),
        poke(ref('slytherin', 1), ref('gryffindor', 0), 'TCP', 8080, false, 'priority 50 Deny first'),
        poke(ref('gryffindor', 0), ref('slytherin', 0), 'TCP', 80, false, 'priority 50 Deny first'),
        poke(ref('gryffindor', 1), ref('slytherin', 0), 'TCP', 8080, false, 'priority 50 Deny first'),
      ],
    },
    {
      description: 'Should respect admin CNP priority field; thus passing both ingress and egress traffic over to baseline CNP (60 → 40)',
      apply: priorityPolicies(40),
      expect: [
        poke(ref('slytherin', 0), ref('gryffindor', 0), 'TCP', 80, true, 'priority 40 Pass → baseline Accept'),
        poke(ref('slytherin', 1), ref('gryffindor', 0), 'TCP', 8080, true, 'priority 40 Pass → baseline Accept'),
        poke(ref('gryffindor', 0), ref('slytherin', 0), 'TCP', 80, true, 'priority 40 Pass → baseline Accept'),
        poke(ref('gryffindor', 1), ref('slytherin', 0), 'TCP', 8080, true, 'priority 40 Pass → baseline Accept'),
      ],
    },
  ],
};

// --- admin-network-policy-standard-egress-inline-cidr-rules.go (CNPAdminTierEgressInlineCIDRPeers)
function inlineCidr(extra: readonly Rule[], tier: 'Admin' | 'Baseline' = 'Admin'): Manifest {
  // The Baseline file (baseline_tier/standard-egress-inline-cidr-rules.yaml) is policy `default`, priority 10, subject by namespace name.
  return cnp(tier === 'Admin' ? 'inline-cidr-as-peers-example' : 'default', {
    tier, priority: tier === 'Admin' ? 85 : 10, subject: tier === 'Admin' ? podsOf('gryffindor') : { namespaces: nsSel('gryffindor') },
    egress: [
      ...extra,
      { name: 'allow-egress-to-slytherin', action: 'Accept', to: [podsOf('slytherin')] },
      { name: 'deny-egress-to-internet', action: 'Deny', to: [{ networks: ['0.0.0.0/0', '::/0'] }] },
    ],
  });
}

function threeProtocols(from: string, to: string, allowed: boolean, because: string): FlowExpectation[] {
  return [poke(from, to, 'TCP', 80, allowed, because), poke(from, to, 'UDP', 53, allowed, because), poke(from, to, 'SCTP', 9003, allowed, because)];
}

const inlineCidrCase: ConformanceCase = {
  name: 'CNPAdminTierEgressInlineCIDRPeers',
  cite: `${REPO} conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go CNPAdminTierEgressInlineCIDRPeers; conformance/base/admin_tier/standard-egress-inline-cidr-rules.yaml`,
  cluster: houses,
  steps: [
    {
      description: "Should support a 'deny-egress' rule policy for egress-cidr-peer",
      apply: [inlineCidr([])],
      expect: [
        ...threeProtocols(ref('gryffindor', 1), ref('ravenclaw', 0), false, '0.0.0.0/0 Deny matches pod IPs'),
        ...threeProtocols(ref('gryffindor', 1), ref('hufflepuff', 0), false, '0.0.0.0/0 Deny matches pod IPs'),
        ...threeProtocols(ref('gryffindor', 1), ref('slytherin', 0), true, 'Accept to slytherin comes first'),
      ],
    },
    {
      description: "Should support an 'allow-egress' rule policy for egress-cidr-peer (rule inserted at index 0)",
      apply: [inlineCidr([{ name: 'allow-egress-to-specific-podIPs', action: 'Accept', to: [{ networks: [`${podIp('ravenclaw', 0)}/32`, `${podIp('hufflepuff', 0)}/32`] }] }])],
      expect: [
        ...threeProtocols(ref('gryffindor', 1), ref('ravenclaw', 0), true, 'Accept to the /32 of luna-lovegood-0'),
        ...threeProtocols(ref('gryffindor', 1), ref('hufflepuff', 0), true, 'Accept to the /32 of cedric-diggory-0'),
        ...threeProtocols(ref('gryffindor', 1), ref('ravenclaw', 1), false, 'other pods still hit the 0.0.0.0/0 Deny'),
        ...threeProtocols(ref('gryffindor', 1), ref('hufflepuff', 1), false, 'other pods still hit the 0.0.0.0/0 Deny'),
      ],
    },
  ],
};

// --- Ports: destinationNamedPort, ranges, udp; apis/v1alpha2 ClusterNetworkPolicyProtocol docs
const TYPES = `${REPO} apis/v1alpha2/clusternetworkpolicy_types.go`;
const portsCase: ConformanceCase = {
  name: 'CNP protocols: destinationNamedPort, port range, udp number (Admin Deny, Baseline Deny)',
  cite: `${TYPES} ClusterNetworkPolicyProtocol (DestinationNamedPort "selects a destination port on a pod based on the ContainerPort name"), Port, PortRange (inclusive)`,
  cluster: houses,
  steps: [{
    apply: [
      cnp('deny-named-and-range', {
        tier: 'Admin', priority: 5, subject: { namespaces: houseSel('hufflepuff') },
        egress: [
          { name: 'deny-named-web', action: 'Deny', to: [{ namespaces: houseSel('ravenclaw') }], protocols: [{ destinationNamedPort: 'web' }] },
          { name: 'deny-range', action: 'Deny', to: [{ namespaces: houseSel('slytherin') }], protocols: [{ tcp: { destinationPort: { range: { start: 8000, end: 8080 } } } }, { udp: { destinationPort: { number: 53 } } }] },
        ],
      }),
      cnp('baseline-deny-mdns', {
        tier: 'Baseline', priority: 0, subject: { namespaces: houseSel('gryffindor') },
        ingress: [{ name: 'deny-mdns', action: 'Deny', from: [{ namespaces: {} }], protocols: [{ destinationNamedPort: 'mdns' }] }],
      }),
    ],
    expect: [
      poke(ref('hufflepuff', 0), ref('ravenclaw', 0), 'TCP', 80, false, 'named port web = 80/TCP'),
      poke(ref('hufflepuff', 0), ref('ravenclaw', 0), 'TCP', 8080, true, 'web-alt is another name'),
      poke(ref('hufflepuff', 0), ref('slytherin', 1), 'TCP', 8080, false, 'range 8000-8080 inclusive'),
      poke(ref('hufflepuff', 0), ref('slytherin', 1), 'TCP', 80, true, 'outside the range'),
      poke(ref('hufflepuff', 0), ref('slytherin', 1), 'UDP', 53, false, 'udp 53'),
      poke(ref('hufflepuff', 0), ref('slytherin', 1), 'UDP', 5353, true, 'udp 5353 not listed'),
      poke(ref('ravenclaw', 0), ref('gryffindor', 0), 'UDP', 5353, false, 'baseline Deny on named port mdns'),
      poke(ref('ravenclaw', 0), ref('gryffindor', 0), 'UDP', 53, true, 'not mdns'),
    ],
  }],
};

// --- Baseline tier under NetworkPolicy: a NetworkPolicy selecting the pod decides first
const baselineCase: ConformanceCase = {
  name: 'CNP Baseline tier is overridden by NetworkPolicy; CNP subject does not isolate',
  cite: `${TYPES} ClusterNetworkPolicySpec.Tier ("Baseline tier is a cluster-wide policy that can be overridden by the v1.NetworkPolicy"; "CNPs with no ingress rules do not affect ingress traffic")`,
  cluster: houses,
  steps: [
    {
      description: 'baseline Deny from slytherin into ravenclaw; other sources unaffected',
      apply: [cnp('baseline-ravenclaw', {
        tier: 'Baseline', priority: 1, subject: { namespaces: houseSel('ravenclaw') },
        ingress: [{ name: 'deny-slytherin', action: 'Deny', from: [{ namespaces: houseSel('slytherin') }] }],
      })],
      expect: [
        poke(ref('slytherin', 0), ref('ravenclaw', 0), 'TCP', 80, false, 'baseline Deny'),
        poke(ref('gryffindor', 0), ref('ravenclaw', 0), 'TCP', 80, true, 'no rule for gryffindor: not isolated'),
        poke(ref('ravenclaw', 0), ref('slytherin', 0), 'TCP', 80, true, 'no egress rules'),
      ],
    },
    {
      description: 'a NetworkPolicy allowing slytherin into ravenclaw overrides the baseline Deny',
      apply: [networkPolicy(NS_PREFIX + 'ravenclaw', 'allow-slytherin', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: houseSel('slytherin') }] }] })],
      expect: [
        poke(ref('slytherin', 0), ref('ravenclaw', 0), 'TCP', 80, true, 'NetworkPolicy allow is final'),
        poke(ref('gryffindor', 0), ref('ravenclaw', 0), 'TCP', 80, false, 'NetworkPolicy isolates ravenclaw'),
      ],
    },
  ],
};

const firstCases: readonly ConformanceCase[] = [ingressTcpCase, integrationCase, anpIntegrationCase, priorityCase, inlineCidrCase, portsCase, baselineCase];

// ---------------------------------------------------------------------------------------
// The remaining standard and experimental scenarios. Most upstream gress tests share one
// shape: seven rules (Accept/Deny/Pass a whole house X, Deny/Pass a house Y at one port,
// Accept a house Z at one port then Deny the rest of Z), then rule swaps patched into the
// live object (0↔1, later 0↔2, later 3↔4: cumulative, as upstream patches the same
// object). Baseline-tier variants have five rules (no Pass in Baseline). The pokes of each
// `t.Run` are written out below, `h0` = the house's pod -0 (harry-potter-0 for g, ...).

type HouseKey = 'g' | 's' | 'h' | 'r';
const HOUSE_OF: Record<HouseKey, House> = { g: 'gryffindor', s: 'slytherin', h: 'hufflepuff', r: 'ravenclaw' };

/** `P('r0', 'g1', 'TCP', 80, true)`: luna-lovegood-0 → harry-potter-1 TCP/80 must connect. */
function P(from: string, to: string, protocol: Protocol, port: number, allowed: boolean, because: string): FlowExpectation {
  const at = (k: string): string => ref(HOUSE_OF[k.charAt(0) as HouseKey], Number(k.charAt(1)) as 0 | 1);
  return poke(at(from), at(to), protocol, port, allowed, because);
}

interface PortSel { readonly protocol: Protocol; readonly port: number }
const protoOf = (p: PortSel): Record<string, unknown> => ({ [p.protocol.toLowerCase()]: { destinationPort: { number: p.port } } });

/** The seven (Admin) or five (Baseline) rules of the standard-{ingress,egress}-{tcp,udp,sctp}-rules.yaml files. */
function gressRules(dir: 'ingress' | 'egress', tier: 'Admin' | 'Baseline', x: House, y: House, yPort: PortSel, z: House, zPort: PortSel): Rule[] {
  const peerKey = dir === 'ingress' ? 'from' : 'to';
  const word = dir === 'ingress' ? 'from' : 'to';
  const r = (name: string, action: string, house: House, port?: PortSel): Rule => ({
    name, action, [peerKey]: [{ namespaces: nsSel(house) }], ...(port === undefined ? {} : { protocols: [protoOf(port)] }),
  });
  const rules = [
    r(`allow-${word}-${x}-everything`, 'Accept', x),
    r(`deny-${word}-${x}-everything`, 'Deny', x),
    r(`pass-${word}-${x}-everything`, 'Pass', x),
    r(`deny-${word}-${y}-at-port-${yPort.port}`, 'Deny', y, yPort),
    r(`pass-${word}-${y}-at-port-${yPort.port}`, 'Pass', y, yPort),
    r(`allow-${word}-${z}-at-port-${zPort.port}`, 'Accept', z, zPort),
    r(`deny-${word}-${z}-everything-else`, 'Deny', z),
  ];
  return tier === 'Admin' ? rules : rules.filter((rule) => rule['action'] !== 'Pass');
}

interface GressScenario {
  readonly name: string;
  readonly file: string;
  readonly yaml: string;
  readonly dir: 'ingress' | 'egress';
  readonly tier: 'Admin' | 'Baseline';
  readonly policyName: string;
  readonly priority: number;
  readonly subject: House;
  readonly x: House;
  readonly y: House;
  readonly yPort: PortSel;
  readonly z: House;
  readonly zPort: PortSel;
  /** One entry per upstream `t.Run`, in order; `swap` is the patch that t.Run makes first. */
  readonly runs: readonly { readonly title: string; readonly swap?: readonly [number, number]; readonly pokes: readonly FlowExpectation[] }[];
}

function gressCase(g: GressScenario): ConformanceCase {
  let rules = gressRules(g.dir, g.tier, g.x, g.y, g.yPort, g.z, g.zPort);
  const manifest = (): Manifest => cnp(g.policyName, { tier: g.tier, priority: g.priority, subject: { namespaces: nsSel(g.subject) }, [g.dir]: rules });
  const steps = g.runs.map((run, i) => {
    if (run.swap !== undefined) rules = swap(rules, run.swap[0], run.swap[1]);
    const apply = i === 0 || run.swap !== undefined ? [manifest()] : undefined;
    return { description: run.title + (run.swap === undefined ? '' : ` (swap rules ${run.swap[0]} and ${run.swap[1]})`), ...(apply === undefined ? {} : { apply }), expect: run.pokes };
  });
  return { name: g.name, cite: `${REPO} conformance/tests/${g.file} ${g.name}; conformance/base/${g.yaml}`, cluster: houses, steps };
}

const T = (port: number): PortSel => ({ protocol: 'TCP', port });
const U = (port: number): PortSel => ({ protocol: 'UDP', port });
const S = (port: number): PortSel => ({ protocol: 'SCTP', port });

const adminEgressTcp = gressCase({
  name: 'CNPAdminTierEgressTCP', file: 'admin-network-policy-standard-egress-tcp-rules.go', yaml: 'admin_tier/standard-egress-tcp-rules.yaml',
  dir: 'egress', tier: 'Admin', policyName: 'egress-tcp', priority: 6, subject: 'gryffindor', x: 'ravenclaw', y: 'slytherin', yPort: T(80), z: 'hufflepuff', zPort: T(8080),
  runs: [
    { title: "Should support an 'allow-egress' policy for TCP protocol; ensure rule ordering is respected", pokes: [P('g0', 'r0', 'TCP', 80, true, 'rule 0 Accept before Deny'), P('g1', 'r0', 'TCP', 8080, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-egress' policy for TCP protocol at the specified port", pokes: [P('g0', 'h1', 'TCP', 8080, true, 'rule 5 Accept at 8080'), P('g1', 'h1', 'TCP', 80, false, 'rule 6 Deny everything else')] },
    { title: "Should support an 'deny-egress' policy for TCP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('g0', 'r1', 'TCP', 80, false, 'Deny now first'), P('g1', 'r1', 'TCP', 8080, false, 'Deny now first')] },
    { title: "Should support a 'deny-egress' policy for TCP protocol at the specified port", pokes: [P('g0', 's0', 'TCP', 80, false, 'rule 3 Deny at 80'), P('g1', 's0', 'TCP', 8080, true, 'no rule matches')] },
    { title: "Should support an 'pass-egress' policy for TCP protocol; ensure rule ordering is respected", swap: [0, 2], pokes: [P('g0', 'r0', 'TCP', 80, true, 'Pass first; nothing below denies'), P('g1', 'r0', 'TCP', 8080, true, 'Pass first')] },
    { title: "Should support a 'pass-egress' policy for TCP protocol at the specified port", swap: [3, 4], pokes: [P('g0', 's0', 'TCP', 80, true, 'Pass at 80 before Deny'), P('g1', 's0', 'TCP', 8080, true, 'no rule matches')] },
  ],
});

const adminIngressUdp = gressCase({
  name: 'CNPAdminTierIngressUDP', file: 'admin-network-policy-standard-ingress-udp-rules.go', yaml: 'admin_tier/standard-ingress-udp-rules.yaml',
  dir: 'ingress', tier: 'Admin', policyName: 'ingress-udp', priority: 4, subject: 'hufflepuff', x: 'ravenclaw', y: 'slytherin', yPort: U(5353), z: 'gryffindor', zPort: U(53),
  runs: [
    { title: "Should support an 'allow-ingress' policy for UDP protocol; ensure rule ordering is respected", pokes: [P('r0', 'h0', 'UDP', 53, true, 'rule 0 Accept before Deny'), P('r1', 'h0', 'UDP', 5353, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-ingress' policy for UDP protocol at the specified port", pokes: [P('g0', 'h1', 'UDP', 53, true, 'rule 5 Accept at 53'), P('g1', 'h1', 'UDP', 5353, false, 'rule 6 Deny everything else')] },
    { title: "Should support an 'deny-ingress' policy for UDP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('r0', 'h1', 'UDP', 53, false, 'Deny now first'), P('r1', 'h1', 'UDP', 5353, false, 'Deny now first')] },
    { title: "Should support a 'deny-ingress' policy for UDP protocol at the specified port", pokes: [P('s0', 'h0', 'UDP', 5353, false, 'rule 3 Deny at 5353'), P('s1', 'h0', 'UDP', 53, true, 'no rule matches')] },
    { title: "Should support an 'pass-ingress' policy for UDP protocol; ensure rule ordering is respected", swap: [0, 2], pokes: [P('r0', 'h1', 'UDP', 5353, true, 'Pass first'), P('r1', 'h1', 'UDP', 53, true, 'Pass first')] },
    { title: "Should support a 'pass-ingress' policy for UDP protocol at the specified port", swap: [3, 4], pokes: [P('s0', 'h0', 'UDP', 5353, true, 'Pass at 5353 before Deny'), P('s1', 'h0', 'UDP', 53, true, 'no rule matches')] },
  ],
});

const adminEgressUdp = gressCase({
  name: 'CNPAdminTierEgressUDP', file: 'admin-network-policy-standard-egress-udp-rules.go', yaml: 'admin_tier/standard-egress-udp-rules.yaml',
  dir: 'egress', tier: 'Admin', policyName: 'egress-udp', priority: 7, subject: 'hufflepuff', x: 'ravenclaw', y: 'slytherin', yPort: U(5353), z: 'gryffindor', zPort: U(53),
  runs: [
    { title: "Should support an 'allow-egress' policy for UDP protocol; ensure rule ordering is respected", pokes: [P('h0', 'r0', 'UDP', 53, true, 'rule 0 Accept before Deny'), P('h1', 'r0', 'UDP', 5353, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-egress' policy for UDP protocol at the specified port", pokes: [P('h0', 'g1', 'UDP', 53, true, 'rule 5 Accept at 53'), P('h1', 'g1', 'UDP', 5353, false, 'rule 6 Deny everything else')] },
    { title: "Should support an 'deny-egress' policy for UDP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('h0', 'r1', 'UDP', 53, false, 'Deny now first'), P('h1', 'r1', 'UDP', 5353, false, 'Deny now first')] },
    { title: "Should support a 'deny-egress' policy for UDP protocol at the specified port", pokes: [P('h0', 's0', 'UDP', 5353, false, 'rule 3 Deny at 5353'), P('h1', 's0', 'UDP', 53, true, 'no rule matches')] },
    { title: "Should support an 'pass-egress' policy for UDP protocol; ensure rule ordering is respected", swap: [0, 2], pokes: [P('h0', 'r1', 'UDP', 5353, true, 'Pass first'), P('h1', 'r1', 'UDP', 53, true, 'Pass first')] },
    { title: "Should support a 'pass-egress' policy for UDP protocol at the specified port", swap: [3, 4], pokes: [P('h0', 's0', 'UDP', 5353, true, 'Pass at 5353 before Deny'), P('h1', 's0', 'UDP', 53, true, 'no rule matches')] },
  ],
});

const adminIngressSctp = gressCase({
  name: 'CNPAdminTierIngressSCTP', file: 'admin-network-policy-standard-ingress-sctp-rules.go', yaml: 'admin_tier/standard-ingress-sctp-rules.yaml',
  dir: 'ingress', tier: 'Admin', policyName: 'ingress-sctp', priority: 5, subject: 'ravenclaw', x: 'gryffindor', y: 'slytherin', yPort: S(9003), z: 'hufflepuff', zPort: S(9003),
  runs: [
    { title: "Should support an 'allow-ingress' policy for SCTP protocol; ensure rule ordering is respected", pokes: [P('g0', 'r0', 'SCTP', 9003, true, 'rule 0 Accept before Deny'), P('g1', 'r0', 'SCTP', 9005, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-ingress' policy for SCTP protocol at the specified port", pokes: [P('h0', 'r1', 'SCTP', 9003, true, 'rule 5 Accept at 9003'), P('h1', 'r1', 'SCTP', 9005, false, 'rule 6 Deny everything else')] },
    { title: "Should support an 'deny-ingress' policy for SCTP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('g0', 'r1', 'SCTP', 9003, false, 'Deny now first'), P('g1', 'r1', 'SCTP', 9005, false, 'Deny now first')] },
    { title: "Should support a 'deny-ingress' policy for SCTP protocol at the specified port", pokes: [P('s0', 'r0', 'SCTP', 9003, false, 'rule 3 Deny at 9003'), P('s1', 'r0', 'SCTP', 9005, true, 'no rule matches')] },
    { title: "Should support an 'pass-ingress' policy for SCTP protocol; ensure rule ordering is respected", swap: [0, 2], pokes: [P('g0', 'r1', 'SCTP', 9003, true, 'Pass first'), P('g1', 'r1', 'SCTP', 9005, true, 'Pass first')] },
    { title: "Should support a 'pass-ingress' policy for SCTP protocol at the specified port", swap: [3, 4], pokes: [P('s0', 'r0', 'SCTP', 9003, true, 'Pass at 9003 before Deny'), P('s1', 'r0', 'SCTP', 9005, true, 'no rule matches')] },
  ],
});

const adminEgressSctp = gressCase({
  name: 'CNPAdminTierEgressSCTP', file: 'admin-network-policy-standard-egress-sctp-rules.go', yaml: 'admin_tier/standard-egress-sctp-rules.yaml',
  dir: 'egress', tier: 'Admin', policyName: 'egress-sctp', priority: 8, subject: 'ravenclaw', x: 'gryffindor', y: 'slytherin', yPort: S(9003), z: 'hufflepuff', zPort: S(9003),
  runs: [
    { title: "Should support an 'allow-egress' policy for SCTP protocol; ensure rule ordering is respected", pokes: [P('r0', 'g0', 'SCTP', 9003, true, 'rule 0 Accept before Deny'), P('r1', 'g0', 'SCTP', 9005, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-egress' policy for SCTP protocol at the specified port", pokes: [P('r0', 'h1', 'SCTP', 9003, true, 'rule 5 Accept at 9003'), P('r1', 'h1', 'SCTP', 9005, false, 'rule 6 Deny everything else')] },
    { title: "Should support an 'deny-egress' policy for SCTP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('r0', 'g1', 'SCTP', 9003, false, 'Deny now first'), P('r1', 'g1', 'SCTP', 9005, false, 'Deny now first')] },
    { title: "Should support a 'deny-egress' policy for SCTP protocol at the specified port", pokes: [P('r0', 's0', 'SCTP', 9003, false, 'rule 3 Deny at 9003'), P('r1', 's0', 'SCTP', 9005, true, 'no rule matches')] },
    { title: "Should support an 'pass-egress' policy for SCTP protocol; ensure rule ordering is respected", swap: [0, 2], pokes: [P('r0', 'g1', 'SCTP', 9003, true, 'Pass first'), P('r1', 'g1', 'SCTP', 9005, true, 'Pass first')] },
    { title: "Should support a 'pass-egress' policy for SCTP protocol at the specified port", swap: [3, 4], pokes: [P('r0', 's0', 'SCTP', 9003, true, 'Pass at 9003 before Deny'), P('r1', 's0', 'SCTP', 9005, true, 'no rule matches')] },
  ],
});

// Baseline tier: same files under baseline_tier/ (policy `default`, priority 10, no Pass
// rules so the indices shift: 0 allow X, 1 deny X, 2 deny Y at port, 3 allow Z at port, 4 deny Z).
function baselineGress(name: string, file: string, yaml: string, dir: 'ingress' | 'egress', subject: House, x: House, y: House, yPort: PortSel, z: House, zPort: PortSel,
  runs: GressScenario['runs']): ConformanceCase {
  return gressCase({ name, file, yaml, dir, tier: 'Baseline', policyName: 'default', priority: 10, subject, x, y, yPort, z, zPort, runs });
}

const baselineIngressTcp = baselineGress('CNPBaselineTierIngressTCP', 'baseline-admin-network-policy-standard-ingress-tcp-rules.go', 'baseline_tier/standard-ingress-tcp-rules.yaml',
  'ingress', 'gryffindor', 'ravenclaw', 'slytherin', T(80), 'hufflepuff', T(80), [
    { title: "Should support an 'allow-ingress' policy for TCP protocol; ensure rule ordering is respected", pokes: [P('r0', 'g0', 'TCP', 80, true, 'rule 0 Accept before Deny'), P('r1', 'g0', 'TCP', 8080, true, 'rule 0 Accept before Deny')] },
    { title: "Should support an 'allow-ingress' policy for TCP protocol at the specified port", pokes: [P('h0', 'g1', 'TCP', 80, true, 'rule 3 Accept at 80'), P('h1', 'g1', 'TCP', 8080, false, 'rule 4 Deny everything else')] },
    { title: 'Should not affect egress traffic when only ingress rules are specified', pokes: [P('g0', 'r0', 'TCP', 80, true, 'no egress rules'), P('g1', 's0', 'TCP', 80, true, 'no egress rules, even at the port denied the other way')] },
    { title: "Should support an 'deny-ingress' policy for TCP protocol; ensure rule ordering is respected", swap: [0, 1], pokes: [P('r0', 'g1', 'TCP', 80, false, 'Deny now first'), P('r1', 'g1', 'TCP', 8080, false, 'Deny now first')] },
    { title: "Should support a 'deny-ingress' policy for TCP protocol at the specified port", pokes: [P('s0', 'g0', 'TCP', 80, false, 'rule 2 Deny at 80'), P('s1', 'g0', 'TCP', 8080, true, 'no rule matches')] },
  ]);

// The UDP/SCTP/egress baseline files probe the same pairs as their Admin counterparts' first four t.Runs.
const baselineIngressUdp = baselineGress('CNPBaselineTierIngressUDP', 'baseline-admin-network-policy-standard-ingress-udp-rules.go', 'baseline_tier/standard-ingress-udp-rules.yaml',
  'ingress', 'hufflepuff', 'ravenclaw', 'slytherin', U(5353), 'gryffindor', U(53), firstFour(adminIngressUdp));
const baselineIngressSctp = baselineGress('CNPBaselineTierIngressSCTP', 'baseline-admin-network-policy-standard-ingress-sctp-rules.go', 'baseline_tier/standard-ingress-sctp-rules.yaml',
  'ingress', 'ravenclaw', 'gryffindor', 'slytherin', S(9003), 'hufflepuff', S(9003), firstFour(adminIngressSctp));
const baselineEgressTcp = baselineGress('CNPBaselineTierEgressTCP', 'baseline-admin-network-policy-standard-egress-tcp-rules.go', 'baseline_tier/standard-egress-tcp-rules.yaml',
  'egress', 'gryffindor', 'ravenclaw', 'slytherin', T(80), 'hufflepuff', T(8080), firstFour(adminEgressTcp));
const baselineEgressUdp = baselineGress('CNPBaselineTierEgressUDP', 'baseline-admin-network-policy-standard-egress-udp-rules.go', 'baseline_tier/standard-egress-udp-rules.yaml',
  'egress', 'hufflepuff', 'ravenclaw', 'slytherin', U(5353), 'gryffindor', U(53), firstFour(adminEgressUdp));
const baselineEgressSctp = baselineGress('CNPBaselineTierEgressSCTP', 'baseline-admin-network-policy-standard-egress-sctp-rules.go', 'baseline_tier/standard-egress-sctp-rules.yaml',
  'egress', 'ravenclaw', 'gryffindor', 'slytherin', S(9003), 'hufflepuff', S(9003), firstFour(adminEgressSctp));

function firstFour(c: ConformanceCase): GressScenario['runs'] {
  return c.steps.slice(0, 4).map((s, i) => ({ title: (s.description ?? '').replace(/ \(swap rules \d and \d\)$/, ''), ...(i === 2 ? { swap: [0, 1] as const } : {}), pokes: s.expect as FlowExpectation[] }));
}

// --- admin-network-policy-standard-gress-rules.go (CNPAdminTierGress) ---------------------
function gressCombined(): ConformanceCase {
  const multi = (a: number, b: number, c: number): Record<string, unknown>[] => [protoOf(T(a)), protoOf(U(b)), protoOf(S(c))];
  const rules = (dir: 'ingress' | 'egress', zPorts: readonly [number, number, number]): Rule[] => {
    const key = dir === 'ingress' ? 'from' : 'to';
    const r = (name: string, action: string, house: House, protocols?: Record<string, unknown>[]): Rule => ({ name, action, [key]: [{ namespaces: nsSel(house) }], ...(protocols === undefined ? {} : { protocols }) });
    return [
      r('allow-ravenclaw-everything', 'Accept', 'ravenclaw'), r('deny-ravenclaw-everything', 'Deny', 'ravenclaw'), r('pass-ravenclaw-everything', 'Pass', 'ravenclaw'),
      r('deny-slytherin-at-ports-80-53-9003', 'Deny', 'slytherin', multi(80, 53, 9003)), r('pass-slytherin-at-ports-80-53-9003', 'Pass', 'slytherin', multi(80, 53, 9003)),
      r('allow-hufflepuff-at-ports', 'Accept', 'hufflepuff', multi(...zPorts)), r('deny-hufflepuff-everything-else', 'Deny', 'hufflepuff'),
    ];
  };
  let egress = rules('egress', [8080, 5353, 9003]);
  let ingress = rules('ingress', [80, 5353, 9003]);
  const m = (): Manifest => cnp('gress-rules', { tier: 'Admin', priority: 15, subject: { namespaces: nsSel('gryffindor') }, egress, ingress });
  const first = m();
  egress = swap(egress, 0, 1); ingress = swap(ingress, 0, 1);
  const denySwap = m();
  egress = swap(egress, 0, 2); ingress = swap(ingress, 0, 2);
  const passSwap = m();
  egress = swap(egress, 3, 4); ingress = swap(ingress, 3, 4);
  const passPortSwap = m();
  return {
    name: 'CNPAdminTierGress',
    cite: `${REPO} conformance/tests/admin-network-policy-standard-gress-rules.go CNPAdminTierGress; conformance/base/admin_tier/standard-gress-rules-combined.yaml`,
    cluster: houses,
    steps: [
      { description: "Should support an 'allow-gress' policy across different protocols", apply: [first], expect: [
        P('g0', 'r0', 'TCP', 80, true, 'egress rule 0 Accept'), P('g1', 'r0', 'UDP', 53, true, 'egress rule 0 Accept'), P('g0', 'r0', 'SCTP', 9003, true, 'egress rule 0 Accept'),
        P('r0', 'g0', 'TCP', 80, true, 'ingress rule 0 Accept'), P('r1', 'g0', 'UDP', 53, true, 'ingress rule 0 Accept'), P('r1', 'g0', 'SCTP', 9003, true, 'ingress rule 0 Accept'),
      ] },
      { description: "Should support an 'allow-gress' policy across different protocols at the specified ports", expect: [
        P('g0', 'h1', 'TCP', 8080, true, 'egress rule 5'), P('g1', 'h1', 'TCP', 80, false, 'egress rule 6'), P('g0', 'h1', 'UDP', 5353, true, 'egress rule 5'),
        P('g1', 'h1', 'UDP', 53, false, 'egress rule 6'), P('g0', 'h1', 'SCTP', 9003, true, 'egress rule 5'), P('g1', 'h1', 'SCTP', 9005, false, 'egress rule 6'),
        P('h0', 'g1', 'TCP', 80, true, 'ingress rule 5'), P('h1', 'g1', 'TCP', 8080, false, 'ingress rule 6'), P('h0', 'g1', 'UDP', 5353, true, 'ingress rule 5'),
        P('h1', 'g1', 'UDP', 53, false, 'ingress rule 6'), P('h0', 'g1', 'SCTP', 9003, true, 'ingress rule 5'), P('h1', 'g1', 'SCTP', 9005, false, 'ingress rule 6'),
      ] },
      { description: "Should support an 'deny-gress' policy across different protocols (swap rules 0 and 1, both directions)", apply: [denySwap], expect: [
        P('g0', 'r1', 'TCP', 80, false, 'Deny first'), P('g1', 'r1', 'UDP', 53, false, 'Deny first'), P('g0', 'r1', 'SCTP', 9003, false, 'Deny first'),
        P('r0', 'g1', 'TCP', 80, false, 'Deny first'), P('r1', 'g1', 'UDP', 53, false, 'Deny first'), P('r1', 'g1', 'SCTP', 9003, false, 'Deny first'),
      ] },
      { description: "Should support a 'deny-gress' policy across different protocols at the specified ports", expect: [
        P('g0', 's0', 'TCP', 80, false, 'rule 3'), P('g1', 's0', 'TCP', 8080, true, 'no rule'), P('g0', 's0', 'UDP', 53, false, 'rule 3'),
        P('g1', 's0', 'UDP', 5353, true, 'no rule'), P('g0', 's0', 'SCTP', 9003, false, 'rule 3'), P('g1', 's0', 'SCTP', 9005, true, 'no rule'),
        P('s0', 'g0', 'TCP', 80, false, 'rule 3'), P('s1', 'g0', 'TCP', 8080, true, 'no rule'), P('s0', 'g0', 'UDP', 53, false, 'rule 3'),
        P('s1', 'g0', 'UDP', 5353, true, 'no rule'), P('s0', 'g0', 'SCTP', 9003, false, 'rule 3'), P('s1', 'g0', 'SCTP', 9005, true, 'no rule'),
      ] },
      { description: "Should support an 'pass-gress' policy across different protocols (swap rules 0 and 2, both directions)", apply: [passSwap], expect: [
        P('g0', 'r0', 'TCP', 80, true, 'Pass first'), P('g0', 'r0', 'UDP', 5353, true, 'Pass first'), P('g0', 'r0', 'SCTP', 9003, true, 'Pass first'),
        P('r0', 'g0', 'TCP', 80, true, 'Pass first'), P('r1', 'g0', 'UDP', 53, true, 'Pass first'), P('r1', 'g0', 'SCTP', 9003, true, 'Pass first'),
      ] },
      { description: "Should support a 'pass-gress' policy across different protocols at the specified ports (swap rules 3 and 4, both directions)", apply: [passPortSwap], expect: [
        P('g0', 's0', 'TCP', 80, true, 'Pass'), P('g1', 's0', 'TCP', 8080, true, 'no rule'), P('g0', 's0', 'UDP', 53, true, 'Pass'),
        P('g1', 's0', 'UDP', 5353, true, 'no rule'), P('g0', 's0', 'SCTP', 9003, true, 'Pass'), P('g1', 's0', 'SCTP', 9005, true, 'no rule'),
        P('s0', 'g0', 'TCP', 80, true, 'Pass'), P('s1', 'g0', 'TCP', 8080, true, 'no rule'), P('s0', 'g0', 'UDP', 53, true, 'Pass'),
        P('s1', 'g0', 'UDP', 5353, true, 'no rule'), P('s0', 'g0', 'SCTP', 9003, true, 'Pass'), P('s1', 'g0', 'SCTP', 9005, true, 'no rule'),
      ] },
    ],
  };
}

// --- admin-network-policy-standard-port-range-rules.go (CNPAdminTierPortRange) ------------
// Baseline variant: baseline-admin-network-policy-standard-port-range-rules.go CNPBaselineTierPortRange, same pokes, priority 10.
function portRangeCase(tier: 'Admin' | 'Baseline'): ConformanceCase {
  const file = tier === 'Admin' ? 'admin-network-policy-standard-port-range-rules.go' : 'baseline-admin-network-policy-standard-port-range-rules.go';
  const range = (proto: string, start: number, end: number): Record<string, unknown> => ({ [proto]: { destinationPort: { range: { start, end } } } });
  const rules = (key: 'from' | 'to', word: string): Rule[] => [
    { name: `allow-${word}-ravenclaw-tcp-port-range`, action: 'Accept', [key]: [{ namespaces: nsSel('ravenclaw') }], protocols: [range('tcp', 80, 8080)] },
    { name: `allow-${word}-hufflepuff-udp-port-range`, action: 'Accept', [key]: [{ namespaces: nsSel('hufflepuff') }], protocols: [range('udp', 53, 5353)] },
    { name: `allow-${word}-slytherin-sctp-port-range`, action: 'Accept', [key]: [{ namespaces: nsSel('slytherin') }], protocols: [range('sctp', 9003, 9005)] },
    { name: `deny-all-${key === 'to' ? 'egress' : 'ingress'}`, action: 'Deny', [key]: [{ namespaces: { matchExpressions: [{ key: 'conformance-house', operator: 'Exists' }] } }] },
  ];
  return {
    name: `CNP${tier}TierPortRange`,
    cite: `${REPO} conformance/tests/${file} CNP${tier}TierPortRange; conformance/base/${tier === 'Admin' ? 'admin_tier' : 'baseline_tier'}/standard-port-range-rules-combined.yaml`,
    cluster: houses,
    steps: [
      { description: 'Should support egress port range rules across different protocols', apply: [cnp('port-range-rules', { tier, priority: tier === 'Admin' ? 9 : 10, subject: { namespaces: nsSel('gryffindor') }, egress: rules('to', 'to'), ingress: rules('from', 'from') })], expect: [
        P('g0', 'r0', 'TCP', 80, true, 'in 80-8080'), P('g0', 'r0', 'TCP', 8080, true, 'in 80-8080 (inclusive)'), P('g1', 'r0', 'UDP', 53, false, 'deny-all-egress'),
        P('g0', 'h0', 'UDP', 53, true, 'in 53-5353'), P('g0', 'h0', 'UDP', 5353, true, 'in 53-5353 (inclusive)'), P('g1', 'h0', 'TCP', 80, false, 'deny-all-egress'),
        P('g0', 's0', 'SCTP', 9003, true, 'in 9003-9005'), P('g0', 's0', 'SCTP', 9005, true, 'in 9003-9005 (inclusive)'), P('g1', 's0', 'TCP', 80, false, 'deny-all-egress'),
      ] },
      { description: 'Should support ingress port range rules across different protocols', expect: [
        P('r0', 'g0', 'TCP', 80, true, 'in 80-8080'), P('r0', 'g0', 'TCP', 8080, true, 'in 80-8080'), P('r1', 'g0', 'UDP', 53, false, 'deny-all-ingress'),
        P('h0', 'g0', 'UDP', 53, true, 'in 53-5353'), P('h0', 'g0', 'UDP', 5353, true, 'in 53-5353'), P('h1', 'g0', 'TCP', 80, false, 'deny-all-ingress'),
        P('s0', 'g0', 'SCTP', 9003, true, 'in 9003-9005'), P('s0', 'g0', 'SCTP', 9005, true, 'in 9003-9005'), P('s1', 'g0', 'TCP', 80, false, 'deny-all-ingress'),
      ] },
    ],
  };
}

// --- admin-network-policy-standard-pod-selector-rules.go (CNPAdminTierPodSelector) --------
const podName = (name: string): Record<string, unknown> => ({ matchLabels: { 'statefulset.kubernetes.io/pod-name': name } });
// Baseline variant: baseline-admin-network-policy-standard-pod-selector-rules.go CNPBaselineTierPodSelector, same pokes, both policies at priority 10.
const podSelectorCase = (tier: 'Admin' | 'Baseline'): ConformanceCase => ({
  name: `CNP${tier}TierPodSelector`,
  cite: `${REPO} conformance/tests/${tier === 'Admin' ? '' : 'baseline-'}admin-network-policy-standard-pod-selector-rules.go CNP${tier}TierPodSelector; conformance/base/${tier === 'Admin' ? 'admin_tier' : 'baseline_tier'}/standard-pod-selector-rules.yaml`,
  cluster: houses,
  steps: [
    {
      description: 'Should support pod selectors in egress peers',
      apply: [
        cnp('pod-selector-rules', {
          tier, priority: tier === 'Admin' ? 20 : 10, subject: { pods: { podSelector: houseSel('gryffindor') } },
          egress: [
            { name: 'deny-to-ravenclaw-pods', action: 'Deny', to: [{ pods: { podSelector: houseSel('ravenclaw') } }] },
            { name: 'deny-to-cedric-diggory-0', action: 'Deny', to: [{ pods: { namespaceSelector: houseSel('hufflepuff'), podSelector: podName('cedric-diggory-0') } }] },
          ],
          ingress: [
            { name: 'deny-from-slytherin-pods', action: 'Deny', from: [{ pods: { podSelector: houseSel('slytherin') } }] },
            { name: 'deny-from-cedric-diggory-0', action: 'Deny', from: [{ pods: { namespaceSelector: houseSel('hufflepuff'), podSelector: podName('cedric-diggory-0') } }] },
          ],
        }),
        cnp('pod-name-subject-rules', {
          tier, priority: tier === 'Admin' ? 21 : 10, subject: { pods: { namespaceSelector: houseSel('ravenclaw'), podSelector: podName('luna-lovegood-0') } },
          egress: [{ name: 'deny-to-slytherin', action: 'Deny', to: [{ namespaces: nsSel('slytherin') }] }],
        }),
      ],
      expect: [
        P('g0', 'r0', 'TCP', 80, false, 'pods peer without namespaceSelector selects ravenclaw pods in every namespace'),
        P('g0', 'h0', 'TCP', 80, false, 'pod-name selector'),
        P('g0', 'h1', 'TCP', 80, true, 'cedric-diggory-1 is not selected'),
      ],
    },
    {
      description: 'Should support pod selectors in ingress peers',
      expect: [
        P('s0', 'g0', 'TCP', 80, false, 'deny-from-slytherin-pods'),
        P('h0', 'g0', 'TCP', 80, false, 'deny-from-cedric-diggory-0'),
        P('h1', 'g0', 'TCP', 80, true, 'cedric-diggory-1 is not selected'),
      ],
    },
    {
      description: 'Should support pod selectors in the subject',
      expect: [
        P('s0', 'h0', 'TCP', 80, true, 'draco-malfoy-0 is not a subject of pod-selector-rules'),
        P('r0', 's0', 'TCP', 80, false, 'luna-lovegood-0 is the subject of pod-name-subject-rules'),
        P('r1', 's0', 'TCP', 80, true, 'luna-lovegood-1 is not the subject'),
      ],
    },
  ],
});

// --- admin-network-policy-standard-ingress-egress-isolation.go ---------------------------
const ISOLATION = `${REPO} conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go`;
const ingressIsolationCase: ConformanceCase = {
  name: 'CNPAdminTierIngressRulesEgressUnaffected',
  cite: `${ISOLATION} CNPAdminTierIngressRulesEgressUnaffected; conformance/base/admin_tier/standard-ingress-isolation.yaml`,
  cluster: houses,
  steps: [{
    description: 'Should enforce the ingress rule / Should not affect egress: gryffindor can still egress to ravenclaw, hufflepuff',
    apply: [cnp('admin-ingress-isolation', { tier: 'Admin', priority: 20, subject: { namespaces: nsSel('gryffindor') }, ingress: [{ name: 'deny-from-slytherin', action: 'Deny', from: [{ namespaces: nsSel('slytherin') }] }] })],
    expect: [P('s0', 'g0', 'TCP', 80, false, 'ingress Deny'), P('g0', 'r0', 'TCP', 80, true, 'no egress rules'), P('g0', 'h0', 'TCP', 80, true, 'no egress rules')],
  }],
};
const egressIsolationCase: ConformanceCase = {
  name: 'CNPAdminTierEgressRulesIngressUnaffected',
  cite: `${ISOLATION} CNPAdminTierEgressRulesIngressUnaffected; conformance/base/admin_tier/standard-egress-isolation.yaml`,
  cluster: houses,
  steps: [{
    description: 'Should enforce the egress rule / Should not affect ingress: ravenclaw, hufflepuff can still reach gryffindor',
    apply: [cnp('admin-egress-isolation', { tier: 'Admin', priority: 20, subject: { namespaces: nsSel('gryffindor') }, egress: [{ name: 'deny-to-slytherin', action: 'Deny', to: [{ namespaces: nsSel('slytherin') }] }] })],
    expect: [P('g0', 's0', 'TCP', 80, false, 'egress Deny'), P('r0', 'g0', 'TCP', 80, true, 'no ingress rules'), P('h0', 'g0', 'TCP', 80, true, 'no ingress rules')],
  }],
};

// --- admin-network-policy-standard-same-priority.go (CNPAdminTierSamePriority) -----------
function samePriorityPolicy(name: string, subject: House, peer: House, port: number, tier: 'Admin' | 'Baseline' = 'Admin'): Manifest {
  return cnp(name, {
    tier, priority: tier === 'Admin' ? 15 : 10, subject: { namespaces: nsSel(subject) },
    ingress: [{ name: `deny-from-${peer}-at-port-${port}`, action: 'Deny', from: [{ namespaces: nsSel(peer) }], protocols: [tcp(port)] }],
    egress: [{ name: `deny-to-${peer}-at-port-${port}`, action: 'Deny', to: [{ namespaces: nsSel(peer) }], protocols: [tcp(port)] }],
  });
}
const samePriorityCase: ConformanceCase = {
  name: 'CNPAdminTierSamePriority',
  cite: `${REPO} conformance/tests/admin-network-policy-standard-same-priority.go CNPAdminTierSamePriority; conformance/base/admin_tier/standard-same-priority.yaml`,
  cluster: houses,
  steps: [
    {
      description: 'Should deny traffic in both directions for each same-priority policy',
      apply: [
        samePriorityPolicy('same-priority-gryffindor-slytherin', 'gryffindor', 'slytherin', 80),
        samePriorityPolicy('same-priority-gryffindor-hufflepuff', 'gryffindor', 'hufflepuff', 80),
        samePriorityPolicy('same-priority-hufflepuff-slytherin', 'hufflepuff', 'slytherin', 8080),
      ],
      expect: [
        P('s0', 'g0', 'TCP', 80, false, 'gryffindor-slytherin ingress'), P('g0', 's0', 'TCP', 80, false, 'gryffindor-slytherin egress'),
        P('h0', 'g0', 'TCP', 80, false, 'gryffindor-hufflepuff ingress'), P('g1', 'h0', 'TCP', 80, false, 'gryffindor-hufflepuff egress'),
        P('s1', 'h0', 'TCP', 8080, false, 'hufflepuff-slytherin ingress'), P('h1', 's0', 'TCP', 8080, false, 'hufflepuff-slytherin egress'),
      ],
    },
    {
      description: "Should not apply one same-priority policy's rules to another policy's subject",
      expect: [
        P('s0', 'g0', 'TCP', 8080, true, 'port 8080 rules are hufflepuff\'s'), P('g0', 's0', 'TCP', 8080, true, 'port 8080 rules are hufflepuff\'s'),
        P('s1', 'h0', 'TCP', 80, true, 'port 80 rules are gryffindor\'s'), P('h0', 's0', 'TCP', 80, true, 'port 80 rules are gryffindor\'s'),
      ],
    },
    {
      description: 'Should not affect traffic matching no same-priority policy',
      expect: [P('r0', 'g0', 'TCP', 80, true, 'ravenclaw is referenced by no policy'), P('g1', 'r0', 'TCP', 80, true, 'ravenclaw is referenced by no policy')],
    },
  ],
};

// --- baseline-admin-network-policy-standard-ingress-egress-isolation.go ------------------
const BASELINE_ISOLATION = `${REPO} conformance/tests/baseline-admin-network-policy-standard-ingress-egress-isolation.go`;
const baselineIngressIsolationCase: ConformanceCase = {
  name: 'CNPBaselineTierIngressRulesEgressUnaffected',
  cite: `${BASELINE_ISOLATION} CNPBaselineTierIngressRulesEgressUnaffected; conformance/base/baseline_tier/standard-ingress-isolation.yaml`,
  cluster: houses,
  steps: [{
    description: 'Should enforce the ingress rule / Should not affect egress: gryffindor can still egress to ravenclaw, hufflepuff',
    apply: [cnp('baseline-ingress-isolation', { tier: 'Baseline', priority: 20, subject: { namespaces: nsSel('gryffindor') }, ingress: [{ name: 'deny-from-slytherin', action: 'Deny', from: [{ namespaces: nsSel('slytherin') }] }] })],
    expect: [P('s0', 'g0', 'TCP', 80, false, 'baseline ingress Deny'), P('g0', 'r0', 'TCP', 80, true, 'no egress rules'), P('g0', 'h0', 'TCP', 80, true, 'no egress rules')],
  }],
};
const baselineEgressIsolationCase: ConformanceCase = {
  name: 'CNPBaselineTierEgressRulesIngressUnaffected',
  cite: `${BASELINE_ISOLATION} CNPBaselineTierEgressRulesIngressUnaffected; conformance/base/baseline_tier/standard-egress-isolation.yaml`,
  cluster: houses,
  steps: [{
    description: 'Should enforce the egress rule / Should not affect ingress: ravenclaw, hufflepuff can still reach gryffindor',
    apply: [cnp('baseline-egress-isolation', { tier: 'Baseline', priority: 20, subject: { namespaces: nsSel('gryffindor') }, egress: [{ name: 'deny-to-slytherin', action: 'Deny', to: [{ namespaces: nsSel('slytherin') }] }] })],
    expect: [P('g0', 's0', 'TCP', 80, false, 'baseline egress Deny'), P('r0', 'g0', 'TCP', 80, true, 'no ingress rules'), P('h0', 'g0', 'TCP', 80, true, 'no ingress rules')],
  }],
};

// --- baseline-admin-network-policy-standard-same-priority.go (CNPBaselineTierSamePriority)
// Same policies as the Admin variant in the Baseline tier at priority 10; upstream's servers are the -1 pods here.
const baselineSamePriorityCase: ConformanceCase = {
  name: 'CNPBaselineTierSamePriority',
  cite: `${REPO} conformance/tests/baseline-admin-network-policy-standard-same-priority.go CNPBaselineTierSamePriority; conformance/base/baseline_tier/standard-same-priority.yaml`,
  cluster: houses,
  steps: [
    {
      description: 'Should deny traffic in both directions for each same-priority policy',
      apply: [
        samePriorityPolicy('baseline-same-priority-gryffindor-slytherin', 'gryffindor', 'slytherin', 80, 'Baseline'),
        samePriorityPolicy('baseline-same-priority-gryffindor-hufflepuff', 'gryffindor', 'hufflepuff', 80, 'Baseline'),
        samePriorityPolicy('baseline-same-priority-hufflepuff-slytherin', 'hufflepuff', 'slytherin', 8080, 'Baseline'),
      ],
      expect: [
        P('s0', 'g1', 'TCP', 80, false, 'gryffindor-slytherin ingress'), P('g0', 's1', 'TCP', 80, false, 'gryffindor-slytherin egress'),
        P('h0', 'g1', 'TCP', 80, false, 'gryffindor-hufflepuff ingress'), P('g1', 'h1', 'TCP', 80, false, 'gryffindor-hufflepuff egress'),
        P('s1', 'h1', 'TCP', 8080, false, 'hufflepuff-slytherin ingress'), P('h1', 's1', 'TCP', 8080, false, 'hufflepuff-slytherin egress'),
      ],
    },
    {
      description: "Should not apply one same-priority policy's rules to another policy's subject",
      expect: [
        P('s0', 'g1', 'TCP', 8080, true, 'port 8080 rules are hufflepuff\'s'), P('g0', 's1', 'TCP', 8080, true, 'port 8080 rules are hufflepuff\'s'),
        P('s1', 'h1', 'TCP', 80, true, 'port 80 rules are gryffindor\'s'), P('h0', 's1', 'TCP', 80, true, 'port 80 rules are gryffindor\'s'),
      ],
    },
    {
      description: 'Should not affect traffic matching no same-priority policy',
      expect: [P('r0', 'g1', 'TCP', 80, true, 'ravenclaw is referenced by no policy'), P('g0', 'r1', 'TCP', 80, true, 'ravenclaw is referenced by no policy')],
    },
  ],
};

// --- baseline-admin-network-policy-standard-egress-inline-cidr-rules.go (CNPBaselineTierEgressInlineCIDRPeers)
// Same pokes as the Admin variant (harry-potter-1 to luna-lovegood-0/1, cedric-diggory-0/1, draco-malfoy-0).
const baselineInlineCidrCase: ConformanceCase = {
  name: 'CNPBaselineTierEgressInlineCIDRPeers',
  cite: `${REPO} conformance/tests/baseline-admin-network-policy-standard-egress-inline-cidr-rules.go CNPBaselineTierEgressInlineCIDRPeers; conformance/base/baseline_tier/standard-egress-inline-cidr-rules.yaml`,
  cluster: houses,
  steps: inlineCidrCase.steps.map((step, i) => ({
    ...step,
    apply: [inlineCidr(i === 0 ? [] : [{ name: 'allow-egress-to-specific-podIPs', action: 'Accept', to: [{ networks: [`${podIp('ravenclaw', 0)}/32`, `${podIp('hufflepuff', 0)}/32`] }] }], 'Baseline')],
  })),
};

// --- baseline-admin-network-policy-standard-gress-rules.go (CNPBaselineTierGress) ---------
// baseline_tier/standard-gress-rules-combined.yaml: the Admin rules without the Pass rules,
// policy `default`, priority 10; the t.Runs are the Admin file's first four (allow, allow at
// ports, deny after swapping rules 0 and 1 in both directions, deny at ports).
function baselineGressCombined(): ConformanceCase {
  const admin = gressCombined();
  const stripPass = (m: Manifest | undefined): Manifest => {
    const spec = (m?.['spec'] ?? {}) as Record<string, unknown>;
    const keep = (rules: unknown): Rule[] => (rules as Rule[]).filter((r) => r['action'] !== 'Pass');
    return cnp('default', { tier: 'Baseline', priority: 10, subject: spec['subject'], egress: keep(spec['egress']), ingress: keep(spec['ingress']) });
  };
  return {
    name: 'CNPBaselineTierGress',
    cite: `${REPO} conformance/tests/baseline-admin-network-policy-standard-gress-rules.go CNPBaselineTierGress; conformance/base/baseline_tier/standard-gress-rules-combined.yaml`,
    cluster: houses,
    steps: admin.steps.slice(0, 4).map((step) => (step.apply === undefined ? step : { ...step, apply: step.apply.map(stripPass) })),
  };
}

// --- admin-network-policy-hairpin-rules.go (CNPAdminTierHairpin) --------------------------
// Upstream pokes the ClusterIP of harry-potter-hairpin-service from harry-potter-0; the
// service load-balances to gryffindor pods (itself or harry-potter-1). Neither the engine
// nor the lab has a service proxy, so the case probes what the connection is after DNAT:
// harry-potter-0 to each backend. Policy sees the backend as destination and the client pod
// as source, so it must be denied by deny-gryffindor-ingress. The backend that is the client
// itself is left out: the engine treats pod→itself as loopback, always allowed (DESIGN.md
// "hairpin: pick a deterministic rule"); see conformance/cnp-hairpin.test.ts (skipped).
const hairpinCase: ConformanceCase = {
  name: 'CNPAdminTierHairpin',
  cite: `${REPO} conformance/tests/admin-network-policy-hairpin-rules.go CNPAdminTierHairpin; conformance/base/admin_tier/hairpin-rules.yaml (service traffic probed at its backends)`,
  cluster: houses,
  steps: [{
    description: 'Should enforce CNP ingress deny policy on hairpin service traffic (backends of harry-potter-hairpin-service)',
    apply: [cnp('hairpin-ingress-deny', { tier: 'Admin', priority: 15, subject: { namespaces: nsSel('gryffindor') }, ingress: [{ name: 'deny-gryffindor-ingress', action: 'Deny', from: [{ namespaces: nsSel('gryffindor') }] }] })],
    expect: [
      P('g0', 'g1', 'TCP', 80, false, 'the other backend: source gryffindor is denied'),
    ],
  }],
};

// --- admin-network-policy-experimental-egress-rules.go ------------------------------------
const EXPERIMENTAL = `${REPO} conformance/tests/admin-network-policy-experimental-egress-rules.go`;
const namedPortCase: ConformanceCase = (() => {
  const rules = gressRules('egress', 'Admin', 'ravenclaw', 'slytherin', T(80), 'hufflepuff', T(8080));
  const patched = rules.map((r, i) => (i === 5 ? { ...r, protocols: [{ destinationNamedPort: 'web' }] } : r));
  return {
    name: 'CNPAdminTierEgressNamedPort',
    cite: `${EXPERIMENTAL} CNPAdminTierEgressNamedPort; conformance/base/admin_tier/standard-egress-tcp-rules.yaml with egress[5] patched to destinationNamedPort web`,
    cluster: houses,
    steps: [{
      description: "Should support an 'allow-egress' policy for named port",
      apply: [cnp('egress-tcp', { tier: 'Admin', priority: 6, subject: { namespaces: nsSel('gryffindor') }, egress: patched })],
      expect: [P('g0', 'h1', 'TCP', 80, true, 'named port web = TCP/80 on the destination pod'), P('g1', 'h1', 'TCP', 8080, false, 'rule 6 Deny everything else')],
    }],
  };
})();

// The node peers need a host-network server (centaur-1 in forbidden-forrest, on a node
// labelled kubernetes.io/os=linux) listening on the suite's HostNetworkPorts; upstream takes
// them from its config, the case pins 34345..34351.
const HOST_PORTS = [34345, 34346, 34347, 34348, 34349, 34350, 34351] as const;
const hp = (i: number): number => HOST_PORTS[i] ?? 0;
const FOREST = NS_PREFIX + 'forbidden-forrest';
const NODE_IP = '192.168.60.21';
const nodePeerCluster: readonly Manifest[] = [
  ...houses,
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'conformance-node-1', labels: { 'kubernetes.io/os': 'linux' } }, status: { addresses: [{ type: 'InternalIP', address: NODE_IP }] } },
  namespace(FOREST, { 'conformance-house': 'forbidden-forrest' }),
  pod({
    namespace: FOREST, name: 'centaur-1', labels: { app: 'centaur' }, ips: [NODE_IP], hostNetwork: true, nodeName: 'conformance-node-1',
    containers: [{ name: 'centaur', ports: [
      { containerPort: hp(0), protocol: 'TCP' }, { containerPort: hp(1), protocol: 'TCP' }, { containerPort: hp(2), protocol: 'UDP' },
      { containerPort: hp(4), protocol: 'UDP' }, { containerPort: hp(6), protocol: 'SCTP' },
    ] }],
  }),
];
const centaur = `${FOREST}/centaur-1`;
const nodePeersCase: ConformanceCase = {
  name: 'CNPAdminTierEgressNodePeers',
  cite: `${EXPERIMENTAL} CNPAdminTierEgressNodePeers; conformance/base/admin_tier/experimental-egress-selector-rules.yaml`,
  cluster: nodePeerCluster,
  steps: [{
    description: "Should support an 'allow-egress' / 'pass-egress' / 'deny-egress' rule policy for egress-node-peer",
    apply: [cnp('node-and-cidr-as-peers-example', {
      tier: 'Admin', priority: 75, subject: podsOf('gryffindor'),
      egress: [
        { name: `allow-egress-to-${hp(0)}-on-nodes`, action: 'Accept', to: [{ nodes: { matchLabels: { 'kubernetes.io/os': 'linux' } } }], protocols: [tcp(hp(0))] },
        { name: `pass-egress-to-${hp(2)}-on-nodes`, action: 'Pass', to: [{ nodes: { matchLabels: { 'kubernetes.io/os': 'linux' } } }], protocols: [{ udp: { destinationPort: { number: hp(2) } } }] },
        { name: 'deny-egress-to-slytherin-and-nodes-and-internet', action: 'Deny', to: [podsOf('slytherin'), { nodes: { matchLabels: { 'kubernetes.io/os': 'linux' } } }, { networks: ['0.0.0.0/0', '::/0'] }] },
      ],
    })],
    expect: [
      poke(ref('gryffindor', 1), centaur, 'TCP', hp(0), true, 'rule 0 Accept to nodes at HostNetworkPorts[0]'),
      poke(ref('gryffindor', 1), centaur, 'UDP', hp(2), true, 'rule 1 Pass; nothing below denies'),
      poke(ref('gryffindor', 1), centaur, 'TCP', hp(1), false, 'rule 2 Deny nodes'),
      poke(ref('gryffindor', 1), centaur, 'UDP', hp(4), false, 'rule 2 Deny nodes'),
      poke(ref('gryffindor', 1), centaur, 'SCTP', hp(6), false, 'rule 2 Deny nodes'),
    ],
  }],
};

/**
 * Cases the lab cannot reproduce, with the reason; the engine still checks them. The lab's
 * nodes are its own network namespaces with their own names and addresses: a case that
 * declares a Node and a host-network pod at a fixed node address cannot be placed there.
 */
export const CNP_LAB_SKIPS: ReadonlyMap<string, string> = new Map([
  [nodePeersCase.name, 'needs a host-network pod at a declared Node address; the lab nodes are its own (names and addresses fixed by the lab)'],
]);

export const cnpCases: readonly ConformanceCase[] = [
  ...firstCases,
  adminEgressTcp, adminIngressUdp, adminEgressUdp, adminIngressSctp, adminEgressSctp,
  baselineIngressTcp, baselineIngressUdp, baselineIngressSctp, baselineEgressTcp, baselineEgressUdp, baselineEgressSctp,
  gressCombined(), portRangeCase('Admin'), podSelectorCase('Admin'), ingressIsolationCase, egressIsolationCase, samePriorityCase, hairpinCase,
  baselineIngressIsolationCase, baselineEgressIsolationCase, baselineSamePriorityCase, portRangeCase('Baseline'), podSelectorCase('Baseline'),
  baselineInlineCidrCase, baselineGressCombined(),
  namedPortCase, nodePeersCase,
];
