// Cilium toPorts (pkg/policy/api/l4.go) with the checks of PortRule.sanitize and
// PortProtocol.sanitize (rule_validation.go): a port is a number ("0" = every port) or an
// IANA service name, endPort makes a range, protocol TCP/UDP/SCTP/ANY (absent = ANY).
// L7 rules (http, dns, kafka) are validated and summarised for traces; they are not
// enforced yet, and the engine says so when such a rule matches.
import type { PortMatch } from '../../model/port-match.ts';
import type { Protocol } from '../../model/protocol.ts';
import type { L7Rules } from '../../model/rule.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isValidPortName } from '../validation/names.ts';
import { readArray, readInt, readObject, readString, readStringList } from '../validation/shape.ts';

const CILIUM_PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ANY'];
const MAX_PORTS = 40;
const HTTP_FIELDS = ['method', 'path', 'host', 'headers', 'headerMatches'];
const DNS_FIELDS = ['matchName', 'matchPattern'];
const KAFKA_FIELDS = ['role', 'apiKey', 'apiVersion', 'clientID', 'topic'];

export interface PortRules {
  /** null: any port and protocol. */
  readonly ports: readonly PortMatch[] | null;
  readonly l7?: L7Rules;
}

interface ReadPort {
  readonly match: PortMatch;
  readonly zero: boolean;
  readonly protocol: Protocol | null;
}

/** Reads `toPorts` at `path`; `deny` rules take no L7 rules, `ingress` ones no DNS rules. */
export function readPortRules(value: unknown, path: string, opts: { ingress: boolean; deny: boolean }, issues: Issues): PortRules {
  const list = readArray(value, path, issues);
  if (list === undefined || list.length === 0) return { ports: null };
  const matches: PortMatch[] = [];
  let anyPort = false;
  const l7: L7Rules[] = [];
  list.forEach((raw, i) => {
    const p = indexPath(path, i);
    const known = opts.deny ? ['ports'] : ['ports', 'rules', 'serverNames', 'terminatingTLS', 'originatingTLS', 'listener'];
    const obj = readObject(raw ?? {}, p, issues, known);
    if (obj === undefined) return;
    for (const f of ['serverNames', 'terminatingTLS', 'originatingTLS', 'listener']) {
      if (obj[f] != null) issues.forbidden(childPath(p, f), 'TLS interception and listeners are not supported yet');
    }
    const portsPath = childPath(p, 'ports');
    const rawPorts = readArray(obj['ports'], portsPath, issues) ?? [];
    if (rawPorts.length > MAX_PORTS) issues.invalid(portsPath, rawPorts.length, `too many ports, the max is ${MAX_PORTS}`);
    const ports = rawPorts.flatMap((r, j) => readPort(r, indexPath(portsPath, j), issues) ?? []);
    if (rawPorts.length === 0) anyPort = true;
    matches.push(...ports.map((x) => x.match));
    const rules = readL7(obj['rules'], childPath(p, 'rules'), portsPath, ports, rawPorts.length, opts.ingress, issues);
    if (rules !== undefined) l7.push(rules);
  });
  const merged = mergeL7(l7);
  return { ports: anyPort ? null : matches, ...(merged === undefined ? {} : { l7: merged }) };
}

function readPort(raw: unknown, path: string, issues: Issues): ReadPort | undefined {
  const obj = readObject(raw ?? {}, path, issues, ['port', 'endPort', 'protocol']);
  if (obj === undefined) return undefined;
  const portPath = childPath(path, 'port');
  const endPath = childPath(path, 'endPort');
  const protoPath = childPath(path, 'protocol');
  const rawProto = readString(obj['protocol'], protoPath, issues);
  let protocol: Protocol | null = null;
  let ok = !(obj['protocol'] != null && rawProto === undefined);
  if (rawProto !== undefined && rawProto !== '') {
    const upper = rawProto.toUpperCase();
    if (!CILIUM_PROTOCOLS.includes(upper)) { issues.notSupported(protoPath, rawProto, CILIUM_PROTOCOLS); ok = false; }
    else if (upper !== 'ANY') protocol = upper as Protocol;
  }
  const rawPort = obj['port'];
  const endPort = readInt(obj['endPort'], endPath, issues);
  if (obj['endPort'] != null && endPort === undefined) ok = false;
  let spec: PortMatch['ports'] = null;
  let zero = false;
  if (rawPort === undefined || rawPort === null || rawPort === '') {
    issues.required(portPath, 'Port must be specified');
    return undefined;
  }
  const text = typeof rawPort === 'number' ? String(rawPort) : typeof rawPort === 'string' ? rawPort : undefined;
  if (text === undefined) { issues.wrongType(portPath, 'a string or an integer', rawPort); return undefined; }
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n > 65535) { issues.invalid(portPath, rawPort, 'must be between 0 and 65535, inclusive'); ok = false; }
    zero = n === 0;
    if (endPort !== undefined && endPort !== 0 && !zero) {
      if (endPort < n) { issues.invalid(endPath, endPort, `must be greater than or equal to port (${n})`); ok = false; }
      if (endPort > 65535) { issues.invalid(endPath, endPort, 'must be between 0 and 65535, inclusive'); ok = false; }
    }
    if (!zero) spec = { kind: 'range', from: n, to: endPort !== undefined && endPort > n ? endPort : n };
  } else {
    const name = text.toLowerCase();
    for (const m of isValidPortName(name)) { issues.invalid(portPath, rawPort, `must be a port number or an IANA service name: ${m}`); ok = false; }
    if (endPort !== undefined && endPort !== 0) issues.warn(endPath, 'ignored: `port` is a name');
    spec = { kind: 'named', name };
  }
  if (!ok) return undefined;
  return { match: { protocol, ports: spec, path }, zero, protocol };
}

function readL7(value: unknown, path: string, portsPath: string, ports: readonly ReadPort[], declared: number, ingress: boolean, issues: Issues): L7Rules | undefined {
  const obj = readObject(value, path, issues, ['http', 'dns', 'kafka', 'l7proto', 'l7']);
  if (obj === undefined) return undefined;
  const present = (['http', 'dns', 'kafka'] as const).filter((k) => obj[k] != null);
  if (obj['l7proto'] != null || obj['l7'] != null) {
    issues.forbidden(childPath(path, obj['l7proto'] != null ? 'l7proto' : 'l7'), 'generic L7 (proxylib) rules are not supported yet');
    return undefined;
  }
  if (present.length === 0) return undefined;
  if (present.length > 1) { issues.invalid(path, present.join(', '), 'multiple L7 protocol rule types specified in single rule'); return undefined; }
  const kind = present[0] ?? 'http';
  const kindPath = childPath(path, kind);
  if (kind === 'dns') {
    if (ingress) { issues.forbidden(kindPath, 'DNS rules are not allowed on ingress'); return undefined; }
    if (declared === 0) { issues.required(portsPath, 'Port 53 must be specified for DNS rules'); return undefined; }
    for (const p of ports) {
      const s = p.match.ports;
      if (s?.kind === 'range' && s.to > s.from) issues.invalid(p.match.path, `${s.from}-${s.to}`, 'DNS rules do not support port ranges');
    }
  } else {
    for (const p of ports) {
      if (p.protocol !== 'TCP') issues.invalid(childPath(p.match.path, 'protocol'), p.protocol ?? 'ANY', 'L7 rules can only apply to TCP except for DNS rules');
    }
  }
  if (ports.some((p) => p.zero)) issues.invalid(path, 0, 'L7 rules can not be used when a port is 0');
  const entries = readArray(obj[kind], kindPath, issues) ?? [];
  const fields = kind === 'http' ? HTTP_FIELDS : kind === 'dns' ? DNS_FIELDS : KAFKA_FIELDS;
  const summaries = entries.flatMap((raw, i) => {
    const p = indexPath(kindPath, i);
    const e = readObject(raw ?? {}, p, issues, fields);
    if (e === undefined) return [];
    if (kind === 'http') {
      const method = readString(e['method'], childPath(p, 'method'), issues);
      const rpath = readString(e['path'], childPath(p, 'path'), issues);
      const host = readString(e['host'], childPath(p, 'host'), issues);
      const headers = readStringList(e['headers'], childPath(p, 'headers'), issues) ?? [];
      readArray(e['headerMatches'], childPath(p, 'headerMatches'), issues);
      for (const [f, re] of [['method', method], ['path', rpath], ['host', host]] as const) {
        if (re !== undefined && !validRegex(re)) issues.invalid(childPath(p, f), re, 'must be a valid regular expression');
      }
      return [[method ?? '*', rpath ?? '/*', host === undefined ? '' : ` host ${host}`, headers.length > 0 ? ` headers ${headers.join(',')}` : ''].join(' ').trim()];
    }
    if (kind === 'dns') {
      const name = readString(e['matchName'], childPath(p, 'matchName'), issues);
      const pattern = readString(e['matchPattern'], childPath(p, 'matchPattern'), issues);
      checkFqdnSelector(name, pattern, p, issues);
      return [name ?? pattern ?? ''];
    }
    const topic = readString(e['topic'], childPath(p, 'topic'), issues);
    const role = readString(e['role'], childPath(p, 'role'), issues);
    if (role !== undefined && role !== 'produce' && role !== 'consume') issues.notSupported(childPath(p, 'role'), role, ['produce', 'consume']);
    return [`${role ?? e['apiKey'] ?? 'any'}${topic === undefined ? '' : ` topic ${topic}`}`];
  });
  return { protocol: kind, summary: summaries.length === 0 ? 'allow all' : summaries.join('; ') };
}

function validRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

function mergeL7(list: readonly L7Rules[]): L7Rules | undefined {
  const first = list[0];
  if (first === undefined) return undefined;
  if (list.length === 1) return first;
  const same = list.every((l) => l.protocol === first.protocol);
  return { protocol: same ? first.protocol : 'other', summary: list.map((l) => (same ? l.summary : `${l.protocol}: ${l.summary}`)).join('; ') };
}

const FQDN_NAME = /^[-a-zA-Z0-9_.]+$/;
const FQDN_PATTERN = /^[-a-zA-Z0-9_.*]+$/;

/** fqdn.go FQDNSelector.sanitize: exactly one of matchName and matchPattern, allowed characters only. */
export function checkFqdnSelector(name: string | undefined, pattern: string | undefined, path: string, issues: Issues): boolean {
  if ((name ?? '') !== '' && (pattern ?? '') !== '') {
    issues.invalid(path, 'matchName and matchPattern', 'only one of matchName or matchPattern may be specified');
    return false;
  }
  if ((name ?? '') === '' && (pattern ?? '') === '') {
    issues.required(path, 'one of matchName or matchPattern is required');
    return false;
  }
  if (name !== undefined && name !== '' && !FQDN_NAME.test(name)) {
    issues.invalid(childPath(path, 'matchName'), name, 'may contain only letters, digits, "-", "_" and "."');
    return false;
  }
  if (pattern !== undefined && pattern !== '' && !FQDN_PATTERN.test(pattern)) {
    issues.invalid(childPath(path, 'matchPattern'), pattern, 'may contain only letters, digits, "-", "_", "." and "*"');
    return false;
  }
  return true;
}
