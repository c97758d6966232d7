// The verbs on resource URLs, mapped onto the store with the API server's HTTP
// semantics: get/list (Table when asked), watch, create (201), update (PUT), patch
// (merge, strategic merge, json patch), delete and deletecollection, and the status
// subresource. Store errors become their Status; admission warnings become `Warning`
// headers.
import type { ObjectStore } from '../store/object-store.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { apiVersionOf, qualifiedResource } from '../store/resource-registry.ts';
import { StoreError, badRequest } from '../store/store-errors.ts';
import type { ObjectInput, StoredObject } from '../store/store-object.ts';
import { ApiError, apiStatus, methodNotAllowed } from './api-status.ts';
import { applyDefaults, prepareForCreate } from './defaults.ts';
import { applyMergePatch } from './json-merge-patch.ts';
import { applyJsonPatch } from './json-patch.ts';
import { PatchError } from './patch-error.ts';
import { patchMetaFor } from './patch-meta.ts';
import { decodeBody, mediaType } from './request-body.ts';
import {
  booleanParam, dryRunOf, fieldValidationOf, includeObjectOf, secondsParam, wantsTable, warningHeader,
} from './request-options.ts';
import type { ResourcePath } from './resource-path.ts';
import { PROTOBUF, decodeProtobufObject } from './protobuf-body.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';
import { toTable } from './table.ts';
import { watchResponse } from './watch-stream.ts';

export interface ResourceContext {
  readonly store: ObjectStore;
  /** Milliseconds since the epoch, for table ages. */
  readonly now: () => number;
  /** Aborted when the server closes: ends open watches. */
  readonly closing: AbortSignal;
}

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function jsonResponse(status: number, body: unknown, warnings: readonly string[] = []): Response {
  const headers = new Headers({ 'Content-Type': 'application/json' });
  for (const w of warnings) headers.append('Warning', warningHeader(w));
  return new Response(JSON.stringify(body), { status, headers });
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function unsupportedPatch(type: string): Response {
  const message = type === 'application/apply-patch+yaml'
    ? 'server-side apply (application/apply-patch+yaml) is not supported by this server: use client-side `kubectl apply` (the default)'
    : `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`;
  return jsonResponse(415, apiStatus(415, 'UnsupportedMediaType', message));
}

/** Fills apiVersion/kind from the URL when absent; rejects a body of another kind. */
function checkKind(type: ResourceType, body: unknown): Json {
  if (!isMap(body)) throw badRequest('the request body must be a JSON object');
  const obj = structuredClone(body);
  const want = apiVersionOf(type);
  if (obj['apiVersion'] === undefined || obj['apiVersion'] === '') obj['apiVersion'] = want;
  if (obj['kind'] === undefined || obj['kind'] === '') obj['kind'] = type.kind;
  if (obj['apiVersion'] !== want || obj['kind'] !== type.kind) {
    throw badRequest(`the object provided is of kind ${String(obj['kind'])} (${String(obj['apiVersion'])}), but the URL is for ${type.kind} (${want})`);
  }
  if (!isMap(obj['metadata'])) obj['metadata'] = {};
  return obj;
}

/** The URL's namespace wins when the body has none; a different one is an error (as upstream). */
function checkNamespace(path: ResourcePath, obj: Json): void {
  if (!path.type.namespaced) return;
  const meta = obj['metadata'] as Json;
  const ns = meta['namespace'];
  if (ns === undefined || ns === '') meta['namespace'] = path.namespace;
  else if (ns !== path.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

function checkName(path: ResourcePath, obj: Json): void {
  const meta = obj['metadata'] as Json;
  const name = meta['name'];
  if (name === undefined || name === '') meta['name'] = path.name;
  else if (name !== path.name) throw badRequest(`the name of the object (${String(name)}) does not match the name on the URL (${String(path.name)})`);
}

async function readJson(req: Request): Promise<unknown> {
  if (mediaType(req.headers.get('content-type')) === PROTOBUF) return decodeProtobufObject(new Uint8Array(await req.arrayBuffer()));
  const text = await req.text();
  if (text.trim() === '') throw badRequest('the request body is empty');
  return decodeBody(text, req.headers.get('content-type'));
}

function objectOrTable(ctx: ResourceContext, req: Request, query: URLSearchParams, type: ResourceType, o: StoredObject): unknown {
  if (!wantsTable(req.headers.get('accept'))) return o;
  return toTable(type, [o], ctx.now(), { resourceVersion: o.metadata.resourceVersion, includeObject: includeObjectOf(query) });
}

function deleteResponse(type: ResourceType, o: StoredObject): Response {
  // Upstream returns the object for graceful deletions (pods, namespaces) and a Success Status otherwise.
  if (type.group === '' && (type.resource === 'pods' || type.resource === 'namespaces')) return jsonResponse(200, o);
  return jsonResponse(200, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: o.metadata.name, group: type.group, kind: type.resource, uid: o.metadata.uid },
  });
}

function readDeleteOptions(body: unknown, query: URLSearchParams): { dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } } {
  const opts = isMap(body) ? body : {};
  const policy = opts['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(String(policy))) {
    throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const bodyDryRun = Array.isArray(opts['dryRun']) ? opts['dryRun'] : [];
  const pre = isMap(opts['preconditions']) ? opts['preconditions'] : undefined;
  const preconditions: { uid?: string; resourceVersion?: string } = {};
  if (typeof pre?.['uid'] === 'string') preconditions.uid = pre['uid'];
  if (typeof pre?.['resourceVersion'] === 'string') preconditions.resourceVersion = pre['resourceVersion'];
  return { dryRun: dryRunOf(query, bodyDryRun), ...(pre === undefined ? {} : { preconditions }) };
}

function applyPatch(current: StoredObject, patchType: string, patch: unknown): unknown {
  try {
    if (patchType === 'application/json-patch+json') return applyJsonPatch(current, patch);
    if (patchType === 'application/merge-patch+json') {
      if (!isMap(patch)) throw new PatchError('malformed', 'a merge patch must be a JSON object');
      return applyMergePatch(current, patch);
    }
    return applyStrategicMergePatch(current, patch, patchMetaFor(current.apiVersion, current.kind));
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    if (err.kind === 'malformed') throw badRequest(err.message);
    throw new StoreError('Invalid', `the server rejected our request due to an error in our request: ${err.message}`);
  }
}

/** Serves one request on a resource URL. */
export async function handleResource(ctx: ResourceContext, req: Request, path: ResourcePath): Promise<Response> {
  const { store } = ctx;
  const { type, namespace, name, subresource } = path;
  const query = new URL(req.url).searchParams;
  const method = req.method.toUpperCase();
  if (subresource !== undefined && (subresource !== 'status' || !type.statusSubresource || name === undefined)) {
    throw new StoreError('NotFound', `the server could not find the requested resource`, { group: type.group, kind: `${type.resource}/${subresource}` });
  }
  if (type.namespaced && name !== undefined && namespace === undefined) {
    throw new StoreError('NotFound', 'the server could not find the requested resource', { group: type.group, kind: qualifiedResource(type) });
  }
  if (name === undefined) {
    const filter = {
      ...(namespace === undefined ? {} : { namespace }),
      ...(query.get('labelSelector') === null ? {} : { labelSelector: query.get('labelSelector') ?? '' }),
      ...(query.get('fieldSelector') === null ? {} : { fieldSelector: query.get('fieldSelector') ?? '' }),
    };
    if (method === 'GET' && booleanParam(query, 'watch')) {
      const table = wantsTable(req.headers.get('accept')) ? { now: ctx.now, includeObject: includeObjectOf(query) } : undefined;
      const signal = AbortSignal.any([req.signal, ctx.closing]);
      const sendInitial = query.get('sendInitialEvents');
      return watchResponse({
        store, type, namespace, signal, table,
        labelSelector: filter.labelSelector, fieldSelector: filter.fieldSelector,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        allowBookmarks: booleanParam(query, 'allowWatchBookmarks'),
        sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
        timeoutSeconds: secondsParam(query, 'timeoutSeconds'),
      });
    }
    if (method === 'GET') {
      const rv = query.get('resourceVersion');
      const list = store.list(type, filter);
      if (rv !== null && query.get('resourceVersionMatch') === 'Exact' && rv !== list.metadata.resourceVersion) {
        throw new StoreError('Expired', `too old resource version: ${rv} (${list.metadata.resourceVersion})`);
      }
      if (wantsTable(req.headers.get('accept'))) {
        return jsonResponse(200, toTable(type, list.items, ctx.now(), { resourceVersion: list.metadata.resourceVersion, includeObject: includeObjectOf(query) }));
      }
      return jsonResponse(200, list);
    }
    if (method === 'POST') {
      if (type.namespaced && namespace === undefined) throw methodNotAllowedError('POST');
      const obj = checkKind(type, await readJson(req));
      checkNamespace(path, obj);
      prepareForCreate(apiVersionOf(type), type.kind, obj);
      const warnings: string[] = [];
      const fieldValidation = fieldValidationOf(query);
      const created = store.create(obj as unknown as ObjectInput, { dryRun: dryRunOf(query), warnings, ...(fieldValidation === undefined ? {} : { fieldValidation }) });
      return jsonResponse(201, created, warnings);
    }
    if (method === 'DELETE') {
      const text = await req.text();
      const opts = readDeleteOptions(text.trim() === '' ? {} : decodeBody(text, req.headers.get('content-type')), query);
      const items = store.list(type, filter).items;
      const deleted = items.map((o) => store.delete(type, o.metadata.name, o.metadata.namespace, { dryRun: opts.dryRun }));
      return jsonResponse(200, { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: store.resourceVersion }, items: deleted });
    }
    throw methodNotAllowedError(method);
  }
  const ns = type.namespaced ? namespace : undefined;
  if (method === 'GET') {
    if (booleanParam(query, 'watch')) throw badRequest('watch a single object with a list watch and fieldSelector=metadata.name=<name>');
    return jsonResponse(200, objectOrTable(ctx, req, query, type, store.get(type, name, ns)));
  }
  if (method === 'PUT') {
    const obj = checkKind(type, await readJson(req));
    checkName(path, obj);
    checkNamespace(path, obj);
    applyDefaults(apiVersionOf(type), type.kind, obj);
    const warnings: string[] = [];
    const fieldValidation = fieldValidationOf(query);
    const updated = store.update(obj as unknown as ObjectInput, {
      dryRun: dryRunOf(query), warnings,
      ...(fieldValidation === undefined ? {} : { fieldValidation }),
      ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
    });
    return jsonResponse(200, updated, warnings);
  }
  if (method === 'PATCH') {
    const patchType = mediaType(req.headers.get('content-type'));
    if (!PATCH_TYPES.includes(patchType)) return unsupportedPatch(patchType);
    const patch = await readJson(req);
    const current = store.get(type, name, ns);
    const patched = applyPatch(current, patchType, patch);
    if (!isMap(patched)) throw badRequest('the patched object is not a JSON object');
    const meta = isMap(patched['metadata']) ? patched['metadata'] : (patched['metadata'] = {});
    if (meta['name'] !== name || (type.namespaced && meta['namespace'] !== ns)) {
      throw badRequest('metadata.name and metadata.namespace cannot be changed by a patch');
    }
    // A patch that names a resourceVersion makes it a precondition; otherwise it applies to the current object.
    const patchRv = isMap(patch) && isMap(patch['metadata']) ? patch['metadata']['resourceVersion'] : undefined;
    meta['resourceVersion'] = typeof patchRv === 'string' ? patchRv : current.metadata.resourceVersion;
    const next = checkKind(type, patched);
    applyDefaults(apiVersionOf(type), type.kind, next);
    const warnings: string[] = [];
    const fieldValidation = fieldValidationOf(query);
    const updated = store.update(next as unknown as ObjectInput, {
      dryRun: dryRunOf(query), warnings,
      ...(fieldValidation === undefined ? {} : { fieldValidation }),
      ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
    });
    return jsonResponse(200, updated, warnings);
  }
  if (method === 'DELETE' && subresource === undefined) {
    const text = await req.text();
    const opts = readDeleteOptions(text.trim() === '' ? {} : decodeBody(text, req.headers.get('content-type')), query);
    return deleteResponse(type, store.delete(type, name, ns, opts));
  }
  throw methodNotAllowedError(method);
}

function methodNotAllowedError(method: string): ApiError {
  return new ApiError(methodNotAllowed(method));
}
