// cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy to the IR.
//
// Each rule of `spec` and `specs` becomes one allow policy in the default tier at the
// order of Kubernetes NetworkPolicies; its direction isolates as Rule.Sanitize defaults
// enableDefaultDeny (pkg/policy/api/rule_validation.go: true when the rule has ingress
// or ingressDeny rules, likewise for egress; an explicit value wins).
//
// Deny beats every allow (Documentation/security/policy/language.rst "Deny Policies"):
// the deny rules of an object go into ONE extra IR policy `<id>#deny` per object, in the
// default tier at CILIUM_DENY_ORDER, below every finite order, so the engine (first match
// by order, then id) walks them before any allow rule of the tier — Kubernetes
// NetworkPolicy (1000), Calico policies without a tier, and Cilium allows alike. That
// policy never isolates by itself: the allow policy carries the default deny.
//
// Agent settings that change what a policy means (CiliumAgentOptions) are given to the
// handlers: ciliumHandlers(options) reads with them.
import type { Direction, DirectionRules, Policy, PolicyRef, Subject } from '../../model/policy.ts';
import { policyId } from '../../model/policy.ts';
import type { Rule } from '../../model/rule.ts';
import { DEFAULT_TIER, K8S_POLICY_ORDER } from '../../model/tier.ts';
import type { KindHandler } from '../dialect.ts';
import { readLabelSelector } from '../k8s/label-selector.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import { readArray, readBoolean, readObject, readString } from '../validation/shape.ts';
import { readEndpointSelector, subjectScope } from './endpoint-selector.ts';
import { readPeerRule } from './peer-rule.ts';

export const CILIUM_API_VERSION = 'cilium.io/v2';
/** Order of the deny policies of Cilium objects in the default tier: before every allow. */
export const CILIUM_DENY_ORDER = -Number.MAX_VALUE;
/** Order of Cilium allow policies: beside Kubernetes NetworkPolicies (allows are a union). */
export const CILIUM_ALLOW_ORDER = K8S_POLICY_ORDER;

/** cilium-agent flags that change what a policy means; absent fields are the agent's defaults. */
export interface CiliumAgentOptions {
  /**
   * `--policy-cidr-match-mode` (Helm `policyCIDRMatchMode`): with `nodes`, CIDR selectors
   * also match the cluster's nodes (and so host-network pods); by default (empty) they
   * do not: node traffic carries the reserved identities host/remote-node.
   */
  readonly policyCidrMatchMode?: readonly 'nodes'[];
}

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'specs', 'status'];
const RULE_FIELDS = ['endpointSelector', 'nodeSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'labels', 'description', 'enableDefaultDeny', 'log'];

interface CompiledSpec {
  readonly allow?: Policy;
  readonly deny: { ingress: Rule[]; egress: Rule[] };
  readonly subject: Subject;
}

/** Validates a CNP (`clusterwide` false) or CCNP object; returns its IR policies, or undefined on errors. */
export function readCiliumPolicy(obj: Readonly<Record<string, unknown>>, clusterwide: boolean, issues: Issues, options: CiliumAgentOptions = {}): { name: string; namespace?: string; policies: Policy[] } | undefined {
  readObject(obj, '', issues, TOP_FIELDS);
  const meta = readObjectMeta(obj['metadata'], issues, { namespaced: !clusterwide, nameRule: isDns1123Subdomain });
  const kind = clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy';
  const namespace = clusterwide ? undefined : meta?.namespace;
  const specs: { path: string; raw: unknown }[] = [];
  if (obj['spec'] != null) specs.push({ path: 'spec', raw: obj['spec'] });
  (readArray(obj['specs'], 'specs', issues) ?? []).forEach((raw, i) => specs.push({ path: indexPath('specs', i), raw }));
  if (specs.length === 0) issues.required('spec', 'one of spec or specs is required');
  if (meta === undefined) return undefined;
  const ref: PolicyRef = { apiVersion: CILIUM_API_VERSION, kind, ...(namespace === undefined ? {} : { namespace }), name: meta.name };
  const base = policyId(ref);
  const single = specs.length === 1;
  const cidrMatchesNodes = options.policyCidrMatchMode?.includes('nodes') === true;
  const compiled = specs.flatMap((s) => readSpec(s.raw, s.path, ref, single ? base : `${base}#${s.path}`, { namespace, cidrMatchesNodes }, issues) ?? []);
  if (issues.hasErrors) return undefined;
  const policies: Policy[] = compiled.flatMap((c) => (c.allow === undefined ? [] : [c.allow]));
  // One deny policy per spec keeps each deny rule with the endpoints its spec selects.
  compiled.forEach((c, i) => {
    if (c.deny.ingress.length === 0 && c.deny.egress.length === 0) return;
    const dir = (rules: Rule[]): DirectionRules | undefined => (rules.length === 0 ? undefined : { isolates: false, rules });
    const ingress = dir(c.deny.ingress);
    const egress = dir(c.deny.egress);
    policies.push({
      id: single ? `${base}#deny` : `${base}#${specs[i]?.path ?? i}#deny`, ref, tier: DEFAULT_TIER.name, order: CILIUM_DENY_ORDER,
      subject: c.subject, ...(ingress === undefined ? {} : { ingress }), ...(egress === undefined ? {} : { egress }), staged: false,
    });
  });
  return { name: meta.name, ...(namespace === undefined ? {} : { namespace }), policies };
}

function readSpec(raw: unknown, path: string, ref: PolicyRef, id: string, scope: { namespace: string | undefined; cidrMatchesNodes: boolean }, issues: Issues): CompiledSpec | undefined {
  const { namespace, cidrMatchesNodes } = scope;
  const spec = readObject(raw, path, issues, RULE_FIELDS);
  if (spec === undefined) return undefined;
  readString(spec['description'], childPath(path, 'description'), issues);
  const hasEs = spec['endpointSelector'] != null;
  const hasNs = spec['nodeSelector'] != null;
  if (hasEs === hasNs) {
    if (hasEs) issues.invalid(path, 'endpointSelector, nodeSelector', 'rule cannot have both EndpointSelector and NodeSelector');
    else issues.required(childPath(path, 'endpointSelector'), 'rule must have one of EndpointSelector or NodeSelector');
    return undefined;
  }
  const rulesOf = (field: string, direction: Direction, action: 'allow' | 'deny'): Rule[] => {
    const p = childPath(path, field);
    return (readArray(spec[field], p, issues) ?? []).flatMap((r, i) => readPeerRule(r, indexPath(p, i), i, { direction, action, namespace, cidrMatchesNodes }, issues) ?? []);
  };
  const ingress = rulesOf('ingress', 'ingress', 'allow');
  const egress = rulesOf('egress', 'egress', 'allow');
  const ingressDeny = rulesOf('ingressDeny', 'ingress', 'deny');
  const egressDeny = rulesOf('egressDeny', 'egress', 'deny');
  const eddPath = childPath(path, 'enableDefaultDeny');
  const edd = readObject(spec['enableDefaultDeny'], eddPath, issues, ['ingress', 'egress']) ?? {};
  const eddIngress = readBoolean(edd['ingress'], childPath(eddPath, 'ingress'), issues);
  const eddEgress = readBoolean(edd['egress'], childPath(eddPath, 'egress'), issues);
  const count = (f: string): number => (Array.isArray(spec[f]) ? spec[f].length : 0);
  const isolatesIngress = eddIngress ?? (count('ingress') > 0 || count('ingressDeny') > 0);
  const isolatesEgress = eddEgress ?? (count('egress') > 0 || count('egressDeny') > 0);
  if (hasNs) {
    readLabelSelector(spec['nodeSelector'], childPath(path, 'nodeSelector'), issues);
    issues.warn(childPath(path, 'nodeSelector'), 'host policies (nodeSelector) are not supported yet: this rule is ignored');
    return undefined;
  }
  const esPath = childPath(path, 'endpointSelector');
  const es = readEndpointSelector(spec['endpointSelector'], esPath, namespace, issues);
  if (es === undefined) return undefined;
  if (es.kind === 'entity') {
    issues.forbidden(esPath, 'selecting reserved identities (host policies) is not supported yet');
    return undefined;
  }
  const subject: Subject = { namespaces: subjectScope(es, namespace), pods: es.pods };
  const dir = (isolates: boolean, rules: Rule[]): DirectionRules | undefined => (isolates || rules.length > 0 ? { isolates, rules } : undefined);
  const inDir = dir(isolatesIngress, ingress);
  const egDir = dir(isolatesEgress, egress);
  const allow: Policy | undefined = inDir === undefined && egDir === undefined ? undefined : {
    id, ref, tier: DEFAULT_TIER.name, order: CILIUM_ALLOW_ORDER, subject,
    ...(inDir === undefined ? {} : { ingress: inDir }), ...(egDir === undefined ? {} : { egress: egDir }), staged: false,
  };
  return { ...(allow === undefined ? {} : { allow }), deny: { ingress: ingressDeny, egress: egressDeny }, subject };
}

function handler(clusterwide: boolean, options: CiliumAgentOptions): KindHandler {
  return {
    apiVersion: CILIUM_API_VERSION,
    kind: clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy',
    decode(obj, issues) {
      const r = readCiliumPolicy(obj, clusterwide, issues, options);
      if (r === undefined) return { objects: [] };
      return { name: r.name, ...(r.namespace === undefined ? {} : { namespace: r.namespace }), objects: r.policies.map((policy) => ({ type: 'policy' as const, policy })) };
    },
  };
}

/** The CNP and CCNP handlers, reading as an agent with `options` would (handlers.ts kindHandlers). */
export function ciliumHandlers(options: CiliumAgentOptions): readonly KindHandler[] {
  return [handler(false, options), handler(true, options)];
}
