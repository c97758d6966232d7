// The resources the store knows: group/version/resource ↔ kind, scope, and which fields
// field selectors may use. Later dialects (policy.networking.k8s.io, projectcalico.org,
// cilium.io) register theirs; the API server builds discovery from the same table.
import { CNP_RESOURCES } from './resources-cnp.ts';
import { CILIUM_RESOURCES } from './resources-cilium.ts';
import { CALICO_RESOURCES } from './resources-calico.ts';

export interface ResourceRef {
  /** `` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, e.g. `networkpolicies`. */
  readonly resource: string;
}

export interface ResourceType extends ResourceRef {
  readonly kind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /**
   * Whether status is a subresource: a main-resource update keeps the stored status and a
   * status update changes only status (as for pods, nodes, namespaces, services).
   */
  readonly statusSubresource: boolean;
  /**
   * Field paths usable in field selectors besides metadata.name and metadata.namespace
   * (e.g. spec.nodeName for pods, which kubelets and node agents watch by).
   */
  readonly selectableFields?: readonly string[];
}

/** `group/version/resource`, e.g. `/v1/pods`, `networking.k8s.io/v1/networkpolicies`. */
export function resourceKey(r: ResourceRef): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

export function apiVersionOf(r: ResourceRef): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** How API errors name a resource: `pods`, `networkpolicies.networking.k8s.io`. */
export function qualifiedResource(r: ResourceRef): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** How Invalid errors name a kind: `Pod`, `NetworkPolicy.networking.k8s.io`. */
export function qualifiedKind(t: ResourceType): string {
  return t.group === '' ? t.kind : `${t.kind}.${t.group}`;
}

export const CORE_RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', namespaced: false, shortNames: ['ns'], statusSubresource: true, selectableFields: ['status.phase'] },
  {
    group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, shortNames: ['po'], statusSubresource: true,
    // pkg/registry/core/pod/strategy.go PodToSelectableFields
    selectableFields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', singular: 'node', namespaced: false, shortNames: ['no'], statusSubresource: true, selectableFields: ['spec.unschedulable'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', singular: 'service', namespaced: true, shortNames: ['svc'], statusSubresource: true },
  { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', singular: 'networkpolicy', namespaced: true, shortNames: ['netpol'], statusSubresource: false },
];

export const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };

export class ResourceRegistry {
  readonly #byKey = new Map<string, ResourceType>();
  readonly #byKind = new Map<string, ResourceType>();

  constructor(types: readonly ResourceType[] = [...CORE_RESOURCES, ...CNP_RESOURCES, ...CILIUM_RESOURCES, ...CALICO_RESOURCES]) {
    for (const t of types) this.register(t);
  }

  register(t: ResourceType): void {
    const key = resourceKey(t);
    const kindKey = `${apiVersionOf(t)}/${t.kind}`;
    if (this.#byKey.has(key)) throw new Error(`resource ${key} is already registered`);
    if (this.#byKind.has(kindKey)) throw new Error(`kind ${t.kind} of ${apiVersionOf(t)} is already registered`);
    this.#byKey.set(key, t);
    this.#byKind.set(kindKey, t);
  }

  get(ref: ResourceRef): ResourceType | undefined {
    return this.#byKey.get(resourceKey(ref));
  }

  byKey(key: string): ResourceType | undefined {
    return this.#byKey.get(key);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.#byKind.get(`${apiVersion}/${kind}`);
  }

  all(): readonly ResourceType[] {
    return [...this.#byKey.values()];
  }
}
