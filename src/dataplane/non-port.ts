// Packets of protocols without ports (ICMP, ICMPv6, GRE, ...) are outside what a policy
// names, so the engine has no flow for them. The dataplane judges them as Calico does: a
// rule matches them only when it admits every protocol (no ports, or a port entry with
// neither protocol nor port). nonPortPolicies() rewrites a policy set that way, so that
// evaluate() on the rewritten set (with any port) gives the decision for such packets.
import type { Policy } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { Rule } from '../model/rule.ts';
import type { PolicySet } from '../model/tier.ts';

const anyProtocol = (e: PortMatch): boolean => e.protocol === null && e.ports === null;

/** Whether the rule's ports admit a packet without ports: what the rewritten rule's `ports: null` (true) or `[]` (false) says. */
export function ruleMatchesNonPort(r: Rule): boolean {
  const matches = r.ports === null || r.ports.some(anyProtocol);
  const excluded = (r.notPorts ?? []).some(anyProtocol);
  return matches && !excluded;
}

function rewriteRule(r: Rule): Rule {
  const { notPorts: _drop, ...rest } = r;
  return { ...rest, ports: ruleMatchesNonPort(r) ? null : [] };
}

function rewritePolicy(p: Policy): Policy {
  return {
    ...p,
    ...(p.ingress === undefined ? {} : { ingress: { ...p.ingress, rules: p.ingress.rules.map(rewriteRule) } }),
    ...(p.egress === undefined ? {} : { egress: { ...p.egress, rules: p.egress.rules.map(rewriteRule) } }),
  };
}

export function nonPortPolicies(ps: PolicySet): PolicySet {
  return { tiers: ps.tiers, policies: ps.policies.map(rewritePolicy) };
}
