// Calico v3 Rule and EntityRule (api/pkg/apis/projectcalico/v3/policy_common.go; docs
// https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#rule and
// #entityrule) compiled to IR rules. The remote side is `source` for ingress and
// `destination` for egress; ports always come from `destination` (destination ports).
// Within an EntityRule all given fields AND; nets/selector/domains are each one peer kind.
// Selector scope: a namespaced policy's selector means its own namespace; a global
// policy's means every namespace plus GlobalNetworkSets; `namespaceSelector: global()`
// means non-namespaced resources only (GlobalNetworkSets; host endpoints are not modelled).
import { formatCidr, parseCidr, parseIp } from '../../model/ip.ts';
import type { NamespaceScope, Peer } from '../../model/peer.ts';
import type { Direction } from '../../model/policy.ts';
import type { PortMatch, PortSpec } from '../../model/port-match.ts';
import type { Protocol } from '../../model/protocol.ts';
import type { Action, Rule } from '../../model/rule.ts';
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isValidPortName } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readObject, readString, readStringList } from '../validation/shape.ts';
import { parseCalicoSelector } from './selector-parser.ts';

/** Where a rule's selectors look when no namespaceSelector narrows them. */
export interface RuleContext {
  /** The policy's namespace; undefined for global policies. */
  readonly namespace: string | undefined;
}

const ACTIONS: Readonly<Record<string, Action>> = { Allow: 'allow', Deny: 'deny', Log: 'log', Pass: 'pass' };
const RULE_FIELDS = ['action', 'protocol', 'notProtocol', 'icmp', 'notICMP', 'ipVersion', 'source', 'destination', 'http', 'metadata'];
const ENTITY_FIELDS = ['nets', 'notNets', 'selector', 'notSelector', 'namespaceSelector', 'ports', 'notPorts', 'serviceAccounts', 'services', 'domains'];

/** Parses a Calico selector field, reporting syntax errors with their position. */
export function readCalicoSelector(value: unknown, path: string, issues: Issues): ReturnType<typeof parseCalicoSelector> | undefined {
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  const r = parseCalicoSelector(text);
  if (!r.ok) issues.invalid(path, text, `position ${r.error.position}: ${r.error.message}`);
  return r;
}

/** Namespace labels as Calico sees them: `projectcalico.org/name` is the namespace's name. */
export function namespaceSelectorKeys(s: Selector): Selector {
  const key = (k: string): string => (k === 'projectcalico.org/name' ? 'kubernetes.io/metadata.name' : k);
  switch (s.op) {
    case 'all': case 'none': return s;
    case 'and': case 'or': return { op: s.op, of: s.of.map(namespaceSelectorKeys) };
    case 'not': return { op: 'not', of: namespaceSelectorKeys(s.of) };
    default: return { ...s, key: key(s.key) };
  }
}

type ProtocolValue = { readonly kind: 'l4'; readonly protocol: Protocol } | { readonly kind: 'other'; readonly name: string };

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP', icmp: 'ICMP', icmpv6: 'ICMPv6', udplite: 'UDPLite' };
const PROTOCOL_NUMBERS: Readonly<Record<number, Protocol>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

/** numorstring.Protocol: a name (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite) or a number 1-255. */
function readProtocolValue(value: unknown, path: string, issues: Issues): ProtocolValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 255) {
      issues.invalid(path, value, 'a protocol number must be between 1 and 255');
      return undefined;
    }
    const l4 = PROTOCOL_NUMBERS[value];
    return l4 === undefined ? { kind: 'other', name: `protocol ${value}` } : { kind: 'l4', protocol: l4 };
  }
  if (typeof value !== 'string') {
    issues.wrongType(path, 'a protocol name or number', value);
    return undefined;
  }
  const name = /^[0-9]+$/.test(value) ? undefined : PROTOCOL_NAMES[value.toLowerCase()];
  if (name === undefined) {
    if (/^[0-9]+$/.test(value)) return readProtocolValue(Number(value), path, issues);
    issues.notSupported(path, value, ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite', '1-255']);
    return undefined;
  }
  return name === 'TCP' || name === 'UDP' || name === 'SCTP' ? { kind: 'l4', protocol: name } : { kind: 'other', name };
}

/** A Calico port: a number, "from:to", or a named port. */
function readPortSpec(value: unknown, path: string, issues: Issues): PortSpec | undefined {
  const valid = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
  if (typeof value === 'number') {
    if (!valid(value)) { issues.invalid(path, value, 'a port must be between 0 and 65535'); return undefined; }
    return { kind: 'range', from: value, to: value };
  }
  if (typeof value !== 'string') { issues.wrongType(path, 'a port number, "from:to" range or port name', value); return undefined; }
  const range = /^([0-9]+):([0-9]+)$/.exec(value);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (!valid(from) || !valid(to)) { issues.invalid(path, value, 'ports must be between 0 and 65535'); return undefined; }
    if (from > to) { issues.invalid(path, value, 'the range start must not exceed its end'); return undefined; }
    return { kind: 'range', from, to };
  }
  if (/^[0-9]+$/.test(value)) return readPortSpec(Number(value), path, issues);
  const problems = isValidPortName(value);
  if (problems.length > 0) { issues.each(path, value, problems); return undefined; }
  return { kind: 'named', name: value };
}

function readPortList(value: unknown, path: string, issues: Issues): PortSpec[] | undefined {
  const list = readArray(value, path, issues);
  return list?.flatMap((v, i) => readPortSpec(v, indexPath(path, i), issues) ?? []);
}

/** A list of nets (CIDRs or single addresses), canonical. */
export function readNets(value: unknown, path: string, issues: Issues): string[] | undefined {
  const list = readStringList(value, path, issues);
  return list?.flatMap((n, i) => {
    const cidr = parseCidr(n) ?? (parseIp(n) === undefined ? undefined : parseCidr(`${n}/${n.includes(':') ? 128 : 32}`));
    if (cidr === undefined) {
      issues.invalid(indexPath(path, i), n, 'must be a CIDR (e.g. 10.0.0.0/8) or an IP address');
      return [];
    }
    return [formatCidr(cidr)];
  });
}

interface Scope {
  /** Namespaces whose pods the selector looks at; null: none (global() scope). */
  readonly pods: NamespaceScope | null;
  /** Network-set scopes: a NamespaceScope for namespaced sets, null for GlobalNetworkSets. */
  readonly sets: ReadonlyArray<NamespaceScope | null>;
}

function scopeOf(nsSel: Selector | 'global' | undefined, ctx: RuleContext): Scope {
  if (nsSel === 'global') return { pods: null, sets: [null] };
  if (nsSel !== undefined) {
    const scope: NamespaceScope = { kind: 'selector', selector: nsSel };
    return { pods: scope, sets: [scope] };
  }
  if (ctx.namespace !== undefined) {
    const own: NamespaceScope = { kind: 'names', names: [ctx.namespace] };
    return { pods: own, sets: [own] };
  }
  const every: NamespaceScope = { kind: 'selector', selector: SELECT_ALL };
  return { pods: every, sets: [every, null] };
}

function selectorPeers(scope: Scope, pods: Selector, path: string, sa: { names?: readonly string[]; selector?: Selector } | undefined): Peer[] {
  const peers: Peer[] = [];
  if (scope.pods !== null) {
    peers.push({ kind: 'pods', path, namespaces: scope.pods, pods, ...(sa === undefined ? {} : { serviceAccounts: sa }) });
  }
  // Network sets have no service account: with serviceAccounts only pods can match.
  if (sa === undefined) for (const s of scope.sets) peers.push({ kind: 'networkSets', path, namespaces: s, selector: pods });
  return peers;
}

interface Entity {
  readonly peers: Peer[] | null;
  readonly notPeers: Peer[];
}

function readRemote(raw: JsonObject, path: string, dir: Direction, ctx: RuleContext, issues: Issues): Entity {
  const field = (k: string): string => childPath(path, k);
  const nets = readNets(raw['nets'], field('nets'), issues);
  const notNets = readNets(raw['notNets'], field('notNets'), issues);
  const sel = readCalicoSelector(raw['selector'], field('selector'), issues);
  const notSel = readCalicoSelector(raw['notSelector'], field('notSelector'), issues);
  const nsSel = readCalicoSelector(raw['namespaceSelector'], field('namespaceSelector'), issues);
  const domains = readStringList(raw['domains'], field('domains'), issues);
  if (raw['services'] != null) issues.forbidden(field('services'), 'Calico service matches are not supported yet');
  if (domains !== undefined && dir === 'ingress') issues.forbidden(field('domains'), 'domains may only be used in egress rules (destination)');
  if (sel?.ok === true && sel.usesGlobal) issues.warn(field('selector'), 'global() in an endpoint selector matches every endpoint (it evaluates as all())');

  let sa: { names?: readonly string[]; selector?: Selector } | undefined;
  const saRaw = readObject(raw['serviceAccounts'], field('serviceAccounts'), issues, ['names', 'selector']);
  if (saRaw !== undefined) {
    const names = readStringList(saRaw['names'], childPath(field('serviceAccounts'), 'names'), issues);
    const saSel = readCalicoSelector(saRaw['selector'], childPath(field('serviceAccounts'), 'selector'), issues);
    sa = { ...(names === undefined ? {} : { names }), ...(saSel?.ok === true ? { selector: saSel.selector } : {}) };
    issues.warn(field('serviceAccounts'), 'service accounts are judged by the engine (eval, matrix) but the nftables dataplane does not tell them apart yet: it enforces this peer by its selectors only');
    if (saSel?.ok === true) issues.warn(childPath(field('serviceAccounts'), 'selector'), 'service account labels are not known to Palisade: the selector sees only projectcalico.org/name (the account name)');
  }

  let nsScope: Selector | 'global' | undefined;
  if (nsSel?.ok === true) nsScope = nsSel.isGlobal ? 'global' : namespaceSelectorKeys(nsSel.selector);
  const scope = scopeOf(nsScope, ctx);

  const kinds = [nets !== undefined, sel !== undefined || nsSel !== undefined || sa !== undefined, domains !== undefined].filter(Boolean).length;
  if (kinds > 1) issues.forbidden(path, 'combining nets, selectors/serviceAccounts and domains in one entity rule is not supported yet; split the rule');

  let peers: Peer[] | null = null;
  if (nets !== undefined) peers = nets.map((cidr) => ({ kind: 'cidr', path: field('nets'), cidr, except: [], matchesPods: true }));
  else if (domains !== undefined) peers = domains.map((pattern) => ({ kind: 'fqdn', path: field('domains'), pattern }));
  else if (sel !== undefined || nsSel !== undefined || sa !== undefined) {
    const pods = sel?.ok === true ? sel.selector : SELECT_ALL;
    peers = selectorPeers(scope, pods, sel === undefined ? (nsSel === undefined ? field('serviceAccounts') : field('namespaceSelector')) : field('selector'), sa);
  }
  const notPeers: Peer[] = [];
  for (const cidr of notNets ?? []) notPeers.push({ kind: 'cidr', path: field('notNets'), cidr, except: [], matchesPods: true });
  if (notSel?.ok === true) notPeers.push(...selectorPeers(scope, notSel.selector, field('notSelector'), undefined));
  return { peers, notPeers };
}

/** Compiles one Calico rule; undefined when it had errors (reported). */
export function readCalicoRule(value: unknown, path: string, dir: Direction, index: number, ctx: RuleContext, issues: Issues): Rule | undefined {
  const before = issues.list.filter((i) => i.severity === 'error').length;
  const raw = readObject(value, path, issues, RULE_FIELDS);
  if (raw === undefined) {
    if (value == null) issues.required(path, 'a rule must be an object with an action');
    return undefined;
  }
  const actionText = readString(raw['action'], childPath(path, 'action'), issues);
  const action = actionText === undefined ? undefined : ACTIONS[actionText];
  if (actionText === undefined && raw['action'] == null) issues.required(childPath(path, 'action'));
  else if (actionText !== undefined && action === undefined) issues.notSupported(childPath(path, 'action'), actionText, Object.keys(ACTIONS));

  const protocol = readProtocolValue(raw['protocol'], childPath(path, 'protocol'), issues);
  const notProtocol = readProtocolValue(raw['notProtocol'], childPath(path, 'notProtocol'), issues);
  if (raw['ipVersion'] != null) issues.forbidden(childPath(path, 'ipVersion'), 'per-rule ipVersion is not supported yet');
  if (protocol?.kind === 'other') {
    issues.warn(childPath(path, 'protocol'), `${protocol.name} is not modelled: Palisade judges TCP, UDP and SCTP only, so this rule never matches and ${protocol.name} traffic is not policed by it`);
  }
  for (const k of ['icmp', 'notICMP']) {
    if (raw[k] != null && protocol?.kind !== 'other') issues.invalid(childPath(path, k), raw[k], 'requires protocol ICMP or ICMPv6');
  }

  const remoteName = dir === 'ingress' ? 'source' : 'destination';
  const localName = dir === 'ingress' ? 'destination' : 'source';
  const remote = readObject(raw[remoteName], childPath(path, remoteName), issues, ENTITY_FIELDS) ?? {};
  const local = readObject(raw[localName], childPath(path, localName), issues, ENTITY_FIELDS) ?? {};
  const dst = dir === 'ingress' ? local : remote;
  const dstPath = childPath(path, 'destination');
  for (const k of Object.keys(local)) {
    if (local[k] == null || (dir === 'ingress' && (k === 'ports' || k === 'notPorts'))) continue;
    issues.forbidden(childPath(childPath(path, localName), k), `matching on the policy's own endpoint (${localName}.${k} of an ${dir} rule) is not supported yet`);
  }
  for (const k of ['ports', 'notPorts']) {
    if (remote[k] != null && dir === 'ingress') issues.forbidden(childPath(childPath(path, 'source'), k), 'source ports are not supported yet');
  }
  const ports = readPortList(dst['ports'], childPath(dstPath, 'ports'), issues);
  const notPorts = readPortList(dst['notPorts'], childPath(dstPath, 'notPorts'), issues);
  if ((ports !== undefined || notPorts !== undefined) && protocol?.kind !== 'l4') {
    issues.invalid(childPath(path, 'protocol'), raw['protocol'] ?? null, 'ports and notPorts require protocol TCP, UDP or SCTP');
  }
  const entity = readRemote(remote, childPath(path, remoteName), dir, ctx, issues);

  let l7: Rule['l7'];
  if (raw['http'] != null) {
    const http = readObject(raw['http'], childPath(path, 'http'), issues, ['methods', 'paths', 'headers']);
    l7 = { protocol: 'http', summary: JSON.stringify(http ?? {}) };
  }
  if (issues.list.filter((i) => i.severity === 'error').length > before || action === undefined) return undefined;

  const l4 = protocol?.kind === 'l4' ? protocol.protocol : null;
  const portsPath = childPath(dstPath, 'ports');
  let portMatches: PortMatch[] | null = null;
  if (protocol?.kind === 'other') portMatches = [];
  else if (ports !== undefined) portMatches = ports.map((spec, j) => ({ protocol: l4, ports: spec, path: indexPath(portsPath, j) }));
  else if (l4 !== null) portMatches = [{ protocol: l4, ports: null, path: childPath(path, 'protocol') }];
  const notPortMatches: PortMatch[] = (notPorts ?? []).map((spec, j) => ({ protocol: l4, ports: spec, path: indexPath(childPath(dstPath, 'notPorts'), j) }));
  if (notProtocol?.kind === 'l4') notPortMatches.push({ protocol: notProtocol.protocol, ports: null, path: childPath(path, 'notProtocol') });

  return {
    index, path, action, peers: entity.peers, ports: portMatches,
    ...(entity.notPeers.length > 0 ? { notPeers: entity.notPeers } : {}),
    ...(notPortMatches.length > 0 ? { notPorts: notPortMatches } : {}),
    ...(l7 === undefined ? {} : { l7 }),
  };
}
