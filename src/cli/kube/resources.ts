// Which resource a user means (`po`, `pods`, `pod`, `Pod`, `networkpolicies.networking.k8s.io`,
// `pod/client`, `gnp`) and where it lives in the REST API. Built-in types come from the
// store's registry (the same table the embedded server serves); words and kinds it does not
// know (policy CRDs) are looked up in the server's discovery documents, as kubectl does.
import { CORE_RESOURCES } from '../../store/resource-registry.ts';
import type { KubeClient } from './kube-client.ts';

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  /** Plural, lower case. */
  readonly resource: string;
  readonly kind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = CORE_RESOURCES;

export function apiVersionOf(r: ResourceInfo): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** How kubectl names the type in messages: `pod`, `networkpolicy.networking.k8s.io`. */
export function typeName(r: ResourceInfo): string {
  return r.group === '' ? r.singular : `${r.singular}.${r.group}`;
}

/** The resource named by a command-line word, or undefined. */
export function resolveResourceWord(word: string, known: readonly ResourceInfo[] = BUILTIN_RESOURCES): ResourceInfo | undefined {
  const dot = word.indexOf('.');
  const name = (dot < 0 ? word : word.slice(0, dot)).toLowerCase();
  const group = dot < 0 ? undefined : word.slice(dot + 1).toLowerCase();
  return known.find((r) => (group === undefined || r.group === group)
    && (r.resource === name || r.singular === name || r.kind.toLowerCase() === name || (r.shortNames ?? []).includes(name)));
}

/** The resources of one group version's discovery document (subresources left out). */
function discoveryEntries(group: string, version: string, list: unknown): ResourceInfo[] {
  const resources = (list as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return [];
  const out: ResourceInfo[] = [];
  for (const r of resources as Array<Record<string, unknown>>) {
    const name = r['name'];
    const kind = r['kind'];
    if (typeof name !== 'string' || name.includes('/') || typeof kind !== 'string') continue;
    const singular = typeof r['singularName'] === 'string' && r['singularName'] !== '' ? r['singularName'] : kind.toLowerCase();
    const shortNames = Array.isArray(r['shortNames']) ? r['shortNames'].filter((n): n is string => typeof n === 'string') : [];
    out.push({ group, version, resource: name, kind, singular, namespaced: r['namespaced'] === true, ...(shortNames.length === 0 ? {} : { shortNames }) });
  }
  return out;
}

/** The resource of an object's apiVersion + kind: built-in first, then the server's discovery. */
export async function resolveKind(client: KubeClient, apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
  const builtin = BUILTIN_RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  if (builtin !== undefined) return builtin;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  let list: unknown;
  try {
    list = await client.request('GET', group === '' ? `/api/${version}` : `/apis/${group}/${version}`);
  } catch {
    return undefined;
  }
  return discoveryEntries(group, version, list).find((r) => r.kind === kind);
}

/** `/api/v1/namespaces/NS/pods[/NAME]`; no namespace on a namespaced type lists across all. */
export function resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${r.resource}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Every resource of the server's API groups (their preferred versions), as kubectl's discovery sees them. */
export async function discoverResources(client: KubeClient): Promise<ResourceInfo[]> {
  const groups = (await client.request('GET', '/apis') as { groups?: unknown } | undefined)?.groups;
  const out: ResourceInfo[] = [];
  for (const g of Array.isArray(groups) ? groups as Array<Record<string, unknown>> : []) {
    const name = g['name'];
    const preferred = (g['preferredVersion'] as { version?: unknown } | undefined)?.version;
    if (typeof name !== 'string' || typeof preferred !== 'string') continue;
    out.push(...discoveryEntries(name, preferred, await client.request('GET', `/apis/${name}/${preferred}`)));
  }
  return out;
}

/**
 * Resolves command-line words as kubectl does: the built-in types first (so `networkpolicies`
 * is networking.k8s.io's, not Calico's), then the server's discovery, fetched once and
 * only when a word is not built in (`gnp`, `caliconetworkpolicies`, `networkpolicy.projectcalico.org`).
 */
export function resourceResolver(client: KubeClient): (word: string) => Promise<ResourceInfo | undefined> {
  let discovered: Promise<ResourceInfo[]> | undefined;
  return async (word) => {
    const builtin = resolveResourceWord(word);
    if (builtin !== undefined) return builtin;
    discovered ??= discoverResources(client);
    return resolveResourceWord(word, await discovered);
  };
}

export interface ResourceRef {
  readonly info: ResourceInfo;
  readonly name: string;
}

/**
 * `KIND NAME...` or `KIND/NAME...` (each word may carry its own kind, as kubectl allows):
 * the objects a command is about. `what` names the verb in errors.
 */
export async function parseResourceArgs(
  words: readonly string[], usage: (msg: string) => Error,
  resolve: (word: string) => Promise<ResourceInfo | undefined> = async (w) => resolveResourceWord(w),
): Promise<ResourceRef[]> {
  const [first, ...rest] = words;
  if (first === undefined) throw usage('you must specify the type of resource and a name');
  if (first.includes('/')) {
    const refs: ResourceRef[] = [];
    for (const w of words) {
      const slash = w.indexOf('/');
      if (slash < 0) throw usage(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'palisade get resource/<resource_name>' instead of 'palisade get resource resource/<resource_name>'`);
      const info = await resolve(w.slice(0, slash));
      if (info === undefined) throw usage(`the server doesn't have a resource type "${w.slice(0, slash)}"`);
      const name = w.slice(slash + 1);
      if (name === '') throw usage(`arguments in resource/name form must have a single resource and name`);
      refs.push({ info, name });
    }
    return refs;
  }
  const info = await resolve(first);
  if (info === undefined) throw usage(`the server doesn't have a resource type "${first}"`);
  return rest.map((name) => ({ info, name }));
}
