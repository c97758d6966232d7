// One Cilium ingress/egress rule (allow or deny) to an IR rule, with the checks of
// IngressRule.sanitize / EgressRule.sanitize (pkg/policy/api/rule_validation.go): one L3
// kind per rule ("Combining X and Y is not supported yet"), known entities, CIDRs whose
// excepts lie inside them. A rule without any L3 field matches every peer when it has
// toPorts (an L4-only rule) and no peer at all otherwise (`ingress: [{}]`), as in Cilium.
// CIDR peers never match pods, and match nodes only under policy-cidr-match-mode=nodes
// (Documentation/security/policy/language.rst "IP/CIDR based", "Selecting nodes with
// CIDR / ipBlock").
import { cidrContainsCidr, formatCidr, parseCidr, parseIp } from '../../model/ip.ts';
import type { Entity, Peer } from '../../model/peer.ts';
import type { Action, Rule } from '../../model/rule.ts';
import type { Direction } from '../../model/policy.ts';
import { toSelector } from '../k8s/label-selector.ts';
import { readLabelSelector } from '../k8s/label-selector.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readObject, readString } from '../validation/shape.ts';
import { readEndpointSelector } from './endpoint-selector.ts';
import { checkFqdnSelector, readPortRules } from './port-rules.ts';

/** pkg/policy/api/entity.go EntitySelectorMapping. */
export const CILIUM_ENTITIES: readonly Entity[] = ['all', 'world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'init', 'health', 'unmanaged', 'ingress'];

const UNSUPPORTED = ['fromRequires', 'toRequires', 'fromGroups', 'toGroups', 'icmps', 'authentication'];

interface RuleContext {
  readonly direction: Direction;
  readonly action: Action;
  /** The policy's namespace; undefined for CiliumClusterwideNetworkPolicy. */
  readonly namespace: string | undefined;
  /** The agent runs with policy-cidr-match-mode=nodes: CIDR selectors match nodes too. */
  readonly cidrMatchesNodes: boolean;
}

function fieldsOf(ctx: RuleContext): { l3: string[]; known: string[] } {
  const ingress = ctx.direction === 'ingress';
  const deny = ctx.action === 'deny';
  const l3 = ingress
    ? ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups']
    : ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', ...(deny ? [] : ['toFQDNs']), 'toNodes', 'toGroups'];
  const extra = [ingress ? 'fromRequires' : 'toRequires', 'toPorts', 'icmps', ...(deny ? [] : ['authentication'])];
  return { l3, known: [...l3, ...extra] };
}

/** Reads the rule at `path`; undefined when it has errors (they are in `issues`). */
export function readPeerRule(raw: unknown, path: string, index: number, ctx: RuleContext, issues: Issues): Rule | undefined {
  const before = issues.list.length;
  const { l3, known } = fieldsOf(ctx);
  const obj = readObject(raw ?? {}, path, issues, known);
  if (obj === undefined) return undefined;
  for (const f of UNSUPPORTED) {
    if (obj[f] != null) issues.forbidden(childPath(path, f), `${f} is not supported yet`);
  }
  const used = l3.filter((f) => Array.isArray(obj[f]) && obj[f].length > 0);
  if (used.length > 1) issues.invalid(path, used.join(', '), `Combining ${used[0] ?? ''} and ${used[1] ?? ''} is not supported yet`);
  const hasPorts = Array.isArray(obj['toPorts']) && obj['toPorts'].length > 0;
  if (used.includes('toServices') && hasPorts) issues.invalid(path, 'toServices, toPorts', 'Combining ToServices and ToPorts is not supported yet');
  const peers: Peer[] = [];
  for (const f of l3) peers.push(...readPeers(obj, f, path, ctx, issues));
  const portRules = readPortRules(obj['toPorts'], childPath(path, 'toPorts'), { ingress: ctx.direction === 'ingress', deny: ctx.action === 'deny' }, issues);
  if (issues.list.slice(before).some((i) => i.severity === 'error')) return undefined;
  return {
    index, path, action: ctx.action,
    peers: used.length > 0 ? peers : (hasPorts ? null : []),
    ports: portRules.ports,
    ...(portRules.l7 === undefined ? {} : { l7: portRules.l7 }),
  };
}

function readPeers(obj: JsonObject, field: string, rulePath: string, ctx: RuleContext, issues: Issues): Peer[] {
  const path = childPath(rulePath, field);
  const list = readArray(obj[field], path, issues) ?? [];
  return list.flatMap((raw, i): Peer[] => {
    const p = indexPath(path, i);
    switch (field) {
      case 'fromEndpoints':
      case 'toEndpoints': {
        const m = readEndpointSelector(raw ?? {}, p, ctx.namespace, issues);
        if (m === undefined) return [];
        return [m.kind === 'entity' ? { kind: 'entity', path: p, entity: m.entity } : { kind: 'pods', path: p, namespaces: m.namespaces, pods: m.pods }];
      }
      case 'fromCIDR':
      case 'toCIDR': {
        const text = readString(raw, p, issues);
        if (text === undefined) { if (raw == null) issues.required(p, 'IP must be specified'); return []; }
        const cidr = readCidrOrIp(text, p, issues);
        return cidr === undefined ? [] : [{ kind: 'cidr', path: p, cidr, except: [], matchesPods: false, matchesNodes: ctx.cidrMatchesNodes }];
      }
      case 'fromCIDRSet':
      case 'toCIDRSet': return readCidrRule(raw, p, ctx.cidrMatchesNodes, issues);
      case 'fromEntities':
      case 'toEntities': {
        const e = readString(raw, p, issues);
        if (e === undefined) return [];
        if (!(CILIUM_ENTITIES as readonly string[]).includes(e)) { issues.notSupported(p, e, CILIUM_ENTITIES); return []; }
        return [{ kind: 'entity', path: p, entity: e as Entity }];
      }
      case 'fromNodes':
      case 'toNodes': {
        const ls = readLabelSelector(raw ?? {}, p, issues);
        return ls === undefined ? [] : [{ kind: 'nodes', path: p, selector: toSelector(ls) }];
      }
      case 'toFQDNs': {
        const o = readObject(raw ?? {}, p, issues, ['matchName', 'matchPattern']);
        if (o === undefined) return [];
        const name = readString(o['matchName'], childPath(p, 'matchName'), issues);
        const pattern = readString(o['matchPattern'], childPath(p, 'matchPattern'), issues);
        if (!checkFqdnSelector(name, pattern, p, issues)) return [];
        return [{ kind: 'fqdn', path: p, pattern: (name !== undefined && name !== '' ? name : pattern ?? '').toLowerCase() }];
      }
      case 'toServices': {
        const svc = readServiceSelector(raw, p, issues);
        return svc === undefined ? [] : [svc];
      }
      default:
        return [];
    }
  });
}

/** A prefix (host bits are masked, as netip.ParsePrefix allows them) or a bare address. */
function readCidrOrIp(text: string, path: string, issues: Issues): string | undefined {
  const cidr = parseCidr(text);
  if (cidr !== undefined) return formatCidr(cidr);
  const ip = parseIp(text);
  if (ip !== undefined) return formatCidr({ family: ip.family, network: ip.value, prefix: ip.family === 4 ? 32 : 128 });
  issues.invalid(path, text, 'unable to parse CIDR: must be an IP address or a prefix (e.g. 10.0.0.0/8)');
  return undefined;
}

function readCidrRule(raw: unknown, path: string, matchesNodes: boolean, issues: Issues): Peer[] {
  const o = readObject(raw ?? {}, path, issues, ['cidr', 'except', 'cidrGroupRef', 'cidrGroupSelector']);
  if (o === undefined) return [];
  for (const f of ['cidrGroupRef', 'cidrGroupSelector']) {
    if (o[f] != null) issues.forbidden(childPath(path, f), 'CiliumCIDRGroup references are not supported yet');
  }
  const cidrPath = childPath(path, 'cidr');
  const text = readString(o['cidr'], cidrPath, issues);
  if (text === undefined) { if (o['cidr'] == null) issues.required(cidrPath, 'a CIDR is required'); return []; }
  const cidr = parseCidr(text);
  if (cidr === undefined) { issues.invalid(cidrPath, text, 'unable to parse CIDRRule: must be a prefix (e.g. 10.0.0.0/8)'); return []; }
  const exceptPath = childPath(path, 'except');
  const except: string[] = [];
  (readArray(o['except'], exceptPath, issues) ?? []).forEach((e, i) => {
    const p = indexPath(exceptPath, i);
    const t = readString(e, p, issues);
    if (t === undefined) return;
    const ex = parseCidr(t);
    if (ex === undefined) issues.invalid(p, t, 'must be a prefix (e.g. 10.0.0.0/24)');
    else if (ex.family !== cidr.family || !cidrContainsCidr(cidr, ex)) issues.invalid(p, t, `allow CIDR prefix ${text} does not contain exclude CIDR prefix ${t}`);
    else except.push(formatCidr(ex));
  });
  return [{ kind: 'cidr', path, cidr: formatCidr(cidr), except, matchesPods: false, matchesNodes }];
}

/**
 * A toServices entry as a service peer. An absent namespace matches Services of every
 * namespace, as Cilium's service matching does (`Namespace != "" && ...`), for both forms.
 */
function readServiceSelector(raw: unknown, path: string, issues: Issues): Peer | undefined {
  const o = readObject(raw ?? {}, path, issues, ['k8sService', 'k8sServiceSelector']);
  if (o === undefined) return undefined;
  if ((o['k8sService'] == null) === (o['k8sServiceSelector'] == null)) {
    issues.invalid(path, 'toServices', 'exactly one of k8sService or k8sServiceSelector is required');
    return undefined;
  }
  const field = o['k8sService'] != null ? 'k8sService' : 'k8sServiceSelector';
  const sp = childPath(path, field);
  const s = readObject(o[field], sp, issues, field === 'k8sService' ? ['serviceName', 'namespace'] : ['selector', 'namespace']);
  if (s === undefined) return undefined;
  const ns = readString(s['namespace'], childPath(sp, 'namespace'), issues);
  const namespace = ns === undefined || ns === '' ? null : ns;
  if (field === 'k8sService') {
    const name = readString(s['serviceName'], childPath(sp, 'serviceName'), issues);
    if (name === undefined || name === '') { issues.required(childPath(sp, 'serviceName')); return undefined; }
    return { kind: 'service', path, namespace, name };
  }
  const ls = readLabelSelector(s['selector'] ?? {}, childPath(sp, 'selector'), issues);
  return ls === undefined ? undefined : { kind: 'service', path, namespace, selector: toSelector(ls) };
}
