// Plain JSON requests to a Kubernetes API server with the credentials of a client-node
// KubeConfig (token, token file, client certificate, CA: applyToHTTPSOptions, asked again
// for every request so rotated service-account tokens are picked up). Raw JSON on
// purpose: client-node's typed lists deserialize into classes that drop unknown fields and
// turn timestamps into Dates, while the agent's converters read the objects as the server
// sent them (the same JSON the embedded store holds).
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef } from '../store/resource-registry.ts';
import { sendJsonRequest } from './json-request.ts';
import type { SourceObject } from './object-source.ts';

/** A non-2xx answer: the HTTP code and, when the server sent one, its Status. */
export class KubeRequestError extends Error {
  readonly statusCode: number;
  readonly status: { readonly reason?: string; readonly message?: string } | undefined;

  constructor(method: string, path: string, statusCode: number, status: KubeRequestError['status'], text: string) {
    super(`${method} ${path}: HTTP ${statusCode}${status?.message === undefined ? (text === '' ? '' : `: ${text.slice(0, 200)}`) : `: ${status.message}`}`);
    this.name = 'KubeRequestError';
    this.statusCode = statusCode;
    this.status = status;
  }
}

export interface RawRequest {
  readonly method: 'GET' | 'PATCH';
  /** Path and query, e.g. `/api/v1/pods?limit=500`. */
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

/** Sends one request; resolves with the parsed JSON body. */
export async function kubeRequest(kc: KubeConfig, r: RawRequest): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  const credentials: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(credentials);
  const url = new URL(r.path, cluster.server);
  const a = await sendJsonRequest({
    method: r.method, url, credentials, userAgent: 'palisade-agent', body: r.body, contentType: r.contentType, timeoutMs: r.timeoutMs ?? 60_000,
  });
  if (a.statusCode >= 200 && a.statusCode < 300) return a.json;
  throw new KubeRequestError(r.method, url.pathname, a.statusCode, typeof a.json === 'object' && a.json !== null ? a.json as KubeRequestError['status'] : undefined, a.text);
}

/** `/api/v1/pods`, `/apis/networking.k8s.io/v1/networkpolicies`: every namespace. */
export function collectionPath(r: ResourceRef): string {
  return r.group === '' ? `/api/${r.version}/${r.resource}` : `/apis/${r.group}/${r.version}/${r.resource}`;
}

/** The path of one object. */
export function objectPath(r: ResourceRef & { readonly namespaced: boolean }, name: string, namespace?: string): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${ns}/${r.resource}/${encodeURIComponent(name)}`;
}

export interface RawList {
  readonly resourceVersion: string;
  readonly items: SourceObject[];
}

interface ListPage {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: SourceObject[];
}

/**
 * Lists a whole collection in pages of `pageSize` (limit/continue, so a large cluster is
 * not one huge answer). Items get the list's apiVersion and kind, which list answers omit.
 * An expired continue token fails the list (410): the caller lists again from the start.
 */
export async function listAll(kc: KubeConfig, r: ResourceRef & { readonly kind: string }, pageSize = 500): Promise<RawList> {
  const base = collectionPath(r);
  const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
  const items: SourceObject[] = [];
  let cont: string | undefined;
  let resourceVersion = '';
  for (;;) {
    const q = new URLSearchParams({ limit: String(pageSize) });
    if (cont !== undefined) q.set('continue', cont);
    const page = await kubeRequest(kc, { method: 'GET', path: `${base}?${q.toString()}` }) as ListPage | undefined;
    for (const o of page?.items ?? []) items.push({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? r.kind });
    if (resourceVersion === '') resourceVersion = page?.metadata?.resourceVersion ?? '';
    cont = page?.metadata?.continue;
    if (cont === undefined || cont === '') return { resourceVersion, items };
  }
}
