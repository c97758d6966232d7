// A small REST client of a Kubernetes API server (Palisade's embedded one, or any):
// @kubernetes/client-node's KubeConfig reads the kubeconfig and supplies the credentials
// (bearer token, client certificate, CA), and requests go out as plain HTTP(S) so the
// verbs see the server's JSON exactly as sent (the typed clients drop unknown fields)
// and can ask for server-side Tables (the request itself: sources/json-request.ts, shared
// with the agent). Error answers become ApiError with the Status.
import { existsSync } from 'node:fs';
import type https from 'node:https';
import { NoAnswerError, sendJsonRequest } from '../../sources/json-request.ts';
import { ApiError, NotRunningError } from './api-error.ts';
import type { WireStatus } from './api-error.ts';

export type Query = Readonly<Record<string, string | undefined>>;

export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
}

const START_HINT = 'start it with "palisade up -d"';

export class KubeClient {
  readonly server: URL;
  /** The namespace of the kubeconfig's current context, else `default`. */
  readonly defaultNamespace: string;
  readonly #options: https.RequestOptions;

  constructor(server: URL, options: https.RequestOptions, defaultNamespace = 'default') {
    this.server = server;
    this.#options = options;
    this.defaultNamespace = defaultNamespace;
  }

  /** Reads the kubeconfig at `path`; NotRunningError when there is none. */
  static async fromKubeconfig(path: string): Promise<KubeClient> {
    if (!existsSync(path)) throw new NotRunningError(`palisade is not running (no kubeconfig at ${path}); ${START_HINT}`);
    // Loaded on demand: the offline commands (validate, eval, matrix, ...) never pay for it.
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(path);
    } catch (e) {
      throw new NotRunningError(`cannot read the kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new NotRunningError(`the kubeconfig ${path} has no current cluster`);
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const context = kc.getContextObject(kc.getCurrentContext());
    const ns = context?.namespace;
    return new KubeClient(new URL(cluster.server), options, ns !== undefined && ns !== '' ? ns : 'default');
  }

  /** Sends one request; resolves with the parsed JSON body (undefined when empty). */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<unknown> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const origin = this.server.origin;
    const a = await sendJsonRequest({
      method, url, credentials: this.#options, userAgent: 'palisade', body: o.body, contentType: o.contentType, accept: o.accept, timeoutMs: 60_000,
      requestError: (e) => {
        if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EHOSTUNREACH') {
          return new NotRunningError(`palisade is not running (nothing answers at ${origin}: ${e.code}); ${START_HINT}`);
        }
        const why = e instanceof NoAnswerError ? `no answer within ${e.timeoutMs / 1000} s` : e.message;
        return new NotRunningError(`cannot reach the API server at ${origin}: ${why}`);
      },
    });
    if (a.statusCode >= 200 && a.statusCode < 300) {
      if (a.json === undefined && a.text !== '') throw new Error(`the server at ${origin} answered ${method} ${url.pathname} with something that is not JSON`);
      return a.json;
    }
    throw new ApiError(a.statusCode, asStatus(a.json, a.statusCode, a.text));
  }
}

function asStatus(json: unknown, code: number, text: string): WireStatus {
  if (typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'Status') return json as WireStatus;
  // Not a Status (a proxy, a plain-text 404): kubectl then shows the code and the body.
  const reason = code === 404 ? 'NotFound' : code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : '';
  return { kind: 'Status', code, reason, message: text.trim() === '' ? `the server answered HTTP ${code}` : text.trim() };
}
