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
    namespace: NS_PREFIX + h.house, name: `${h.pod}-${i}`, labels: { 'conformance-house': h.house }, ips: [podIp(h.house, i)],
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
function inlineCidr(extra: readonly Rule[]): Manifest {
  return cnp('inline-cidr-as-peers-example', {
    tier: 'Admin', priority: 85, subject: podsOf('gryffindor'),
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

export const cnpCases: readonly ConformanceCase[] = [ingressTcpCase, integrationCase, anpIntegrationCase, priorityCase, inlineCidrCase, portsCase, baselineCase];
