// Static findings for `palisade explain`: policies that select nothing, rules that can
// never match or are shadowed by an earlier rule of the same policy, equal-order
// policies whose relative order decides (DESIGN.md: undefined by the specs, we break
// ties by id and warn), and parts the engine does not enforce (L7, FQDN).
import { parseCidr, cidrContainsCidr } from '../model/ip.ts';
import type { Peer } from '../model/peer.ts';
import { policyDisplayName } from '../model/policy.ts';
import type { Direction, Policy, PolicyRef } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { Rule } from '../model/rule.ts';
import type { CompiledCluster } from './compile.ts';
import { internals, peerKey } from './compile.ts';
import type { Compiled } from './compile.ts';
import { matchSelector, namespaceScopeKey, selectorKey } from './match-selector.ts';

export interface Finding {
  readonly severity: 'warning' | 'info';
  readonly code: 'selects-nothing' | 'rule-never-matches' | 'shadowed-rule' | 'equal-order-overlap' | 'l7-not-enforced' | 'log-not-enforced' | 'fqdn-needs-dns' | string;
  readonly policyId: string;
  readonly policy: PolicyRef;
  readonly path?: string;
  readonly message: string;
}

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

const l7Message = (name: string, rule: Rule, l7: NonNullable<Rule['l7']>): string =>
  `${name} ${rule.path} has L7 rules (${l7.protocol}: ${l7.summary}); they are not enforced, the rule matches at L3/L4 only`;
const fqdnMessage = (name: string, peer: Extract<Peer, { kind: 'fqdn' }>): string =>
  `${name} ${peer.path} names ${peer.pattern}; FQDN rules need DNS and never match a bare IP flow`;

const logMessage = (name: string, rule: Rule): string =>
  `${name} ${rule.path} is a Log rule; it does not log here (the agent logs the packets policies drop, with the deciding policy), and as in Calico it decides nothing`;

/** What the dataplane does not do of one rule: its L7 part, its Log action, its FQDN peers. */
function ruleNotEnforced(p: Policy, name: string, rule: Rule): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, message: string, path: string): void => { out.push({ severity: 'info', code, policyId: p.id, policy: p.ref, message, path }); };
  if (rule.l7 !== undefined) add('l7-not-enforced', l7Message(name, rule, rule.l7), rule.path);
  if (rule.action === 'log') add('log-not-enforced', logMessage(name, rule), rule.path);
  for (const peer of rule.peers ?? []) if (peer.kind === 'fqdn') add('fqdn-needs-dns', fqdnMessage(name, peer), peer.path);
  return out;
}

/**
 * Only the findings about what the dataplane does not enforce (L7 rules, Log rules, FQDN
 * peers), the same as analyze() gives for them: they depend on each policy alone, so the
 * agent gets its reports without analyze()'s work over every pod (about 100 ms at 100k pods).
 */
export function notEnforcedFindings(policies: readonly Policy[]): Finding[] {
  const out: Finding[] = [];
  for (const p of policies) {
    const name = policyDisplayName(p.ref);
    for (const direction of DIRECTIONS) for (const rule of p[direction]?.rules ?? []) out.push(...ruleNotEnforced(p, name, rule));
  }
  return out;
}

export function analyze(compiled: CompiledCluster): Finding[] {
  const c = internals(compiled);
  const findings: Finding[] = [];
  const subjectCache = new Map<string, number[]>();
  const selectedPods = (p: Policy): number[] => {
    const key = `${namespaceScopeKey(p.subject.namespaces)}|${selectorKey(p.subject.pods)}`;
    let pods = subjectCache.get(key);
    if (pods === undefined) {
      pods = c.podsInScope(p.subject.namespaces).filter((i) => {
        const pod = c.pods[i];
        return pod !== undefined && !pod.hostNetwork && matchSelector(p.subject.pods, pod.labels);
      });
      subjectCache.set(key, pods);
    }
    return pods;
  };
  const namedPortsAnywhere = new Set<string>();
  for (const pod of c.pods) for (const cp of pod.ports) if (cp.name !== undefined) namedPortsAnywhere.add(`${cp.name}/${cp.protocol}`);

  for (const p of c.policies.policies) {
    const add = (severity: Finding['severity'], code: string, message: string, path?: string): void => {
      findings.push({ severity, code, policyId: p.id, policy: p.ref, message, ...(path === undefined ? {} : { path }) });
    };
    const name = policyDisplayName(p.ref);
    const selected = selectedPods(p);
    if (selected.length === 0) add('warning', 'selects-nothing', `${name} selects no pod of the cluster (host-network pods are never selected)`);
    for (const direction of DIRECTIONS) {
      const rules = p[direction]?.rules ?? [];
      rules.forEach((rule, i) => {
        const never = neverMatches(rule, direction, selected, c, namedPortsAnywhere);
        if (never !== undefined) add('warning', 'rule-never-matches', `${name} ${rule.path} can never match: ${never}`, rule.path);
        else if (rule.action !== 'log') {
          for (let j = 0; j < i; j++) {
            const earlier = rules[j];
            if (earlier === undefined || earlier.action === 'log' || !ruleCovers(earlier, rule)) continue;
            const how = earlier.action === rule.action
              ? `it is redundant: ${earlier.path} (${earlier.action}) already matches every flow it matches`
              : `it never decides: ${earlier.path} (${earlier.action}) matches every flow it matches first`;
            add('warning', 'shadowed-rule', `${name} ${rule.path} is shadowed; ${how}`, rule.path);
            break;
          }
        }
        findings.push(...ruleNotEnforced(p, name, rule));
        for (const peer of rule.peers ?? []) {
          if (peer.kind === 'service') {
            const bare = (c.peers.get(peer)?.services ?? []).filter((svc) => svc.selector === undefined).map((svc) => svc.key);
            if (bare.length > 0) add('warning', 'service-without-selector', `${name} ${peer.path} matches Service${bare.length > 1 ? 's' : ''} ${bare.join(', ')} without a selector; their endpoints are not modelled, so they add no backend`, peer.path);
          }
        }
      });
    }
  }
  findings.push(...equalOrderOverlaps(c));
  return findings;
}

/** Why the rule can never match, or undefined. */
function neverMatches(rule: Rule, direction: Direction, selected: readonly number[], c: Compiled, namedAnywhere: ReadonlySet<string>): string | undefined {
  if (rule.peers !== null) {
    if (rule.peers.length === 0) return 'it lists no peer';
    const reasons = rule.peers.map((peer) => deadPeer(peer, c));
    if (reasons.every((r) => r !== undefined)) return reasons.join('; ');
  }
  if (rule.ports !== null) {
    if (rule.ports.length === 0) return 'it lists no port';
    const reasons = rule.ports.map((m) => deadPort(m, direction, selected, c, namedAnywhere));
    if (reasons.every((r) => r !== undefined)) return reasons.join('; ');
  }
  return undefined;
}

function deadPeer(peer: Peer, c: Compiled): string | undefined {
  switch (peer.kind) {
    case 'cidr': {
      const cidr = parseCidr(peer.cidr);
      if (cidr === undefined) return undefined;
      const e = peer.except.find((x) => {
        const ec = parseCidr(x);
        return ec !== undefined && cidrContainsCidr(ec, cidr);
      });
      return e === undefined ? undefined : `${peer.path}: except ${e} covers all of ${peer.cidr}`;
    }
    case 'pods':
      if (peer.pods.op === 'none') return `${peer.path}: its pod selector matches nothing`;
      if (peer.namespaces.kind === 'names' && peer.namespaces.names.length === 0) return `${peer.path}: it names no namespace`;
      if (peer.namespaces.kind === 'selector' && peer.namespaces.selector.op === 'none') return `${peer.path}: its namespace selector matches nothing`;
      return undefined;
    case 'nodes':
    case 'networkSets':
      return peer.selector.op === 'none' ? `${peer.path}: its selector matches nothing` : undefined;
    case 'service':
      return (c.peers.get(peer)?.services ?? []).some((svc) => svc.selector !== undefined) ? undefined
        : `${peer.path}: no Service of the cluster with a selector matches it`;
    default:
      return undefined;
  }
}

function deadPort(m: PortMatch, direction: Direction, selected: readonly number[], c: Compiled, namedAnywhere: ReadonlySet<string>): string | undefined {
  const spec = m.ports;
  if (spec === null) return undefined;
  if (spec.kind === 'range') return spec.from > spec.to ? `${m.path}: empty range ${spec.from}-${spec.to}` : undefined;
  const fits = (name: string | undefined, protocol: string): boolean => name === spec.name && (m.protocol === null || m.protocol === protocol);
  if (direction === 'ingress') {
    // Ingress named ports resolve on the policy's own pods (the destinations).
    const has = selected.some((i) => (c.pods[i]?.ports ?? []).some((cp) => fits(cp.name, cp.protocol)));
    return has ? undefined : `${m.path}: no selected pod has a ${m.protocol ?? ''}${m.protocol === null ? '' : ' '}port named ${spec.name}`;
  }
  const has = [...namedAnywhere].some((k) => {
    const slash = k.lastIndexOf('/');
    return fits(k.slice(0, slash), k.slice(slash + 1));
  });
  return has ? undefined : `${m.path}: no pod of the cluster has a port named ${spec.name}`;
}

/** Whether every flow `later` matches is matched by `earlier` (conservative: false if unsure). */
export function ruleCovers(earlier: Rule, later: Rule): boolean {
  if ((earlier.notPeers?.length ?? 0) > 0 || (earlier.notPorts?.length ?? 0) > 0) return false;
  if (earlier.peers !== null) {
    if (later.peers === null) return false;
    for (const lp of later.peers) if (!earlier.peers.some((ep) => peerCovers(ep, lp))) return false;
  }
  if (earlier.ports !== null) {
    if (later.ports === null) return false;
    for (const lp of later.ports) if (!earlier.ports.some((ep) => portCovers(ep, lp))) return false;
  }
  return true;
}

function peerCovers(e: Peer, l: Peer): boolean {
  if (e.kind === 'entity' && e.entity === 'all') return true;
  if (peerKey(e) === peerKey(l)) return true;
  if (e.kind === 'pods' && l.kind === 'pods') {
    const nsOk = (e.namespaces.kind === 'selector' && e.namespaces.selector.op === 'all')
      || namespaceScopeKey(e.namespaces) === namespaceScopeKey(l.namespaces)
      || (e.namespaces.kind === 'names' && l.namespaces.kind === 'names' && l.namespaces.names.every((n) => e.namespaces.kind === 'names' && e.namespaces.names.includes(n)));
    return nsOk && (e.pods.op === 'all' || selectorKey(e.pods) === selectorKey(l.pods));
  }
  if (e.kind === 'cidr' && l.kind === 'cidr') {
    const ec = parseCidr(e.cidr);
    const lc = parseCidr(l.cidr);
    if (ec === undefined || lc === undefined || !cidrContainsCidr(ec, lc)) return false;
    if (l.matchesPods && !e.matchesPods) return false;
    if (l.matchesNodes !== false && e.matchesNodes === false) return false;
    // Each hole in the earlier block must be a hole of the later one too.
    return e.except.every((x) => {
      const xc = parseCidr(x);
      if (xc === undefined) return false;
      if (!cidrContainsCidr(lc, xc) && !cidrContainsCidr(xc, lc)) return true;
      return l.except.some((y) => {
        const yc = parseCidr(y);
        return yc !== undefined && cidrContainsCidr(yc, xc);
      });
    });
  }
  return false;
}

function portCovers(e: PortMatch, l: PortMatch): boolean {
  if (e.protocol !== null && e.protocol !== l.protocol) return false;
  if (e.ports === null) return true;
  if (l.ports === null) return false;
  if (e.ports.kind === 'named' || l.ports.kind === 'named') return e.ports.kind === 'named' && l.ports.kind === 'named' && e.ports.name === l.ports.name;
  return e.ports.from <= l.ports.from && l.ports.to <= e.ports.to;
}

/**
 * Policies of one tier with the same order that select a common pod in a direction
 * where their actions differ: the outcome then hangs on the tie-break by id.
 */
function equalOrderOverlaps(c: Compiled): Finding[] {
  const pairs = new Map<string, Finding>();
  const actions = (p: Policy, d: Direction): Set<string> => new Set((p[d]?.rules ?? []).map((r) => r.action).filter((a) => a !== 'log'));
  for (const direction of DIRECTIONS) {
    const lists = new Set(direction === 'ingress' ? c.selIngress : c.selEgress);
    for (const id of lists) {
      const list = c.selectionLists[id] ?? [];
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = c.enforced[list[i] ?? 0];
          const b = c.enforced[list[j] ?? 0];
          if (a === undefined || b === undefined || a.tier !== b.tier) break;
          if (a.order !== b.order) break;
          const all = new Set([...actions(a, direction), ...actions(b, direction)]);
          if (all.size <= 1) continue;
          const key = `${a.id}\n${b.id}\n${direction}`;
          if (pairs.has(key)) continue;
          pairs.set(key, {
            severity: 'warning', code: 'equal-order-overlap', policyId: b.id, policy: b.ref,
            message: `${policyDisplayName(a.ref)} and ${policyDisplayName(b.ref)} have the same order ${a.order} in tier ${a.tier} and select common pods for ${direction}; ${policyDisplayName(a.ref)} is evaluated first (ties are broken by id)`,
          });
        }
      }
    }
  }
  return [...pairs.values()];
}
