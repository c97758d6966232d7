// policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy,
// validated as their CRDs do (kubernetes-sigs/network-policy-api v0.1.x
// apis/v1alpha1/{adminnetworkpolicy,baselineadminnetworkpolicy,shared}_types.go) and
// converted to the ClusterNetworkPolicy form that replaced them: ANP → tier Admin at its
// priority, BANP → tier Baseline; Allow → Accept; `ports` → protocols.
import type { Protocol } from '../../model/protocol.ts';
import type { KindHandler } from '../dialect.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import { readProtocol } from '../validation/protocol.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readObject, readString } from '../validation/shape.ts';
import type { ClusterNetworkPolicy, CnpPeer, CnpProtocol, CnpTier } from './cluster-network-policy.ts';
import { checkEgressRules, exactlyOne, readNamespacedPod, readNetworks, readPodSetChoice, readPortNumber, readPriority, readRange, readRules } from './cluster-network-policy.ts';
import { clusterNetworkPolicyToPolicy } from './cluster-network-policy-ir.ts';
import { readLabelSelector, toSelector } from '../k8s/label-selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';

export const ANP_API_VERSION = 'policy.networking.k8s.io/v1alpha1';
/** `+kubebuilder:validation:MaxItems=100` on ingress/egress and on from/to and ports. */
const MAX_ITEMS = 100;
const ANP_ACTIONS = ['Allow', 'Deny', 'Pass'];
const BANP_ACTIONS = ['Allow', 'Deny'];

interface Kind {
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  readonly tier: CnpTier;
  readonly actions: readonly string[];
}
const ANP: Kind = { kind: 'AdminNetworkPolicy', tier: 'Admin', actions: ANP_ACTIONS };
const BANP: Kind = { kind: 'BaselineAdminNetworkPolicy', tier: 'Baseline', actions: BANP_ACTIONS };

function readV1alpha1(obj: JsonObject, issues: Issues, k: Kind): ClusterNetworkPolicy | undefined {
  readObject(obj, '', issues, ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const metadata = readObjectMeta(obj['metadata'], issues, { namespaced: false, nameRule: isDns1123Subdomain });
  // BANP: XValidation self.metadata.name == 'default' ("Only one baseline admin network policy with metadata.name="default" can be created in the cluster").
  if (k === BANP && metadata !== undefined && metadata.name !== 'default') {
    issues.invalid('metadata.name', metadata.name, 'Only one baseline admin network policy with metadata.name="default" can be created in the cluster');
  }
  const specFields = k === ANP ? ['priority', 'subject', 'ingress', 'egress'] : ['subject', 'ingress', 'egress'];
  const spec = readObject(obj['spec'], 'spec', issues, specFields);
  if (spec === undefined) {
    if (obj['spec'] == null) issues.required('spec');
    return undefined;
  }
  const priority = k === ANP ? readPriority(spec['priority'], 'spec.priority', issues) : 0;
  if (spec['subject'] == null) issues.required('spec.subject', 'exactly one of `namespaces`, `pods` must be set');
  const subject = readPodSetChoice(spec['subject'], 'spec.subject', issues);
  const ingress = readRules(spec['ingress'], 'spec.ingress', 'from', issues, MAX_ITEMS, (v, p) => readPeer(v, p, issues, ['namespaces', 'pods']), readPorts, 'ports', k.actions);
  const egress = readRules(spec['egress'], 'spec.egress', 'to', issues, MAX_ITEMS, (v, p) => readPeer(v, p, issues, ['namespaces', 'pods', 'nodes', 'networks']), readPorts, 'ports', k.actions);
  checkEgressRules(egress, issues);
  if (issues.hasErrors || metadata === undefined || priority === undefined || subject === undefined) return undefined;
  return { apiVersion: ANP_API_VERSION, kind: k.kind, metadata, tier: k.tier, priority, subject, ingress, egress };
}

function readPeer(value: unknown, path: string, issues: Issues, fields: readonly string[]): CnpPeer | undefined {
  const obj = readObject(value ?? {}, path, issues, fields);
  if (obj === undefined) return undefined;
  const which = exactlyOne(obj, path, fields, issues);
  const fieldPath = which === undefined ? path : childPath(path, which);
  if (which === 'namespaces' || which === 'nodes') {
    const ls = readLabelSelector(obj[which], fieldPath, issues);
    if (ls === undefined) return undefined;
    return which === 'nodes' ? { kind: 'nodes', path, selector: toSelector(ls) } : { kind: 'pods', path, namespaces: toSelector(ls), pods: SELECT_ALL };
  }
  if (which === 'pods') {
    const set = readNamespacedPod(obj[which], fieldPath, issues);
    return set === undefined ? undefined : { kind: 'pods', path, ...set };
  }
  if (which === 'networks') {
    const cidrs = readNetworks(obj[which], fieldPath, issues);
    return cidrs === undefined ? undefined : { kind: 'networks', path, cidrs };
  }
  return undefined;
}

/** AdminNetworkPolicyPort: exactly one of portNumber {protocol, port}, namedPort, portRange {protocol, start, end}. */
function readPorts(value: unknown, path: string, issues: Issues): CnpProtocol[] | undefined {
  const list = readArray(value, path, issues);
  if (list === undefined) return undefined;
  if (list.length === 0) issues.invalid(path, value, 'must have at least 1 item');
  if (list.length > MAX_ITEMS) issues.invalid(path, value, `must have at most ${MAX_ITEMS} items`);
  const out: CnpProtocol[] = [];
  list.forEach((raw, k) => {
    const p = indexPath(path, k);
    const fields = ['portNumber', 'namedPort', 'portRange'];
    const obj = readObject(raw ?? {}, p, issues, fields);
    if (obj === undefined) return;
    const which = exactlyOne(obj, p, fields, issues);
    const fieldPath = which === undefined ? p : childPath(p, which);
    if (which === 'namedPort') {
      const name = readString(obj[which], fieldPath, issues);
      if (name === '') issues.invalid(fieldPath, name, 'must not be empty');
      if (name !== undefined && name !== '') out.push({ path: p, protocol: null, namedPort: name });
    } else if (which === 'portNumber') {
      const pn = readObject(obj[which], fieldPath, issues, ['protocol', 'port']);
      if (pn === undefined) return;
      const protocol: Protocol | undefined = readProtocol(pn['protocol'], childPath(fieldPath, 'protocol'), issues);
      const port = readPortNumber(pn['port'], childPath(fieldPath, 'port'), issues);
      if (protocol !== undefined && port !== undefined) out.push({ path: p, protocol, range: { from: port, to: port } });
    } else if (which === 'portRange') {
      const pr = readObject(obj[which], fieldPath, issues);
      const protocol = readProtocol(pr?.['protocol'], childPath(fieldPath, 'protocol'), issues);
      const range = readRange(obj[which], fieldPath, issues, ['protocol']);
      if (protocol !== undefined && range !== undefined) out.push({ path: p, protocol, range });
    }
  });
  return out;
}

export function readAdminNetworkPolicy(obj: JsonObject, issues: Issues): ClusterNetworkPolicy | undefined {
  return readV1alpha1(obj, issues, ANP);
}

export function readBaselineAdminNetworkPolicy(obj: JsonObject, issues: Issues): ClusterNetworkPolicy | undefined {
  return readV1alpha1(obj, issues, BANP);
}

function handler(k: Kind): KindHandler {
  return {
    apiVersion: ANP_API_VERSION,
    kind: k.kind,
    decode(obj, issues) {
      const cnp = readV1alpha1(obj, issues, k);
      if (cnp === undefined) return { objects: [] };
      return { name: cnp.metadata.name, objects: [{ type: 'policy', policy: clusterNetworkPolicyToPolicy(cnp) }] };
    },
  };
}

export const adminNetworkPolicyHandler: KindHandler = handler(ANP);
export const baselineAdminNetworkPolicyHandler: KindHandler = handler(BANP);
