// fast-check arbitraries of small random clusters and policy sets, shared by the
// property tests that compare computeMatrix and diff with evaluate(). Test-only module.
import fc from 'fast-check';
import type { Cluster, ContainerPort } from '../model/cluster.ts';
import type { Peer } from '../model/peer.ts';
import type { Policy } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { Selector } from '../model/selector.ts';
import { ADMIN_TIER, BASELINE_TIER, DEFAULT_TIER } from '../model/tier.ts';
import type { PolicySet, Tier } from '../model/tier.ts';
import type { RuleSpec } from './test-builders.ts';
import { cidrPeer, cluster, entityPeer, fqdnPeer, networkSet, node, nodesPeer, ns, pod, podsPeer, policy, port, service, servicePeer, setsPeer } from './test-builders.ts';

export const RANDOM_TIERS: readonly Tier[] = [ADMIN_TIER, { name: 'security', order: 500, onNoMatch: 'deny-if-selected' }, DEFAULT_TIER, BASELINE_TIER];
const NAMESPACES = ['n0', 'n1', 'n2'];

const selector: fc.Arbitrary<Selector> = fc.constantFrom<Selector>(
  { op: 'all' },
  { op: 'none' },
  { op: 'in', key: 'app', values: ['x'] },
  { op: 'in', key: 'app', values: ['y', 'x'] },
  { op: 'notIn', key: 'env', values: ['p'] },
  { op: 'exists', key: 'env' },
  { op: 'notExists', key: 'env' },
  { op: 'and', of: [{ op: 'in', key: 'app', values: ['y'] }, { op: 'notExists', key: 'env' }] },
);

const nsScope = fc.oneof(
  fc.subarray(NAMESPACES, { minLength: 1 }).map((names) => ({ kind: 'names' as const, names })),
  fc.constantFrom<Selector>(
    { op: 'all' }, { op: 'in', key: 'team', values: ['a'] }, { op: 'notIn', key: 'team', values: ['a'] }, { op: 'notExists', key: 'team' }, { op: 'exists', key: 'env' },
  ).map((s) => ({ kind: 'selector' as const, selector: s })),
);

const peer: fc.Arbitrary<Peer> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(nsScope, selector).map(([n, s]) => podsPeer(n, s)) },
  { weight: 3, arbitrary: fc.tuple(
    fc.constantFrom('10.0.0.0/29', '10.0.0.4/30', '0.0.0.0/0', 'fd00::/124', '::/0', '192.168.0.0/24', '10.0.0.0/8'),
    fc.subarray(['10.0.0.2/32', '10.0.0.4/31', 'fd00::2/127', '192.168.0.11/32']),
    // [matchesPods, matchesNodes]: ipBlock, Cilium (default and policy-cidr-match-mode=nodes), and the IR's last combination.
    fc.constantFrom<[boolean, boolean | undefined]>([true, undefined], [false, false], [false, true], [true, false]),
  ).map(([c, e, [pods, nodes]]) => cidrPeer(c, e.filter((x) => x.includes(':') === c.includes(':')), pods, nodes)) },
  { weight: 1, arbitrary: fc.constantFrom('all', 'world', 'cluster', 'host', 'remote-node', 'health').map((e) => entityPeer(e as 'all')) },
  { weight: 1, arbitrary: fc.constantFrom<Selector>({ op: 'all' }, { op: 'in', key: 'role', values: ['w'] }).map((s) => nodesPeer(s)) },
  { weight: 1, arbitrary: fc.constantFrom(null, { kind: 'names' as const, names: ['n0'] }, { kind: 'selector' as const, selector: { op: 'in' as const, key: 'team', values: ['a'] } }).map((n) => setsPeer(n, { op: 'all' })) },
  { weight: 1, arbitrary: fc.constant(fqdnPeer('*.example.com')) },
  // Against the fixed Services of clusterArb: by name, by Service labels, selector-less.
  { weight: 1, arbitrary: fc.constantFrom<[string | null, { name: string } | { selector: Selector }]>(
    ['n0', { name: 'web' }], [null, { selector: { op: 'in', key: 'tier', values: ['front'] } }], ['n1', { selector: { op: 'all' } }], ['n2', { name: 'manual' }],
  ).map(([n, by]) => servicePeer(n, by)) },
);

const portMatch: fc.Arbitrary<PortMatch> = fc.oneof(
  fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const, null), fc.constantFrom<[number, number?]>([80], [53], [80, 8080], [8080], [1, 79])).map(([p, [a, b]]) => port(p, a, b)),
  fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const, null), fc.constantFrom('http', 'dns')).map(([p, n]) => port(p, n)),
  fc.constant(port(null)),
);

const rule: fc.Arbitrary<RuleSpec> = fc.record({
  action: fc.constantFrom('allow' as const, 'allow' as const, 'deny' as const, 'pass' as const, 'log' as const),
  peers: fc.oneof(fc.constant(null), fc.array(peer, { maxLength: 2 })),
  ports: fc.oneof(fc.constant(null), fc.array(portMatch, { minLength: 0, maxLength: 2 })),
  notPeers: fc.option(fc.array(peer, { maxLength: 1 }), { nil: undefined }),
  notPorts: fc.option(fc.array(portMatch, { maxLength: 1 }), { nil: undefined }),
}).map((r) => {
  const out: { -readonly [K in keyof RuleSpec]: RuleSpec[K] } = { action: r.action, peers: r.peers, ports: r.ports };
  if (r.notPeers !== undefined) out.notPeers = r.notPeers;
  if (r.notPorts !== undefined) out.notPorts = r.notPorts;
  return out;
});

const policyArb = (i: number): fc.Arbitrary<Policy> => fc.record({
  tier: fc.constantFrom(...RANDOM_TIERS.map((t) => t.name)),
  order: fc.integer({ min: 1, max: 3 }),
  namespace: fc.constantFrom(...NAMESPACES),
  namespaces: nsScope,
  pods: selector,
  ingress: fc.option(fc.array(rule, { maxLength: 3 }), { nil: undefined }),
  egress: fc.option(fc.array(rule, { maxLength: 3 }), { nil: undefined }),
  isolates: fc.boolean(),
  staged: fc.boolean(),
}).map((p) => policy({
  name: `p${i}`, namespace: p.namespace, tier: p.tier, order: p.order, namespaces: p.namespaces, pods: p.pods, isolates: p.isolates,
  staged: p.staged && i % 3 === 0,
  ...(p.ingress === undefined ? {} : { ingress: p.ingress }),
  ...(p.egress === undefined ? {} : { egress: p.egress }),
}));

export const policySetArb: fc.Arbitrary<PolicySet> = fc.integer({ min: 0, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(i))))
  .map((policies) => ({ tiers: RANDOM_TIERS, policies }));

const PORT_CHOICES: readonly (readonly ContainerPort[])[] = [
  [], [{ name: 'http', port: 80, protocol: 'TCP' }], [{ name: 'http', port: 8080, protocol: 'TCP' }],
  [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'http', port: 80, protocol: 'TCP' }], [{ name: 'dns', port: 53, protocol: 'TCP' }],
];

const podArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  app: fc.constantFrom('x', 'y', undefined),
  env: fc.constantFrom('p', 'd', undefined),
  ips: fc.constantFrom('v4', 'v6', 'v4v6', 'v6v4', 'none'),
  host: fc.integer({ min: 0, max: 9 }),
  ports: fc.constantFrom(...PORT_CHOICES),
});

export const clusterArb: fc.Arbitrary<Cluster> = fc.record({
  teams: fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('a', 'b'), fc.constantFrom('a', 'b')),
  pods: fc.array(podArb, { minLength: 1, maxLength: 8 }),
}).map(({ teams, pods }) => cluster({
  namespaces: NAMESPACES.map((n, i) => ns(n, { team: teams[i] ?? 'a' })),
  nodes: [node('w1', { role: 'w' }, ['192.168.0.10']), node('c1', { role: 'c' }, ['192.168.0.11', 'fd00:1::11'])],
  networkSets: [networkSet('n0/s', {}, ['10.0.0.1/32', 'fd00::3/128']), networkSet('g', {}, ['10.0.0.6/31'])],
  services: [service('n0/web', { tier: 'front' }, { app: 'x' }), service('n1/api', { tier: 'front' }, { app: 'y', env: 'p' }), service('n2/manual', { tier: 'front' }, undefined)],
  pods: pods.map((p, i) => {
    const labels: Record<string, string> = {};
    if (p.app !== undefined) labels['app'] = p.app;
    if (p.env !== undefined) labels['env'] = p.env;
    if (p.host === 0) return pod(`${p.ns}/h${i}`, labels, i % 2 === 0 ? ['192.168.0.10'] : ['192.168.0.11', 'fd00:1::11'], { hostNetwork: true, node: i % 2 === 0 ? 'w1' : 'c1', ports: p.ports });
    const v4 = `10.0.0.${i + 1}`;
    const v6 = `fd00::${i + 1}`;
    const ips = { v4: [v4], v6: [v6], v4v6: [v4, v6], v6v4: [v6, v4], none: [] }[p.ips];
    return pod(`${p.ns}/p${i}`, labels, ips, { ports: p.ports });
  }),
}));

export const queryArb = fc.record({
  port: fc.constantFrom<number | string>(80, 53, 8080, 'http', 'dns'),
  protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
});
