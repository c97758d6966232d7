// Cilium endpoint selectors (pkg/policy/api/selector.go): Kubernetes label selectors
// whose keys may carry a label source (`k8s:`, `any:`, `reserved:`) and whose special
// keys talk about namespaces. Palisade splits one into the model's namespace scope and
// pod selector, adding the policy's own namespace where Cilium adds it
// (pkg/k8s/apis/cilium.io/utils/utils.go: a CNP selector without a namespace key only
// matches its own namespace; a CCNP one matches every namespace).
import type { Entity, NamespaceScope } from '../../model/peer.ts';
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import type { LabelSelector, LabelSelectorRequirement } from '../k8s/label-selector.ts';
import { readLabelSelector, toSelector } from '../k8s/label-selector.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import type { JsonObject } from '../validation/shape.ts';
import { isObject, readArray, readObject } from '../validation/shape.ts';

/** The pod label Cilium derives from the pod's namespace. */
export const POD_NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
/** Prefix of the pod labels Cilium derives from its namespace's labels. */
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** The namespace label the API server sets to the namespace's name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const POLICY_KEYS_PREFIX = 'io.cilium.k8s.policy.';

/** Sources whose labels pods carry (a key without a source means `any`). */
const POD_SOURCES = ['k8s', 'any'];

/** Reserved identities that a `reserved:<entity>` label selects (pkg/labels/reserved). */
const RESERVED_ENTITIES: Readonly<Record<string, Entity>> = {
  host: 'host', 'remote-node': 'remote-node', world: 'world', health: 'health', init: 'init',
  unmanaged: 'unmanaged', 'kube-apiserver': 'kube-apiserver', ingress: 'ingress',
};

/** A selector split into where it looks (namespaces) and what it matches there (pods). */
export type EndpointMatch =
  | { readonly kind: 'pods'; readonly namespaces: NamespaceScope; readonly pods: Selector }
  | { readonly kind: 'entity'; readonly entity: Entity };

function splitSource(key: string): { source: string | undefined; key: string } {
  const colon = key.indexOf(':');
  if (colon < 0) return { source: undefined, key };
  return { source: key.slice(0, colon), key: key.slice(colon + 1) };
}

/**
 * Reads an endpoint selector at `path` and converts it. `namespace` is the policy's
 * namespace (undefined for cluster-wide policies). Undefined when absent or invalid.
 */
export function readEndpointSelector(value: unknown, path: string, namespace: string | undefined, issues: Issues): EndpointMatch | undefined {
  const obj = readObject(value, path, issues, ['matchLabels', 'matchExpressions']);
  if (obj === undefined) return undefined;
  const before = issues.list.length;
  const entity = reservedEntity(obj, path, issues);
  if (entity !== null) return entity === undefined ? undefined : { kind: 'entity', entity };
  const stripped = stripSources(obj, path, issues);
  const ls = readLabelSelector(stripped, path, issues);
  if (ls === undefined || issues.list.slice(before).some((i) => i.severity === 'error')) return undefined;
  return split(ls, path, namespace, issues);
}

/** `{matchLabels: {reserved:<x>: ''}}` alone selects a reserved identity; null when not reserved. */
function reservedEntity(obj: JsonObject, path: string, issues: Issues): Entity | undefined | null {
  const labels = isObject(obj['matchLabels']) ? Object.keys(obj['matchLabels']) : [];
  const reserved = labels.filter((k) => splitSource(k).source === 'reserved');
  if (reserved.length === 0) return null;
  const first = reserved[0] ?? '';
  const p = childPath(childPath(path, 'matchLabels'), first);
  const entity = RESERVED_ENTITIES[splitSource(first).key];
  if (reserved.length > 1 || labels.length > 1 || obj['matchExpressions'] !== undefined) {
    issues.forbidden(p, 'a reserved label can only be selected alone (use fromEntities/toEntities)');
    return undefined;
  }
  if (entity === undefined) {
    issues.notSupported(p, first, Object.keys(RESERVED_ENTITIES).map((e) => `reserved:${e}`));
    return undefined;
  }
  return entity;
}

/** The selector with `k8s:` / `any:` sources removed from keys; other sources are reported. */
function stripSources(obj: JsonObject, path: string, issues: Issues): JsonObject {
  const strip = (key: string, p: string): string => {
    const { source, key: bare } = splitSource(key);
    if (source === undefined) return key;
    if (!POD_SOURCES.includes(source)) {
      issues.invalid(p, key, `label source ${JSON.stringify(source)} is not supported here: use k8s:, any: or no source`);
      return key;
    }
    return bare;
  };
  const out: Record<string, unknown> = { ...obj };
  if (isObject(obj['matchLabels'])) {
    const labels: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj['matchLabels'])) labels[strip(k, childPath(childPath(path, 'matchLabels'), k))] = v;
    out['matchLabels'] = labels;
  }
  const exprPath = childPath(path, 'matchExpressions');
  const exprs = Array.isArray(obj['matchExpressions']) ? readArray(obj['matchExpressions'], exprPath, issues) : undefined;
  if (exprs !== undefined) {
    out['matchExpressions'] = exprs.map((e, i) => {
      if (!isObject(e) || typeof e['key'] !== 'string') return e;
      return { ...e, key: strip(e['key'], childPath(indexPath(exprPath, i), 'key')) };
    });
  }
  return out;
}

function split(ls: LabelSelector, path: string, namespace: string | undefined, issues: Issues): EndpointMatch | undefined {
  const podReqs: LabelSelectorRequirement[] = [];
  const nsReqs: LabelSelectorRequirement[] = [];
  const all: LabelSelectorRequirement[] = [
    ...Object.entries(ls.matchLabels).map(([key, v]): LabelSelectorRequirement => ({ key, operator: 'In', values: [v] })),
    ...ls.matchExpressions,
  ];
  let ok = true;
  for (const r of all) {
    if (r.key === POD_NAMESPACE_KEY) nsReqs.push({ ...r, key: NAMESPACE_NAME_LABEL });
    else if (r.key.startsWith(NAMESPACE_LABELS_PREFIX) && r.key.length > NAMESPACE_LABELS_PREFIX.length) {
      nsReqs.push({ ...r, key: r.key.slice(NAMESPACE_LABELS_PREFIX.length) });
    } else if (r.key.startsWith(POLICY_KEYS_PREFIX)) {
      issues.invalid(path, r.key, 'Cilium policy labels (service account, cluster) are not supported yet');
      ok = false;
    } else podReqs.push(r);
  }
  if (!ok) return undefined;
  return { kind: 'pods', namespaces: scope(nsReqs, namespace), pods: toSelector({ matchLabels: {}, matchExpressions: podReqs }) };
}

/** Names when the requirements are one equality on the namespace name, else a namespace-label selector. */
function scope(reqs: readonly LabelSelectorRequirement[], namespace: string | undefined): NamespaceScope {
  if (namespace !== undefined) {
    // Cilium adds the policy's namespace unless the selector names one itself.
    const named = reqs.some((r) => r.key === NAMESPACE_NAME_LABEL);
    const own: LabelSelectorRequirement = { key: NAMESPACE_NAME_LABEL, operator: 'In', values: [namespace] };
    reqs = named ? reqs : [own, ...reqs];
  }
  const only = reqs[0];
  if (reqs.length === 1 && only !== undefined && only.key === NAMESPACE_NAME_LABEL && only.operator === 'In') {
    return { kind: 'names', names: [...only.values] };
  }
  return { kind: 'selector', selector: reqs.length === 0 ? SELECT_ALL : toSelector({ matchLabels: {}, matchExpressions: reqs }) };
}

/**
 * The endpoints a policy's endpointSelector applies to. A CNP only ever selects
 * endpoints of its own namespace: a namespace key in its selector narrows that further.
 */
export function subjectScope(match: EndpointMatch & { kind: 'pods' }, namespace: string | undefined): NamespaceScope {
  if (namespace === undefined) return match.namespaces;
  if (match.namespaces.kind === 'names') {
    return { kind: 'names', names: match.namespaces.names.filter((n) => n === namespace) };
  }
  return {
    kind: 'selector',
    selector: { op: 'and', of: [{ op: 'in', key: NAMESPACE_NAME_LABEL, values: [namespace] }, match.namespaces.selector] },
  };
}
