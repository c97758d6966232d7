// Reads a resource URL as the API server's request-info resolver does
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
//   /api/v1/<resource>[/<name>[/<subresource>]]
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<subresource>]]
//   /apis/<group>/<version>/... the same
// `/api/v1/namespaces/<name>/status` is the namespace's subresource, not a collection.
import type { ResourceRegistry, ResourceType } from '../store/resource-registry.ts';

export interface ResourcePath {
  readonly type: ResourceType;
  /** For namespaced resources: the URL's namespace, undefined for all-namespaces collections. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export type PathResult =
  | { readonly kind: 'resource'; readonly path: ResourcePath }
  /** A resource URL naming a resource this server does not have. */
  | { readonly kind: 'unknown-resource'; readonly group: string; readonly resource: string }
  | { readonly kind: 'not-resource' };

const NAMESPACE_SUBRESOURCES = ['status', 'finalize'];

export function parseResourcePath(pathname: string, registry: ResourceRegistry): PathResult {
  const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return { kind: 'not-resource' };
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.includes(rest[2] ?? ''))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return { kind: 'not-resource' };
  const type = registry.get({ group, version, resource });
  if (type === undefined) return { kind: 'unknown-resource', group, resource };
  if (!type.namespaced && namespace !== undefined) return { kind: 'unknown-resource', group, resource };
  return { kind: 'resource', path: { type, namespace, name, subresource } };
}
