// Golden text of `palisade eval` for verdicts of the shapes the engine produces:
// a rule that allowed, an isolating policy with no matching rule, an admin-tier pass,
// and a flow from outside the cluster with a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowText, renderVerdict, ruleMatchText } from './verdict-text.ts';
import type { PolicyRef } from '../../model/policy.ts';
import type { DirectionVerdict, RuleMatch, Verdict } from '../../engine/verdict.ts';

const demoPolicy: PolicyRef = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'demo-policy' };
const anp: PolicyRef = { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', name: 'pass-monitoring' };

const notSelectedEgress: DirectionVerdict = {
  direction: 'egress', endpoint: 'demo/client', allowed: true, reason: 'not-selected',
  tiers: [
    { tier: 'admin', selectedBy: [], matches: [], outcome: 'not-selected' },
    { tier: 'default', selectedBy: [], matches: [], outcome: 'not-selected' },
  ],
  message: 'no egress policy selects demo/client',
};

const allowRule: RuleMatch = {
  tier: 'default', policyId: 'networking.k8s.io/v1/NetworkPolicy/demo/demo-policy', policy: demoPolicy,
  ruleIndex: 0, rulePath: 'spec.ingress[0]', action: 'allow',
  peerPath: 'spec.ingress[0].from[0]', portPath: 'spec.ingress[0].ports[0]',
};

test('ruleMatchText names the policy, rule path, and peer/port paths or "any"', () => {
  assert.equal(ruleMatchText(allowRule),
    'allow: NetworkPolicy demo/demo-policy spec.ingress[0] (peer spec.ingress[0].from[0]; port spec.ingress[0].ports[0])');
  const { peerPath: _p, portPath: _q, ...anyRule } = allowRule;
  assert.equal(ruleMatchText({ ...anyRule, ruleName: 'web', action: 'deny' }),
    'deny: NetworkPolicy demo/demo-policy spec.ingress[0] "web" (any peer; any port)');
});

test('flowText shows the port name the user gave', () => {
  const flow = { src: { kind: 'pod', pod: 'demo/client' }, dst: { kind: 'ip', ip: '10.0.0.1' }, protocol: 'UDP', port: 53 } as const;
  assert.equal(flowText(flow), 'demo/client -> 10.0.0.1 UDP/53');
  assert.equal(flowText(flow, 'dns'), 'demo/client -> 10.0.0.1 UDP/53 (dns)');
});

test('allowed by a rule: egress unselected, ingress decided by spec.ingress[0]', () => {
  const v: Verdict = {
    flow: { src: { kind: 'pod', pod: 'demo/client' }, dst: { kind: 'pod', pod: 'demo/server' }, protocol: 'TCP', port: 80 },
    allowed: true,
    egress: notSelectedEgress,
    ingress: {
      direction: 'ingress', endpoint: 'demo/server', allowed: true, reason: 'rule', decidedBy: allowRule,
      tiers: [
        { tier: 'admin', selectedBy: [], matches: [], outcome: 'not-selected' },
        { tier: 'default', selectedBy: [demoPolicy], matches: [allowRule], outcome: 'allow' },
      ],
      message: 'allowed by NetworkPolicy demo/demo-policy spec.ingress[0]',
    },
    notes: [],
  };
  assert.equal(renderVerdict(v, 'http'), [
    'ALLOWED demo/client -> demo/server TCP/80 (http)',
    'egress (demo/client): allowed',
    '  no egress policy selects demo/client',
    'ingress (demo/server): allowed',
    '  allowed by NetworkPolicy demo/demo-policy spec.ingress[0]',
    '  tier default: selected by NetworkPolicy demo/demo-policy; allowed',
    '    allow: NetworkPolicy demo/demo-policy spec.ingress[0] (peer spec.ingress[0].from[0]; port spec.ingress[0].ports[0])',
    '',
  ].join('\n'));
});

test('denied by the tier default after an admin pass', () => {
  const pass: RuleMatch = {
    tier: 'admin', policyId: 'policy.networking.k8s.io/v1alpha2/ClusterNetworkPolicy/pass-monitoring', policy: anp,
    ruleIndex: 1, rulePath: 'spec.ingress[1]', ruleName: 'pass-all', action: 'pass',
  };
  const v: Verdict = {
    flow: { src: { kind: 'pod', pod: 'demo/client' }, dst: { kind: 'pod', pod: 'demo/server' }, protocol: 'TCP', port: 8080 },
    allowed: false,
    egress: notSelectedEgress,
    ingress: {
      direction: 'ingress', endpoint: 'demo/server', allowed: false, reason: 'tier-default',
      tiers: [
        { tier: 'admin', selectedBy: [anp], matches: [pass], outcome: 'pass' },
        { tier: 'default', selectedBy: [demoPolicy], matches: [], outcome: 'no-match-deny' },
        { tier: 'baseline', selectedBy: [], matches: [], outcome: 'not-selected' },
      ],
      message: 'selected by NetworkPolicy demo/demo-policy; no ingress rule admits demo/client on TCP/8080',
    },
    notes: [],
  };
  assert.equal(renderVerdict(v), [
    'DENIED demo/client -> demo/server TCP/8080',
    'egress (demo/client): allowed',
    '  no egress policy selects demo/client',
    'ingress (demo/server): denied',
    '  selected by NetworkPolicy demo/demo-policy; no ingress rule admits demo/client on TCP/8080',
    '  tier admin: selected by ClusterNetworkPolicy pass-monitoring; passed on to the next tier',
    '    pass: ClusterNetworkPolicy pass-monitoring spec.ingress[1] "pass-all" (any peer; any port)',
    '  tier default: selected by NetworkPolicy demo/demo-policy; no rule matched; denied by the tier default',
    '',
  ].join('\n'));
});

test('from outside the cluster: endpoint null falls back to the address; notes last', () => {
  const v: Verdict = {
    flow: { src: { kind: 'ip', ip: '192.0.2.1' }, dst: { kind: 'pod', pod: 'demo/server' }, protocol: 'TCP', port: 80 },
    allowed: true,
    egress: { direction: 'egress', endpoint: null, allowed: true, reason: 'not-a-pod', tiers: [], message: '192.0.2.1 is not a pod: no egress policy applies' },
    ingress: { ...notSelectedEgress, direction: 'ingress', endpoint: 'demo/server', tiers: [], message: 'no ingress policy selects demo/server' },
    notes: ['an L7 rule of CiliumNetworkPolicy demo/l7 is not enforced'],
  };
  assert.equal(renderVerdict(v), [
    'ALLOWED 192.0.2.1 -> demo/server TCP/80',
    'egress (192.0.2.1): allowed',
    '  192.0.2.1 is not a pod: no egress policy applies',
    'ingress (demo/server): allowed',
    '  no ingress policy selects demo/server',
    'note: an L7 rule of CiliumNetworkPolicy demo/l7 is not enforced',
    '',
  ].join('\n'));
});
