// OpenAPI v3 for what is served: /openapi/v3 lists one document per group-version and
// each document names every path with its operations, `x-kubernetes-group-version-kind`
// and query parameters. kubectl reads the PATCH operations' `fieldValidation` parameter
// to decide that the server validates fields (so it sends fieldValidation=Strict rather
// than validating client-side against a schema; cli-runtime query_param_verifier_v3.go).
// Component schemas are deliberately loose and carry no group-version-kind: kubectl then
// computes apply's strategic merge patches from its compiled-in types, which are exact,
// instead of from a partial schema (kubectl apply.go buildStrategicMergePatchFromOpenAPIV3).
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from '../store/resource-registry.ts';

function queryParam(name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): unknown {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.');
const FIELD_MANAGER = queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values: Ignore, Warn, Strict.');
const PRETTY = queryParam('pretty', 'If \'true\', then the output is pretty printed.');
const LIST_PARAMS = [
  queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  queryParam('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('limit', 'limit is a maximum number of responses to return for a list call (this server returns all).', 'integer'),
];

function schemaName(t: ResourceType): string {
  return t.group === '' ? `io.k8s.api.core.${t.version}.${t.kind}` : `io.k8s.api.${t.group.split('.')[0] ?? t.group}.${t.version}.${t.kind}`;
}

function body(t: ResourceType): unknown {
  return { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(t)}` } } } };
}

function ok(t: ResourceType, list = false): unknown {
  const ref = `#/components/schemas/${schemaName(t)}${list ? 'List' : ''}`;
  return { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } }, 401: { description: 'Unauthorized' } };
}

function operation(t: ResourceType, action: string, id: string, extra: Record<string, unknown>): unknown {
  return {
    operationId: `${action}${t.namespaced ? 'Namespaced' : ''}${t.kind}${id}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
    responses: ok(t),
    ...extra,
  };
}

function pathsOf(t: ResourceType): Record<string, unknown> {
  const prefix = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const collection = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.resource}` : `${prefix}/${t.resource}`;
  const item = `${collection}/{name}`;
  const writeParams = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PRETTY];
  const patchBody = {
    required: true,
    content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']
      .map((m) => [m, { schema: { type: 'object' } }])),
  };
  const paths: Record<string, unknown> = {
    [collection]: {
      get: { ...(operation(t, 'list', '', { parameters: LIST_PARAMS }) as object), responses: ok(t, true) },
      post: operation(t, 'post', '', { parameters: writeParams, requestBody: body(t) }),
      delete: operation(t, 'deletecollection', 'Collection', { parameters: [DRY_RUN, ...LIST_PARAMS] }),
    },
    [item]: {
      get: operation(t, 'get', '', { parameters: [PRETTY] }),
      put: operation(t, 'put', '', { parameters: writeParams, requestBody: body(t) }),
      patch: operation(t, 'patch', '', { parameters: [...writeParams, queryParam('force', 'Force is going to "force" Apply requests.', 'boolean')], requestBody: patchBody }),
      delete: operation(t, 'delete', '', { parameters: [DRY_RUN, PRETTY] }),
    },
  };
  if (t.statusSubresource) {
    paths[`${item}/status`] = {
      get: operation(t, 'get', 'Status', { parameters: [PRETTY] }),
      put: operation(t, 'put', 'Status', { parameters: writeParams, requestBody: body(t) }),
      patch: operation(t, 'patch', 'Status', { parameters: writeParams, requestBody: patchBody }),
    };
  }
  if (t.namespaced) paths[`${prefix}/${t.resource}`] = { get: { ...(operation(t, 'list', 'ForAllNamespaces', { parameters: LIST_PARAMS }) as object), responses: ok(t, true) } };
  return paths;
}

function groupVersionKey(t: { group: string; version: string }): string {
  return t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`;
}

/** One OpenAPI v3 document per served group-version, keyed `api/v1`, `apis/networking.k8s.io/v1`. */
export function openApiDocuments(registry: ResourceRegistry, title: string): Map<string, { readonly json: string; readonly hash: string }> {
  const byGv = new Map<string, ResourceType[]>();
  for (const t of registry.all()) byGv.set(groupVersionKey(t), [...(byGv.get(groupVersionKey(t)) ?? []), t]);
  const out = new Map<string, { json: string; hash: string }>();
  for (const [key, types] of byGv) {
    const schemas: Record<string, unknown> = {};
    for (const t of types) {
      schemas[schemaName(t)] = { type: 'object', description: `${t.kind} (schema not published: validated by the server)`, 'x-kubernetes-preserve-unknown-fields': true };
      schemas[`${schemaName(t)}List`] = { type: 'object', properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${schemaName(t)}` } } } };
    }
    const doc = {
      openapi: '3.0.0',
      info: { title, version: key },
      paths: Object.assign({}, ...types.map(pathsOf)) as Record<string, unknown>,
      components: { schemas },
    };
    const json = JSON.stringify(doc);
    out.set(key, { json, hash: createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase() });
  }
  return out;
}

/** The /openapi/v3 index: where each group-version's document is. */
export function openApiIndex(docs: ReadonlyMap<string, { readonly hash: string }>): unknown {
  return { paths: Object.fromEntries([...docs].map(([key, { hash }]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` }])) };
}
