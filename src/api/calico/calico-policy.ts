// projectcalico.org/v3 NetworkPolicy, GlobalNetworkPolicy and their Staged variants
// (docs.tigera.io/calico/latest/reference/resources/{networkpolicy,globalnetworkpolicy,
// stagednetworkpolicy,stagedglobalnetworkpolicy,stagedkubernetesnetworkpolicy}) compiled to
// IR policies: tier (absent = default), order (absent = after every ordered policy; ties
// by id, i.e. by namespace/name within a kind), types defaulting as Calico documents
// (Ingress unless there are only egress rules; both when both are given). Staged policies
// are compiled the same way with `staged: true`; `stagedAction: Delete` stages the removal
// of the policy of the same name (a staged policy that selects nothing).
import type { DirectionRules, Policy, PolicyRef } from '../../model/policy.ts';
import { policyId } from '../../model/policy.ts';
import type { Rule } from '../../model/rule.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { DEFAULT_TIER } from '../../model/tier.ts';
import type { KindHandler } from '../dialect.ts';
import { networkPolicyToPolicy } from '../k8s/network-policy-ir.ts';
import { readNetworkPolicy } from '../k8s/network-policy.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { isObject, readArray, readBoolean, readObject, readString } from '../validation/shape.ts';
import { namespaceSelectorKeys, readCalicoRule, readCalicoSelector } from './calico-rule.ts';

export const CALICO_API_VERSION = 'projectcalico.org/v3';

/** Order of policies without `order`: Calico treats it as infinite (evaluated last). */
export const CALICO_NO_ORDER = Number.MAX_VALUE;

const SPEC_FIELDS = ['tier', 'order', 'selector', 'types', 'ingress', 'egress', 'serviceAccountSelector', 'performanceHints'];
const GLOBAL_FIELDS = ['namespaceSelector', 'doNotTrack', 'preDNAT', 'applyOnForward'];

interface Kind {
  readonly kind: string;
  readonly global: boolean;
  readonly staged: boolean;
}

function readOrder(value: unknown, path: string, issues: Issues): number {
  if (value === undefined || value === null) return CALICO_NO_ORDER;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.wrongType(path, 'a number', value);
    return CALICO_NO_ORDER;
  }
  return value;
}

function readTypes(value: unknown, hasIngress: boolean, hasEgress: boolean, issues: Issues): { ingress: boolean; egress: boolean } {
  const list = readArray(value, 'spec.types', issues);
  if (list === undefined || list.length === 0) {
    // "If not specified: Ingress if there are no egress rules; Egress if there are only
    // egress rules; both if both" (networkpolicy reference, spec.types).
    return { ingress: hasIngress || !hasEgress, egress: hasEgress };
  }
  const out = { ingress: false, egress: false };
  list.forEach((t, i) => {
    const p = indexPath('spec.types', i);
    if (t === 'Ingress') out.ingress = true;
    else if (t === 'Egress') out.egress = true;
    else issues.notSupported(p, t, ['Ingress', 'Egress']);
  });
  return out;
}

function decodeCalicoPolicy(obj: JsonObject, k: Kind, issues: Issues): ReturnType<KindHandler['decode']> {
  readObject(obj, '', issues, ['apiVersion', 'kind', 'metadata', 'spec']);
  const meta = readObjectMeta(obj['metadata'], issues, { namespaced: !k.global, nameRule: isDns1123Subdomain });
  const known = [...SPEC_FIELDS, ...(k.global ? GLOBAL_FIELDS : []), ...(k.staged ? ['stagedAction'] : [])];
  const spec = readObject(obj['spec'], 'spec', issues, known) ?? {};
  const namespace = k.global ? undefined : meta?.namespace;
  const ctx = { namespace };

  const stagedAction = k.staged ? readString(spec['stagedAction'], 'spec.stagedAction', issues) ?? 'Set' : 'Set';
  if (stagedAction !== 'Set' && stagedAction !== 'Delete') issues.notSupported('spec.stagedAction', stagedAction, ['Set', 'Delete']);
  const tier = readString(spec['tier'], 'spec.tier', issues) ?? DEFAULT_TIER.name;
  const order = readOrder(spec['order'], 'spec.order', issues);
  const selector = readCalicoSelector(spec['selector'], 'spec.selector', issues);
  if (selector?.ok === true && selector.usesGlobal) issues.warn('spec.selector', 'global() selects host endpoints, which Palisade does not model; here it evaluates as all()');
  const nsSelector = k.global ? readCalicoSelector(spec['namespaceSelector'], 'spec.namespaceSelector', issues) : undefined;
  if (spec['serviceAccountSelector'] != null) issues.forbidden('spec.serviceAccountSelector', 'selecting the policy\'s endpoints by service account is not supported yet');
  for (const f of ['doNotTrack', 'preDNAT', 'applyOnForward']) {
    if (readBoolean(spec[f], childPath('spec', f), issues) === true) issues.forbidden(childPath('spec', f), `${f} policies apply to host endpoints, which Palisade does not model`);
  }

  const rules = (dir: 'ingress' | 'egress'): Rule[] => {
    const path = childPath('spec', dir);
    return (readArray(spec[dir], path, issues) ?? []).flatMap((r, i) => readCalicoRule(r, indexPath(path, i), dir, i, ctx, issues) ?? []);
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
  const types = readTypes(spec['types'], nonEmpty(spec['ingress']), nonEmpty(spec['egress']), issues);
  if (!types.ingress && ingress.length > 0) issues.warn('spec.ingress', 'ignored: spec.types does not include Ingress');
  if (!types.egress && egress.length > 0) issues.warn('spec.egress', 'ignored: spec.types does not include Egress');

  if (issues.hasErrors || meta === undefined) return { objects: [] };
  const ref: PolicyRef = { apiVersion: CALICO_API_VERSION, kind: k.kind, ...(namespace === undefined ? {} : { namespace }), name: meta.name };
  const dir = (list: Rule[]): DirectionRules => ({ isolates: true, rules: list });
  const deleting = stagedAction === 'Delete';
  const policy: Policy = {
    id: policyId(ref),
    ref,
    tier,
    order,
    subject: {
      namespaces: namespace !== undefined
        ? { kind: 'names', names: [namespace] }
        : { kind: 'selector', selector: nsSelector?.ok === true ? namespaceSelectorKeys(nsSelector.selector) : SELECT_ALL },
      pods: selector?.ok === true ? selector.selector : SELECT_ALL,
    },
    ...(types.ingress && !deleting ? { ingress: dir(ingress) } : {}),
    ...(types.egress && !deleting ? { egress: dir(egress) } : {}),
    staged: k.staged,
  };
  return { name: meta.name, ...(namespace === undefined ? {} : { namespace }), objects: [{ type: 'policy', policy }] };
}

function handler(k: Kind): KindHandler {
  return { apiVersion: CALICO_API_VERSION, kind: k.kind, decode: (obj, issues) => decodeCalicoPolicy(obj, k, issues) };
}

/**
 * StagedKubernetesNetworkPolicy: a Kubernetes NetworkPolicy spec plus stagedAction, staged
 * in the default tier at the Kubernetes order, standing in for the NetworkPolicy of the
 * same namespace and name.
 */
const stagedKubernetesHandler: KindHandler = {
  apiVersion: CALICO_API_VERSION,
  kind: 'StagedKubernetesNetworkPolicy',
  decode(obj, issues) {
    const spec = isObject(obj['spec']) ? obj['spec'] : {};
    const stagedAction = readString(spec['stagedAction'], 'spec.stagedAction', issues) ?? 'Set';
    if (stagedAction !== 'Set' && stagedAction !== 'Delete') issues.notSupported('spec.stagedAction', stagedAction, ['Set', 'Delete']);
    const { stagedAction: _ignored, ...k8sSpec } = spec;
    const np = readNetworkPolicy({ ...obj, spec: k8sSpec }, issues);
    if (np === undefined || issues.hasErrors) return { objects: [] };
    const base = networkPolicyToPolicy(np);
    const ref: PolicyRef = { ...base.ref, apiVersion: CALICO_API_VERSION, kind: 'StagedKubernetesNetworkPolicy' };
    const policy: Policy = { ...base, id: policyId(ref), ref, staged: true };
    // Staging a deletion: the staged policy stands in for the real one and selects nothing.
    const staged: Policy = stagedAction === 'Delete' ? { id: policy.id, ref, tier: policy.tier, order: policy.order, subject: policy.subject, staged: true } : policy;
    return { name: np.metadata.name, namespace: np.metadata.namespace, objects: [{ type: 'policy', policy: staged }] };
  },
};

export const CALICO_POLICY_HANDLERS: readonly KindHandler[] = [
  handler({ kind: 'NetworkPolicy', global: false, staged: false }),
  handler({ kind: 'GlobalNetworkPolicy', global: true, staged: false }),
  handler({ kind: 'StagedNetworkPolicy', global: false, staged: true }),
  handler({ kind: 'StagedGlobalNetworkPolicy', global: true, staged: true }),
  stagedKubernetesHandler,
];
