// policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy: strict shape checks and the
// CRD's validation (the kubebuilder markers and CEL rules of
// kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go), read
// into a typed form that AdminNetworkPolicy/BaselineAdminNetworkPolicy (v1alpha1) also
// convert into. Every peer and port keeps the field path it came from, for traces.
import type { Protocol } from '../../model/protocol.ts';
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { formatCidr } from '../../model/ip.ts';
import { readLabelSelector, toSelector } from '../k8s/label-selector.ts';
import type { ObjectMeta } from '../k8s/object-meta.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { checkCidr } from '../validation/cidr.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readInt, readObject, readString } from '../validation/shape.ts';

export const CNP_API_VERSION = 'policy.networking.k8s.io/v1alpha2';
export const CNP_KIND = 'ClusterNetworkPolicy';

export type CnpTier = 'Admin' | 'Baseline';
export type CnpAction = 'Accept' | 'Deny' | 'Pass';
export const CNP_TIERS: readonly CnpTier[] = ['Admin', 'Baseline'];
export const CNP_ACTIONS: readonly CnpAction[] = ['Accept', 'Deny', 'Pass'];

/** Pods in namespaces: `namespaces` subject/peer has `pods` = all. */
export interface CnpPodSet {
  readonly namespaces: Selector;
  readonly pods: Selector;
}

export type CnpPeer =
  | ({ readonly kind: 'pods'; readonly path: string } & CnpPodSet)
  | { readonly kind: 'nodes'; readonly path: string; readonly selector: Selector }
  | { readonly kind: 'networks'; readonly path: string; readonly cidrs: readonly { readonly cidr: string; readonly path: string }[] }
  | { readonly kind: 'domainNames'; readonly path: string; readonly names: readonly { readonly name: string; readonly path: string }[] };

/** One protocols entry: a protocol with an optional port range, or a destination named port (any protocol). */
export interface CnpProtocol {
  readonly path: string;
  readonly protocol: Protocol | null;
  readonly range?: { readonly from: number; readonly to: number };
  readonly namedPort?: string;
}

export interface CnpRule {
  readonly path: string;
  readonly name?: string;
  readonly action: CnpAction;
  readonly peers: readonly CnpPeer[];
  /** undefined: any protocol and port. */
  readonly protocols?: readonly CnpProtocol[];
}

export interface ClusterNetworkPolicy {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly tier: CnpTier;
  readonly priority: number;
  readonly subject: CnpPodSet;
  readonly ingress: readonly CnpRule[];
  readonly egress: readonly CnpRule[];
}

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const SPEC_FIELDS = ['tier', 'priority', 'subject', 'ingress', 'egress'];
/** MaxItems of spec.ingress / spec.egress, and of from / to / protocols / networks / domainNames. */
export const CNP_MAX_RULES = 25;
const MAX_ITEMS = 25;
const RULE_NAME_MAX = 100;
const CIDR_MAX_LENGTH = 43;
// DomainName's +kubebuilder:validation:Pattern.
const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** Validates a raw v1alpha2 ClusterNetworkPolicy; undefined when any error was found. */
export function readClusterNetworkPolicy(obj: JsonObject, issues: Issues): ClusterNetworkPolicy | undefined {
  readObject(obj, '', issues, TOP_FIELDS);
  const metadata = readObjectMeta(obj['metadata'], issues, { namespaced: false, nameRule: isDns1123Subdomain });
  const spec = readObject(obj['spec'], 'spec', issues, SPEC_FIELDS);
  if (spec === undefined) {
    if (obj['spec'] == null) issues.required('spec');
    return undefined;
  }
  const tier = readEnum(spec['tier'], 'spec.tier', CNP_TIERS, issues);
  const priority = readPriority(spec['priority'], 'spec.priority', issues);
  const subject = readSubject(spec['subject'], issues);
  const ingress = readRules(spec['ingress'], 'spec.ingress', 'from', issues, CNP_MAX_RULES, (v, p) => readPeer(v, p, issues, INGRESS_PEER_FIELDS), readProtocols);
  const egress = readRules(spec['egress'], 'spec.egress', 'to', issues, CNP_MAX_RULES, (v, p) => readPeer(v, p, issues, EGRESS_PEER_FIELDS), readProtocols);
  checkEgressRules(egress, issues);
  if (issues.hasErrors || metadata === undefined || tier === undefined || priority === undefined || subject === undefined) return undefined;
  return { apiVersion: CNP_API_VERSION, kind: CNP_KIND, metadata, tier, priority, subject, ingress, egress };
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[], issues: Issues): T | undefined {
  const s = readString(value, path, issues);
  if (s === undefined) {
    if (value == null) issues.required(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return undefined;
  }
  if ((allowed as readonly string[]).includes(s)) return s as T;
  issues.notSupported(path, s, allowed);
  return undefined;
}

/** `+kubebuilder:validation:Minimum=0`, `Maximum=1000`. */
export function readPriority(value: unknown, path: string, issues: Issues): number | undefined {
  if (value == null) {
    issues.required(path, 'a priority from 0 to 1000 is required');
    return undefined;
  }
  const n = readInt(value, path, issues);
  if (n === undefined) return undefined;
  if (n < 0 || n > 1000) {
    issues.invalid(path, n, 'must be between 0 and 1000, inclusive');
    return undefined;
  }
  return n;
}

/** Exactly one field of `fields` is set (`MinProperties=1`, `MaxProperties=1`); returns its key. */
export function exactlyOne(obj: JsonObject, path: string, fields: readonly string[], issues: Issues): string | undefined {
  const set = Object.keys(obj).filter((k) => fields.includes(k) && obj[k] != null);
  if (set.length === 1) return set[0];
  if (set.length === 0) issues.required(path, `exactly one of ${fields.map((f) => `\`${f}\``).join(', ')} must be set`);
  else issues.forbidden(path, `exactly one of ${fields.map((f) => `\`${f}\``).join(', ')} may be set, got ${set.map((f) => `\`${f}\``).join(' and ')}`);
  return undefined;
}

function selectorAt(value: unknown, path: string, issues: Issues): Selector | undefined {
  const ls = readLabelSelector(value, path, issues);
  return ls === undefined ? undefined : toSelector(ls);
}

/** NamespacedPod: `podSelector` is required, an absent `namespaceSelector` selects every namespace. */
export function readNamespacedPod(value: unknown, path: string, issues: Issues): CnpPodSet | undefined {
  const obj = readObject(value, path, issues, ['namespaceSelector', 'podSelector']);
  if (obj === undefined) return undefined;
  const podsPath = childPath(path, 'podSelector');
  if (obj['podSelector'] == null) issues.required(podsPath, 'podSelector is required (use {} for all pods)');
  const pods = selectorAt(obj['podSelector'], podsPath, issues);
  const namespaces = selectorAt(obj['namespaceSelector'], childPath(path, 'namespaceSelector'), issues) ?? SELECT_ALL;
  return pods === undefined ? undefined : { namespaces, pods };
}

function readSubject(value: unknown, issues: Issues): CnpPodSet | undefined {
  const path = 'spec.subject';
  if (value == null) {
    issues.required(path, 'exactly one of `namespaces`, `pods` must be set');
    return undefined;
  }
  return readPodSetChoice(value, path, issues);
}

/** A subject (or ingress peer) `{namespaces: LabelSelector} | {pods: NamespacedPod}`. */
export function readPodSetChoice(value: unknown, path: string, issues: Issues): CnpPodSet | undefined {
  const obj = readObject(value, path, issues, ['namespaces', 'pods']);
  if (obj === undefined) return undefined;
  const which = exactlyOne(obj, path, ['namespaces', 'pods'], issues);
  if (which === 'namespaces') {
    const ns = selectorAt(obj['namespaces'], childPath(path, 'namespaces'), issues);
    return ns === undefined ? undefined : { namespaces: ns, pods: SELECT_ALL };
  }
  if (which === 'pods') return readNamespacedPod(obj['pods'], childPath(path, 'pods'), issues);
  return undefined;
}

const INGRESS_PEER_FIELDS = ['namespaces', 'pods'];
const EGRESS_PEER_FIELDS = ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'];

function readPeer(value: unknown, path: string, issues: Issues, fields: readonly string[]): CnpPeer | undefined {
  const obj = readObject(value ?? {}, path, issues, fields);
  if (obj === undefined) return undefined;
  const which = exactlyOne(obj, path, fields, issues);
  if (which === undefined) return undefined;
  const fieldPath = childPath(path, which);
  switch (which) {
    case 'namespaces': {
      const ns = selectorAt(obj[which], fieldPath, issues);
      return ns === undefined ? undefined : { kind: 'pods', path, namespaces: ns, pods: SELECT_ALL };
    }
    case 'pods': {
      const set = readNamespacedPod(obj[which], fieldPath, issues);
      return set === undefined ? undefined : { kind: 'pods', path, ...set };
    }
    case 'nodes': {
      const selector = selectorAt(obj[which], fieldPath, issues);
      return selector === undefined ? undefined : { kind: 'nodes', path, selector };
    }
    case 'networks': {
      const cidrs = readNetworks(obj[which], fieldPath, issues);
      return cidrs === undefined ? undefined : { kind: 'networks', path, cidrs };
    }
    default: {
      const names = readSetOfStrings(obj[which], fieldPath, issues, (name, p) => {
        if (!DOMAIN_NAME.test(name)) issues.invalid(p, name, `must match ${DOMAIN_NAME.source} (an exact name, or '*.' followed by a name)`);
      });
      return names === undefined ? undefined : { kind: 'domainNames', path, names: names.map((name, k) => ({ name, path: indexPath(fieldPath, k) })) };
    }
  }
}

/** A `+listType=set` of strings with `MinItems=1`, `MaxItems=25`; `check` reports bad items. */
function readSetOfStrings(value: unknown, path: string, issues: Issues, check: (s: string, path: string) => void): string[] | undefined {
  const list = readArray(value, path, issues);
  if (list === undefined) return undefined;
  if (list.length === 0) issues.invalid(path, value, 'must have at least 1 item');
  if (list.length > MAX_ITEMS) issues.invalid(path, value, `must have at most ${MAX_ITEMS} items`);
  const out: string[] = [];
  list.forEach((raw, k) => {
    const p = indexPath(path, k);
    const s = readString(raw, p, issues);
    if (s === undefined) {
      if (raw == null) issues.wrongType(p, 'a string', raw);
      return;
    }
    if (out.includes(s)) issues.duplicate(p, s);
    check(s, p);
    out.push(s);
  });
  return out;
}

/** CIDR: `isCIDR(self)` and `MaxLength=43`; host bits are masked (Go's netip prefixes allow them) with a warning. */
export function readNetworks(value: unknown, path: string, issues: Issues): { cidr: string; path: string }[] | undefined {
  const out: { cidr: string; path: string }[] = [];
  const texts = readSetOfStrings(value, path, issues, (text, p) => {
    if (text.length > CIDR_MAX_LENGTH) issues.invalid(p, text, `may not be longer than ${CIDR_MAX_LENGTH} characters`);
    const check = checkCidr(text);
    const fatal = check.errors.filter((e) => !e.includes('bits set beyond'));
    if (check.cidr === undefined || fatal.length > 0) {
      issues.invalid(p, text, fatal[0] ?? 'Invalid CIDR format provided');
      return;
    }
    if (check.errors.length > 0) issues.warn(p, `host bits are ignored: matches ${formatCidr(check.cidr)}`);
    out.push({ cidr: formatCidr(check.cidr), path: p });
  });
  return texts === undefined ? undefined : out;
}

type PeerReader = (value: unknown, path: string) => CnpPeer | undefined;
type ProtocolsReader = (value: unknown, path: string, issues: Issues) => CnpProtocol[] | undefined;

/** Rules of one direction; shared with the v1alpha1 readers, which pass their own limits and readers. */
export function readRules(
  value: unknown, path: string, peerField: 'from' | 'to', issues: Issues, maxRules: number,
  readOnePeer: PeerReader, readPorts: ProtocolsReader, portsField = 'protocols', actions: readonly string[] = CNP_ACTIONS,
): CnpRule[] {
  const list = readArray(value, path, issues) ?? [];
  if (list.length > maxRules) issues.invalid(path, value, `must have at most ${maxRules} items`);
  const rules: CnpRule[] = [];
  list.forEach((raw, i) => {
    const rulePath = indexPath(path, i);
    const obj = readObject(raw, rulePath, issues, ['name', 'action', peerField, portsField]);
    if (obj === undefined) {
      if (raw == null) issues.wrongType(rulePath, 'an object', raw);
      return;
    }
    const namePath = childPath(rulePath, 'name');
    const name = readString(obj['name'], namePath, issues);
    if (name !== undefined && name.length > RULE_NAME_MAX) issues.invalid(namePath, `${name.slice(0, 20)}…`, `may not be longer than ${RULE_NAME_MAX} characters`);
    const action = readEnum(obj['action'], childPath(rulePath, 'action'), actions, issues);
    const peersPath = childPath(rulePath, peerField);
    const rawPeers = readArray(obj[peerField], peersPath, issues);
    if (rawPeers === undefined && obj[peerField] == null) issues.required(peersPath, 'at least one peer is required');
    if (rawPeers !== undefined && rawPeers.length === 0) issues.invalid(peersPath, rawPeers, 'must have at least 1 item');
    if (rawPeers !== undefined && rawPeers.length > maxRules) issues.invalid(peersPath, rawPeers, `must have at most ${maxRules} items`);
    const peers = (rawPeers ?? []).flatMap((p, j) => readOnePeer(p, indexPath(peersPath, j)) ?? []);
    const protocols = readPorts(obj[portsField], childPath(rulePath, portsField), issues);
    if (action === undefined) return;
    rules.push({
      path: rulePath, action: action === 'Allow' ? 'Accept' : action as CnpAction, peers,
      ...(name === undefined || name === '' ? {} : { name }),
      ...(protocols === undefined ? {} : { protocols }),
    });
  });
  return rules;
}

const PROTOCOL_FIELDS = ['tcp', 'udp', 'sctp', 'destinationNamedPort'];
const PROTOCOL_OF: Readonly<Record<string, Protocol>> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

function readProtocols(value: unknown, path: string, issues: Issues): CnpProtocol[] | undefined {
  const list = readArray(value, path, issues);
  if (list === undefined) return undefined;
  if (list.length === 0) issues.invalid(path, value, 'must have at least 1 item');
  if (list.length > MAX_ITEMS) issues.invalid(path, value, `must have at most ${MAX_ITEMS} items`);
  const out: CnpProtocol[] = [];
  list.forEach((raw, k) => {
    const p = indexPath(path, k);
    const obj = readObject(raw ?? {}, p, issues, PROTOCOL_FIELDS);
    if (obj === undefined) return;
    const which = exactlyOne(obj, p, PROTOCOL_FIELDS, issues);
    if (which === undefined) return;
    const fieldPath = childPath(p, which);
    if (which === 'destinationNamedPort') {
      const name = readString(obj[which], fieldPath, issues);
      if (name === '') issues.invalid(fieldPath, name, 'must not be empty');
      if (name !== undefined && name !== '') out.push({ path: p, protocol: null, namedPort: name });
      return;
    }
    const protocol = PROTOCOL_OF[which] ?? 'TCP';
    // ClusterNetworkPolicyProtocolTCP/UDP/SCTP: MinProperties=1, so destinationPort is needed.
    const attrs = readObject(obj[which], fieldPath, issues, ['destinationPort']);
    if (attrs === undefined) return;
    const dpPath = childPath(fieldPath, 'destinationPort');
    if (attrs['destinationPort'] == null) {
      issues.required(dpPath, 'must have at least 1 property: set `destinationPort`');
      return;
    }
    const range = readPort(attrs['destinationPort'], dpPath, issues);
    if (range !== undefined) out.push({ path: p, protocol, range });
  });
  return out;
}

/** Port: exactly one of `number` (1–65535) or `range` (start < end, each 1–65535). */
function readPort(value: unknown, path: string, issues: Issues): { from: number; to: number } | undefined {
  const obj = readObject(value, path, issues, ['number', 'range']);
  if (obj === undefined) return undefined;
  const which = exactlyOne(obj, path, ['number', 'range'], issues);
  if (which === 'number') {
    const n = readPortNumber(obj['number'], childPath(path, 'number'), issues);
    return n === undefined ? undefined : { from: n, to: n };
  }
  if (which === 'range') return readRange(obj['range'], childPath(path, 'range'), issues);
  return undefined;
}

export function readPortNumber(value: unknown, path: string, issues: Issues): number | undefined {
  if (value == null) {
    issues.required(path, 'a port number is required');
    return undefined;
  }
  const n = readInt(value, path, issues);
  if (n === undefined) return undefined;
  if (n < 1 || n > 65535) {
    issues.invalid(path, n, 'must be between 1 and 65535, inclusive');
    return undefined;
  }
  return n;
}

/** PortRange: `XValidation self.start < self.end` ("Start port must be less than End port"). */
export function readRange(value: unknown, path: string, issues: Issues, extraFields: readonly string[] = []): { from: number; to: number } | undefined {
  const obj = readObject(value, path, issues, ['start', 'end', ...extraFields]);
  if (obj === undefined) return undefined;
  const start = readPortNumber(obj['start'], childPath(path, 'start'), issues);
  const end = readPortNumber(obj['end'], childPath(path, 'end'), issues);
  if (start === undefined || end === undefined) return undefined;
  if (start >= end) {
    issues.invalid(path, `${start}-${end}`, 'Start port must be less than End port');
    return undefined;
  }
  return { from: start, to: end };
}

/**
 * Egress rule CEL: networks/nodes/domainNames peers cannot be combined with
 * destinationNamedPort; and domainNames are "only supported for Accept rules".
 */
export function checkEgressRules(rules: readonly CnpRule[], issues: Issues): void {
  for (const r of rules) {
    const nonPod = r.peers.find((p) => p.kind !== 'pods');
    const named = r.protocols?.find((p) => p.namedPort !== undefined);
    if (nonPod !== undefined && named !== undefined) {
      issues.invalid(named.path, named.namedPort, 'networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames');
    }
    const domains = r.peers.find((p) => p.kind === 'domainNames');
    if (domains !== undefined && r.action !== 'Accept') {
      issues.invalid(childPath(r.path, 'action'), r.action, 'domainNames peers are only supported for Accept rules');
    }
  }
}
