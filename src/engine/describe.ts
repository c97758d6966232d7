// A policy in plain words, for `palisade explain` and the UI: who it applies to, and per
// direction whether it isolates and what each rule does, in evaluation order.
import type { NamespaceScope, Peer } from '../model/peer.ts';
import type { Direction, DirectionRules, Policy } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { Rule } from '../model/rule.ts';
import type { Selector } from '../model/selector.ts';

/** "app=server, tier in (a, b), !debug"; SELECT_ALL → "all pods". */
export function describeSelector(s: Selector): string {
  return s.op === 'all' ? 'all pods' : selectorText(s);
}

function selectorText(s: Selector): string {
  switch (s.op) {
    case 'all': return 'everything';
    case 'none': return 'nothing';
    case 'and': return s.of.length === 0 ? 'everything' : s.of.map((x) => (x.op === 'or' ? `(${selectorText(x)})` : selectorText(x))).join(', ');
    case 'or': return s.of.length === 0 ? 'nothing' : s.of.map((x) => (x.op === 'and' && x.of.length > 1 ? `(${selectorText(x)})` : selectorText(x))).join(' or ');
    case 'not': return `not (${selectorText(s.of)})`;
    case 'in': return s.values.length === 1 ? `${s.key}=${s.values[0]}` : `${s.key} in (${s.values.join(', ')})`;
    case 'notIn': return s.values.length === 1 ? `${s.key}!=${s.values[0]}` : `${s.key} notin (${s.values.join(', ')})`;
    case 'exists': return s.key;
    case 'notExists': return `!${s.key}`;
    case 'contains': return `${s.key} contains "${s.value}"`;
    case 'startsWith': return `${s.key} starts with "${s.value}"`;
    case 'endsWith': return `${s.key} ends with "${s.value}"`;
  }
}

function podsText(s: Selector): string {
  if (s.op === 'all') return 'all pods';
  if (s.op === 'none') return 'no pods';
  return `pods ${selectorText(s)}`;
}

function scopeText(scope: NamespaceScope): string {
  if (scope.kind === 'names') {
    if (scope.names.length === 0) return 'in no namespace';
    return scope.names.length === 1 ? `in namespace ${scope.names[0]}` : `in namespaces ${scope.names.join(', ')}`;
  }
  if (scope.selector.op === 'all') return 'in all namespaces';
  if (scope.selector.op === 'none') return 'in no namespace';
  return `in namespaces ${selectorText(scope.selector)}`;
}

export function describePeer(p: Peer): string {
  switch (p.kind) {
    case 'pods': return `${podsText(p.pods)} ${scopeText(p.namespaces)}`;
    case 'cidr': {
      const except = p.except.length > 0 ? ` except ${p.except.join(', ')}` : '';
      const nodes = p.matchesNodes !== false;
      const scope = p.matchesPods ? (nodes ? '' : ' (not node addresses)') : (nodes ? ' (not pod addresses)' : ' (addresses outside the cluster only)');
      return `${p.cidr}${except}${scope}`;
    }
    case 'fqdn': return `DNS name ${p.pattern}`;
    case 'entity': return `entity ${p.entity}`;
    case 'nodes': return p.selector.op === 'all' ? 'all nodes' : `nodes ${selectorText(p.selector)}`;
    case 'networkSets': {
      const sets = p.selector.op === 'all' ? 'network sets' : `network sets ${selectorText(p.selector)}`;
      return p.namespaces === null ? `global ${sets}` : `${sets} ${scopeText(p.namespaces)}`;
    }
    case 'service': {
      const which = p.name !== undefined ? `Service ${p.name}`
        : p.selector === undefined || p.selector.op === 'all' ? 'every Service' : `Services ${selectorText(p.selector)}`;
      return `backends of ${which} ${p.namespace === null ? 'in all namespaces' : `in namespace ${p.namespace}`}`;
    }
  }
}

export function describePort(m: PortMatch): string {
  const proto = m.protocol ?? 'any protocol';
  if (m.ports === null) return m.protocol === null ? 'any port' : `all ${m.protocol} ports`;
  const port = m.ports.kind === 'named'
    ? `port named ${m.ports.name}`
    : m.ports.from === m.ports.to ? String(m.ports.from) : `${m.ports.from}-${m.ports.to}`;
  if (m.protocol === null) return m.ports.kind === 'named' ? `${port} (any protocol)` : `port ${port} (any protocol)`;
  return m.ports.kind === 'named' ? `${proto} ${port}` : `${proto}/${port}`;
}

const VERBS: Readonly<Record<Rule['action'], string>> = { allow: 'allows', deny: 'denies', pass: 'passes to the next tier', log: 'logs' };

export function describeRule(rule: Rule, direction: Direction): string {
  const fromTo = direction === 'ingress' ? 'from' : 'to';
  let peers: string;
  if (rule.peers === null) peers = direction === 'ingress' ? 'from anywhere' : 'to anywhere';
  else if (rule.peers.length === 0) peers = `${fromTo} no peer (never matches)`;
  else peers = `${fromTo} ${rule.peers.map(describePeer).join(' or ')}`;
  const unless = rule.notPeers !== undefined && rule.notPeers.length > 0 ? ` unless ${fromTo} ${rule.notPeers.map(describePeer).join(' or ')}` : '';
  let ports: string;
  if (rule.ports === null) ports = 'on any port';
  else if (rule.ports.length === 0) ports = 'on no port (never matches)';
  else ports = `on ${rule.ports.map(describePort).join(' or ')}`;
  const notPorts = rule.notPorts !== undefined && rule.notPorts.length > 0 ? ` except ${rule.notPorts.map(describePort).join(' or ')}` : '';
  const name = rule.name === undefined ? '' : ` (rule "${rule.name}")`;
  const l7 = rule.l7 === undefined ? '' : ` [L7 ${rule.l7.protocol}: ${rule.l7.summary}; not enforced]`;
  return `${VERBS[rule.action]} ${peers}${unless} ${ports}${notPorts}${name}${l7}`;
}

function describeDirection(direction: Direction, d: DirectionRules | undefined): string[] {
  const label = direction === 'ingress' ? 'Ingress' : 'Egress';
  if (d === undefined) return [`${label}: not affected.`];
  const head = d.isolates ? 'isolated' : 'not isolated (rules only add to what other policies decide)';
  if (d.rules.length === 0) return [`${label}: ${head}; no rules${d.isolates ? ', so nothing is allowed by this policy' : ''}.`];
  const [only] = d.rules;
  if (d.rules.length === 1 && only !== undefined) return [`${label}: ${head}; ${describeRule(only, direction)}.`];
  return [`${label}: ${head}; ${d.rules.length} rules, first match wins:`, ...d.rules.map((r, i) => `  ${i + 1}. ${describeRule(r, direction)}.`)];
}

/** Orders at the ends of the number line mean "before/after every other policy" (Cilium deny rules, Calico's omitted order). */
function orderText(order: number): string {
  if (order <= -Number.MAX_SAFE_INTEGER) return 'before every other policy of the tier';
  if (order >= Number.MAX_SAFE_INTEGER) return 'after every other policy of the tier';
  return `at order ${order}`;
}

export function describePolicy(policy: Policy): string[] {
  const lines = [
    `Applies to ${podsText(policy.subject.pods)} ${scopeText(policy.subject.namespaces)}.`,
    `Evaluated in tier ${policy.tier} ${orderText(policy.order)}.`,
  ];
  if (policy.staged) lines.push('Staged: evaluated for reports only, never enforced.');
  lines.push(...describeDirection('ingress', policy.ingress), ...describeDirection('egress', policy.egress));
  return lines;
}
