// networking.k8s.io/v1 NetworkPolicy: strict shape checks plus the semantic checks of
// ValidateNetworkPolicy (kubernetes pkg/apis/networking/validation/validation.go), and
// the API server's defaults (SetDefaults_NetworkPolicySpec / _NetworkPolicyPort:
// protocol TCP; policyTypes [Ingress] plus Egress when spec.egress is non-empty).
import type { Cidr } from '../../model/ip.ts';
import { formatCidr, cidrContainsCidr } from '../../model/ip.ts';
import type { Protocol } from '../../model/protocol.ts';
import { readProtocol } from '../validation/protocol.ts';
import { checkCidr } from '../validation/cidr.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain, isValidPortName, isValidPortNum } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readInt, readIntOrString, readObject, readString } from '../validation/shape.ts';
import type { LabelSelector } from './label-selector.ts';
import { EMPTY_LABEL_SELECTOR, readLabelSelector } from './label-selector.ts';
import type { ObjectMeta } from './object-meta.ts';
import { readObjectMeta } from './object-meta.ts';

export type PolicyType = 'Ingress' | 'Egress';

export interface IpBlock {
  /** Canonical CIDR text. */
  readonly cidr: string;
  readonly except: readonly string[];
}

/** Exactly one of ipBlock or (podSelector and/or namespaceSelector), as validated. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IpBlock;
}

export interface NetworkPolicyPort {
  /** Defaulted to TCP. */
  readonly protocol: Protocol;
  readonly port?: number | string;
  /** Only with a numeric port. */
  readonly endPort?: number;
}

export interface NetworkPolicyRule {
  /** undefined: the field was absent; [] and undefined both mean "any". */
  readonly peers?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicy {
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly podSelector: LabelSelector;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
  /** After defaulting; may repeat an entry (the API server allows that). */
  readonly policyTypes: readonly PolicyType[];
}

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const SPEC_FIELDS = ['podSelector', 'ingress', 'egress', 'policyTypes'];
const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];

/** Validates a raw NetworkPolicy; returns it typed and defaulted, or undefined when any error was found. */
export function readNetworkPolicy(obj: JsonObject, issues: Issues): NetworkPolicy | undefined {
  readObject(obj, '', issues, TOP_FIELDS);
  const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1123Subdomain });
  const spec = readObject(obj['spec'], 'spec', issues, SPEC_FIELDS) ?? {};
  const podSelector = readLabelSelector(spec['podSelector'], 'spec.podSelector', issues) ?? EMPTY_LABEL_SELECTOR;
  const ingress = readRules(spec['ingress'], 'spec.ingress', 'from', issues);
  const egress = readRules(spec['egress'], 'spec.egress', 'to', issues);
  const policyTypes = readPolicyTypes(spec['policyTypes'], issues) ?? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  if (spec['ingress'] !== undefined && ingress.length > 0 && !policyTypes.includes('Ingress')) {
    issues.warn('spec.ingress', 'ignored: spec.policyTypes does not include Ingress');
  }
  if (spec['egress'] !== undefined && egress.length > 0 && !policyTypes.includes('Egress')) {
    issues.warn('spec.egress', 'ignored: spec.policyTypes does not include Egress');
  }
  if (issues.hasErrors || meta === undefined || meta.namespace === undefined) return undefined;
  return { metadata: { ...meta, namespace: meta.namespace }, podSelector, ingress, egress, policyTypes };
}

function readPolicyTypes(value: unknown, issues: Issues): PolicyType[] | undefined {
  const path = 'spec.policyTypes';
  const list = readArray(value, path, issues);
  // An empty list is defaulted like an absent one (len(PolicyTypes) == 0 upstream).
  if (list === undefined || list.length === 0) return undefined;
  if (list.length > POLICY_TYPES.length) {
    issues.invalid(path, value, 'may not specify more than two policyTypes');
    return undefined;
  }
  const out: PolicyType[] = [];
  list.forEach((raw, i) => {
    const p = indexPath(path, i);
    const t = readString(raw, p, issues);
    if (t === undefined) return;
    if (t === 'Ingress' || t === 'Egress') out.push(t);
    else issues.notSupported(p, t, POLICY_TYPES);
  });
  return out;
}

function readRules(value: unknown, path: string, peerField: 'from' | 'to', issues: Issues): NetworkPolicyRule[] {
  const rules: NetworkPolicyRule[] = [];
  (readArray(value, path, issues) ?? []).forEach((raw, i) => {
    const rulePath = indexPath(path, i);
    // A null rule decodes to the zero rule upstream: any peer, any port.
    const rule = readObject(raw ?? {}, rulePath, issues, [peerField, 'ports']);
    if (rule === undefined) return;
    const peersPath = childPath(rulePath, peerField);
    const portsPath = childPath(rulePath, 'ports');
    const rawPeers = readArray(rule[peerField], peersPath, issues);
    const rawPorts = readArray(rule['ports'], portsPath, issues);
    const ports = rawPorts?.flatMap((p, j) => readPort(p, indexPath(portsPath, j), issues) ?? []);
    const peers = rawPeers?.flatMap((p, j) => readPeer(p, indexPath(peersPath, j), issues) ?? []);
    rules.push({ ...(peers === undefined ? {} : { peers }), ...(ports === undefined ? {} : { ports }) });
  });
  return rules;
}

function readPort(raw: unknown, path: string, issues: Issues): NetworkPolicyPort | undefined {
  const obj = readObject(raw ?? {}, path, issues, ['protocol', 'port', 'endPort']);
  if (obj === undefined) return undefined;
  const protoPath = childPath(path, 'protocol');
  const portPath = childPath(path, 'port');
  const endPath = childPath(path, 'endPort');
  let ok = true;
  const readProto = readProtocol(obj['protocol'], protoPath, issues);
  if (readProto === undefined) ok = false;
  const protocol: Protocol = readProto ?? 'TCP';
  const port = readIntOrString(obj['port'], portPath, issues);
  const endPort = readInt(obj['endPort'], endPath, issues);
  if ((obj['port'] != null && port === undefined) || (obj['endPort'] != null && endPort === undefined)) ok = false;
  if (typeof port === 'number') {
    for (const m of isValidPortNum(port)) { issues.invalid(portPath, port, m); ok = false; }
    if (endPort !== undefined) {
      if (endPort < port) { issues.invalid(endPath, endPort, `must be greater than or equal to port (${port})`); ok = false; }
      for (const m of isValidPortNum(endPort)) { issues.invalid(endPath, endPort, m); ok = false; }
    }
  } else if (typeof port === 'string') {
    if (endPort !== undefined) { issues.invalid(endPath, endPort, 'may not be specified when `port` is non-numeric'); ok = false; }
    for (const m of isValidPortName(port)) { issues.invalid(portPath, port, m); ok = false; }
  } else if (endPort !== undefined) {
    issues.invalid(endPath, endPort, 'may not be specified when `port` is not specified');
    ok = false;
  }
  if (!ok) return undefined;
  return { protocol, ...(port === undefined ? {} : { port }), ...(endPort === undefined ? {} : { endPort }) };
}

function readPeer(raw: unknown, path: string, issues: Issues): NetworkPolicyPeer | undefined {
  const obj = readObject(raw ?? {}, path, issues, ['podSelector', 'namespaceSelector', 'ipBlock']);
  if (obj === undefined) return undefined;
  const before = issues.list.length;
  const podSelector = readLabelSelector(obj['podSelector'], childPath(path, 'podSelector'), issues);
  const namespaceSelector = readLabelSelector(obj['namespaceSelector'], childPath(path, 'namespaceSelector'), issues);
  const ipBlock = readIpBlock(obj['ipBlock'], childPath(path, 'ipBlock'), issues);
  const present = [obj['podSelector'], obj['namespaceSelector'], obj['ipBlock']].filter((v) => v !== undefined && v !== null).length;
  if (present === 0) {
    issues.required(path, 'must specify a peer (podSelector, namespaceSelector or ipBlock)');
  } else if (present > 1 && obj['ipBlock'] != null) {
    issues.forbidden(path, 'may not specify both ipBlock and another peer');
  }
  if (issues.list.slice(before).some((i) => i.severity === 'error')) return undefined;
  return {
    ...(podSelector === undefined ? {} : { podSelector }),
    ...(namespaceSelector === undefined ? {} : { namespaceSelector }),
    ...(ipBlock === undefined ? {} : { ipBlock }),
  };
}

function readIpBlock(value: unknown, path: string, issues: Issues): IpBlock | undefined {
  const obj = readObject(value, path, issues, ['cidr', 'except']);
  if (obj === undefined) return undefined;
  const cidrPath = childPath(path, 'cidr');
  const text = readString(obj['cidr'], cidrPath, issues);
  if (text === undefined || text === '') {
    if (obj['cidr'] == null || text === '') issues.required(cidrPath, 'a CIDR is required');
    return undefined;
  }
  const outer = checkCidr(text);
  issues.each(cidrPath, text, outer.errors);
  const exceptPath = childPath(path, 'except');
  const except: string[] = [];
  (readArray(obj['except'], exceptPath, issues) ?? []).forEach((raw, i) => {
    const p = indexPath(exceptPath, i);
    const e = readString(raw, p, issues);
    if (e === undefined) { if (raw == null) issues.wrongType(p, 'a string', raw); return; }
    const inner = checkCidr(e);
    issues.each(p, e, inner.errors);
    if (outer.cidr === undefined || inner.cidr === undefined) return;
    if (!isStrictSubset(outer.cidr, inner.cidr)) issues.invalid(p, e, `must be a strict subset of \`cidr\` (${text})`);
    else if (inner.errors.length === 0) except.push(formatCidr(inner.cidr));
  });
  if (outer.cidr === undefined || outer.errors.length > 0) return undefined;
  return { cidr: formatCidr(outer.cidr), except };
}

function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return cidrContainsCidr(outer, inner) && inner.prefix > outer.prefix;
}
