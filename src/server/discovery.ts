// API discovery built from the resource registry, as kubectl and client-go read it:
// /api (APIVersions), /api/v1 and /apis/<group>/<version> (APIResourceList with verbs,
// short names, subresources), /apis (APIGroupList). Only the legacy format is served:
// for the aggregated format (apidiscovery.k8s.io/v2) clients fall back to these when the
// response's Content-Type does not name it, as kubectl 1.32 does.
import type { ResourceRegistry, ResourceType } from '../store/resource-registry.ts';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ServerVersion {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

/** The Kubernetes API version whose behaviour is mirrored (kubectl warns beyond ±1 minor of skew). */
export function defaultVersion(platform: string): ServerVersion {
  return {
    major: '1', minor: '32', gitVersion: 'v1.32.0+palisade', gitCommit: '', gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z', goVersion: 'n/a', compiler: 'palisade', platform,
  };
}

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

function groups(registry: ResourceRegistry): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of registry.all()) {
    if (t.group === '') continue;
    const versions = out.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    out.set(t.group, versions);
  }
  return out;
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: [...groups(registry)].sort(([a], [b]) => a.localeCompare(b)).map(([name, versions]) => apiGroup(name, versions)),
  };
}

function apiGroup(name: string, versions: readonly string[]): unknown {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: list, preferredVersion: list[0] };
}

/** /apis/<group>: undefined when the group is not served. */
export function apiGroupOf(registry: ResourceRegistry, group: string): unknown {
  const versions = groups(registry).get(group);
  return versions === undefined ? undefined : apiGroup(group, versions);
}

function resourceEntries(t: ResourceType): unknown[] {
  const main = {
    name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS,
    ...(t.shortNames === undefined || t.shortNames.length === 0 ? {} : { shortNames: t.shortNames }),
    // `kubectl get all` lists the resources of category "all" (pods and services upstream).
    ...(t.group === '' && (t.resource === 'pods' || t.resource === 'services') ? { categories: ['all'] } : {}),
  };
  if (!t.statusSubresource) return [main];
  return [main, { name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }];
}

/** /api/v1 or /apis/<group>/<version>: undefined when nothing is served there. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList', apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.flatMap(resourceEntries),
  };
}
