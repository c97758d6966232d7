// Calico projectcalico.org/v3 policies, one case per behaviour, each citing the Calico
// documentation it encodes. Every expectation runs in the engine and in the lab; flows
// from addresses outside the cluster (documentation ranges 192.0.2.0/24, 198.51.100.0/24)
// run against lab hosts outside the cluster holding those addresses.
import type { Protocol } from '../../src/model/protocol.ts';
import type { ConformanceCase, FlowExpectation, Manifest } from '../case.ts';
import { namespace, networkPolicy as np, pod } from '../manifests.ts';

const REF = 'https://docs.tigera.io/calico/latest/reference/resources/';
const TIERS = 'https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy';
const V3 = 'projectcalico.org/v3';

function flow(from: string, to: string, port: number, allowed: boolean, because: string, protocol: Protocol = 'TCP'): FlowExpectation {
  return { flow: { from, to, port, protocol }, allowed, because };
}

function server(ns: string, name: string, labels: Record<string, string>, ip: string): Manifest {
  return pod({
    namespace: ns, name, labels, ips: [ip],
    containers: [{ name: 'serve', ports: [80, 81, 82].map((p) => ({ containerPort: p, name: `serve-${p}-tcp`, protocol: 'TCP' as const })) }],
  });
}

function cnp(ns: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: V3, kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function gnp(name: string, spec: Record<string, unknown>, kind = 'GlobalNetworkPolicy'): Manifest {
  return { apiVersion: V3, kind, metadata: { name }, spec };
}

function tier(name: string, order: number, defaultAction: 'Deny' | 'Pass'): Manifest {
  return { apiVersion: V3, kind: 'Tier', metadata: { name }, spec: { order, defaultAction } };
}

const cluster: readonly Manifest[] = [
  namespace('cal', { team: 'a' }),
  namespace('cal-other', { team: 'b' }),
  server('cal', 'web', { app: 'web' }, '10.41.0.10'),
  server('cal', 'client', { app: 'client' }, '10.41.0.11'),
  server('cal', 'db', { app: 'db', role: 'database-primary' }, '10.41.0.12'),
  server('cal-other', 'client', { app: 'client' }, '10.41.1.11'),
  server('cal-other', 'probe', {}, '10.41.1.12'),
];

const WEB = "app == 'web'";

export const calicoCases: readonly ConformanceCase[] = [
  {
    name: 'calico: a tier with defaultAction Deny denies what it selected and did not match; Pass goes on to the next tier',
    cite: `${REF}tier ("If the Tier applies to the endpoint, but takes no action on the packet the packet is dropped"; defaultAction Pass)`,
    cluster: [...cluster, tier('security', 100, 'Deny')],
    steps: [
      {
        description: 'security admits clients of namespace cal to web; a NetworkPolicy admitting every client is never reached',
        apply: [
          gnp('security.web', { tier: 'security', order: 10, selector: WEB, types: ['Ingress'], ingress: [{ action: 'Allow', source: { selector: "app == 'client'", namespaceSelector: "projectcalico.org/name == 'cal'" } }] }),
          np('cal', 'web-from-clients', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] }] }),
        ],
        expect: [
          flow('cal/client', 'cal/web', 80, true, 'allowed by the security tier'),
          flow('cal-other/client', 'cal/web', 80, false, 'the security tier selected web, no rule matched: its defaultAction Deny'),
          flow('cal/web', 'cal/db', 80, true, 'db is selected by no policy'),
        ],
      },
      {
        description: 'the same tier with defaultAction Pass hands unmatched traffic to the default tier',
        apply: [tier('security', 100, 'Pass')],
        expect: [
          flow('cal-other/client', 'cal/web', 80, true, 'passed to the default tier, where the NetworkPolicy admits clients of every namespace'),
          flow('cal/db', 'cal/web', 80, false, 'passed, then the default tier denies: the NetworkPolicy selects web and admits only clients'),
        ],
      },
    ],
  },
  {
    name: 'calico: Pass jumps to the next tier, Deny is final, Log continues to the next rule',
    cite: `${REF}networkpolicy#rule (action Allow, Deny, Log, Pass) and ${TIERS}`,
    cluster: [...cluster, tier('platform', 10, 'Deny')],
    steps: [{
      apply: [
        gnp('platform.web', {
          tier: 'platform', order: 1, selector: WEB, types: ['Ingress'],
          ingress: [
            { action: 'Log' },
            { action: 'Pass', source: { selector: "app == 'client'" } },
            { action: 'Deny', source: { selector: "app == 'db'" } },
          ],
        }),
        np('cal', 'web-allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }),
      ],
      expect: [
        flow('cal/client', 'cal/web', 80, true, 'Log matched and continued, Pass went on to the default tier, which allows'),
        flow('cal-other/client', 'cal/web', 81, true, 'a global policy selector matches clients of every namespace'),
        flow('cal/db', 'cal/web', 80, false, 'Deny is final: the default-tier allow is never reached'),
        flow('cal-other/probe', 'cal/web', 80, false, 'only Log matched: the platform tier denies by default'),
      ],
    }],
  },
  {
    name: 'calico: order — lower first, omitted order last, equal orders by name',
    cite: `${REF}networkpolicy#spec ("order ... policies with lower order are applied first; if omitted, last"; equal order by name)`,
    cluster,
    steps: [
      {
        description: 'order 5 allow before order 10 deny',
        apply: [
          cnp('cal', 'deny-clients', { order: 10, selector: WEB, ingress: [{ action: 'Deny', source: { selector: "app == 'client'" } }] }),
          cnp('cal', 'allow-clients', { order: 5, selector: WEB, ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] }),
        ],
        expect: [
          flow('cal/client', 'cal/web', 80, true, 'the lower order decides'),
          flow('cal/db', 'cal/web', 80, false, 'selected by both, matched by neither: the default tier denies'),
        ],
      },
      {
        description: 'an omitted order comes after any order',
        apply: [cnp('cal', 'allow-clients', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] })],
        expect: [flow('cal/client', 'cal/web', 80, false, 'the ordered deny comes first')],
      },
      {
        description: 'equal orders: by name',
        apply: [cnp('cal', 'allow-clients', { order: 10, selector: WEB, ingress: [{ action: 'Allow', source: { selector: "app == 'client'" } }] })],
        expect: [flow('cal/client', 'cal/web', 80, true, 'allow-clients sorts before deny-clients')],
      },
    ],
  },
  {
    name: 'calico: != and not in match endpoints without the label; has() and !has()',
    cite: `${REF}networkpolicy#selectors ("k != 'v': matches resources with label k whose value is not v, and resources without label k"; libcalico-go parser LabelNeValueNode)`,
    cluster,
    steps: [
      {
        apply: [cnp('cal', 'web', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "role != 'database-primary'" } }] })],
        expect: [
          flow('cal/client', 'cal/web', 80, true, 'client has no role label: != matches it'),
          flow('cal/db', 'cal/web', 80, false, 'db has role database-primary'),
        ],
      },
      {
        apply: [cnp('cal', 'web', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "role not in {'database-primary', 'x'} && !has(app)", namespaceSelector: 'all()' } }] })],
        expect: [
          flow('cal-other/probe', 'cal/web', 80, true, 'no role and no app label'),
          flow('cal/client', 'cal/web', 80, false, 'client has an app label'),
          flow('cal/db', 'cal/web', 80, false, 'db has both'),
        ],
      },
    ],
  },
  {
    name: 'calico: contains, starts with, ends with, && before || and parentheses',
    cite: `${REF}networkpolicy#selectors (operators and precedence; libcalico-go/lib/selector/parser/parser.go)`,
    cluster,
    steps: [
      {
        description: "&& binds tighter: app starts with 'cli' || (role ends with '-primary' && app == 'nope')",
        apply: [cnp('cal', 'web', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "app starts with 'cli' || role ends with '-primary' && app == 'nope'" } }] })],
        expect: [
          flow('cal/client', 'cal/web', 80, true, 'app starts with cli'),
          flow('cal/db', 'cal/web', 80, false, 'role ends with -primary but app is not nope'),
        ],
      },
      {
        description: 'parentheses change the grouping',
        apply: [cnp('cal', 'web', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "(app starts with 'cli' || role ends with '-primary') && app contains 'd'" } }] })],
        expect: [
          flow('cal/db', 'cal/web', 80, true, 'role ends with -primary and app contains d'),
          flow('cal/client', 'cal/web', 80, false, 'client contains no d'),
        ],
      },
    ],
  },
  {
    name: 'calico: a GlobalNetworkPolicy selects in every namespace; namespaceSelector narrows its peers',
    cite: `${REF}globalnetworkpolicy and ${REF}networkpolicy#entityrule (namespaceSelector)`,
    cluster,
    steps: [{
      apply: [gnp('clients-egress', { selector: "app == 'client'", types: ['Egress'], egress: [{ action: 'Allow', destination: { namespaceSelector: "team == 'a'" } }] })],
      expect: [
        flow('cal/client', 'cal/web', 80, true, 'web is in a team a namespace'),
        flow('cal-other/client', 'cal/db', 80, true, 'the global policy selects clients of every namespace'),
        flow('cal-other/client', 'cal-other/probe', 80, false, 'cal-other is team b'),
        flow('cal/client', 'cal-other/probe', 80, false, 'cal-other is team b'),
        flow('cal-other/probe', 'cal-other/client', 80, true, 'egress of probe is not selected; ingress of client is not either'),
      ],
    }],
  },
  {
    name: 'calico: NetworkSets and GlobalNetworkSets match by their nets; nets with notNets',
    cite: `${REF}globalnetworkset, ${REF}networkset and ${REF}networkpolicy#entityrule (nets, notNets)`,
    cluster,
    steps: [
      {
        description: 'a global policy admits a global network set holding cal-other and a documentation range',
        apply: [
          { apiVersion: V3, kind: 'GlobalNetworkSet', metadata: { name: 'trusted', labels: { set: 'trusted' } }, spec: { nets: ['10.41.1.0/24', '192.0.2.0/24'] } },
          gnp('web-trusted', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "set == 'trusted'" } }] }),
        ],
        expect: [
          flow('cal-other/client', 'cal/web', 80, true, 'its address is in the set'),
          flow('cal/client', 'cal/web', 80, false, 'not in the set'),
          flow('192.0.2.5', 'cal/web', 80, true, 'in the set'),
          flow('198.51.100.1', 'cal/web', 80, false, 'not in the set'),
        ],
      },
      {
        description: 'a namespaced policy reaches global sets only with namespaceSelector global()',
        delete: [{ kind: 'GlobalNetworkPolicy', name: 'web-trusted' }],
        apply: [cnp('cal', 'web-trusted', { selector: WEB, ingress: [{ action: 'Allow', source: { selector: "set == 'trusted'", namespaceSelector: 'global()' } }] })],
        expect: [
          flow('cal-other/client', 'cal/web', 80, true, 'in the global set'),
          flow('cal/db', 'cal/web', 80, false, 'not in it'),
        ],
      },
      {
        description: 'nets minus notNets',
        apply: [cnp('cal', 'web-trusted', { selector: WEB, ingress: [{ action: 'Allow', source: { nets: ['10.41.0.0/16'], notNets: ['10.41.1.0/24'] } }] })],
        expect: [
          flow('cal/client', 'cal/web', 80, true, '10.41.0.11 is in nets'),
          flow('cal-other/client', 'cal/web', 80, false, '10.41.1.11 is in notNets'),
        ],
      },
    ],
  },
  {
    name: 'calico: ports ranges, notPorts, named ports and numeric protocols',
    cite: `${REF}networkpolicy#entityrule (ports: numbers, "from:to" ranges, named ports; notPorts) and #rule (protocol: name or number)`,
    cluster,
    steps: [
      {
        apply: [cnp('cal', 'web-ports', { selector: WEB, ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['80:82'], notPorts: [81] } }] })],
        expect: [
          flow('cal/client', 'cal/web', 80, true, 'in 80:82'),
          flow('cal/client', 'cal/web', 81, false, 'excluded by notPorts'),
          flow('cal/client', 'cal/web', 82, true, 'in 80:82'),
        ],
      },
      {
        apply: [cnp('cal', 'web-ports', { selector: WEB, ingress: [{ action: 'Allow', protocol: 6, destination: { ports: ['serve-82-tcp'] } }] })],
        expect: [
          flow('cal/client', 'cal/web', 82, true, 'the named port resolves on web to 82; protocol 6 is TCP'),
          flow('cal/client', 'cal/web', 80, false, 'not the named port'),
        ],
      },
    ],
  },
  {
    name: 'calico: staged policies are reported, never enforced',
    cite: `${REF}stagedglobalnetworkpolicy ("staged policies ... are not enforced")`,
    cluster,
    steps: [{
      apply: [
        gnp('deny-all', { selector: 'all()', types: ['Ingress', 'Egress'] }, 'StagedGlobalNetworkPolicy'),
        { apiVersion: V3, kind: 'StagedKubernetesNetworkPolicy', metadata: { name: 'web-deny', namespace: 'cal' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      ],
      expect: [
        flow('cal/client', 'cal/web', 80, true, 'a staged deny-all changes nothing'),
        flow('cal-other/client', 'cal/db', 81, true, 'nor does a staged Kubernetes policy'),
      ],
    }],
  },
];
