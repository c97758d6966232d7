// A small REST client of a Kubernetes API server (Palisade's embedded one, or any):
// @kubernetes/client-node's KubeConfig reads the kubeconfig and supplies the credentials
// (bearer token, client certificate, CA), and requests go out as plain HTTP(S) so the
// verbs see the server's JSON exactly as sent (the typed clients drop unknown fields)
// and can ask for server-side Tables. Error answers become ApiError with the Status.
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
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
  request(method: string, path: string, o: RequestOptions = {}): Promise<unknown> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body), 'utf8');
    const headers: Record<string, string> = {
      ...stringHeaders(this.#options.headers),
      Accept: o.accept ?? 'application/json',
      'User-Agent': 'palisade',
      ...(body === undefined ? {} : { 'Content-Type': o.contentType ?? 'application/json', 'Content-Length': String(body.length) }),
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...this.#options, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          if (code >= 200 && code < 300) {
            if (json === undefined && text !== '') reject(new Error(`the server at ${this.server.origin} answered ${method} ${url.pathname} with something that is not JSON`));
            else resolve(json);
            return;
          }
          reject(new ApiError(code, asStatus(json, code, text)));
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EHOSTUNREACH') {
          reject(new NotRunningError(`palisade is not running (nothing answers at ${this.server.origin}: ${e.code}); ${START_HINT}`));
        } else {
          reject(new NotRunningError(`cannot reach the API server at ${this.server.origin}: ${e.message}`));
        }
      });
      req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
      req.end(body);
    });
  }
}

function stringHeaders(h: http.OutgoingHttpHeaders | readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined || Array.isArray(h)) return out;
  for (const [k, v] of Object.entries(h as http.OutgoingHttpHeaders)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function asStatus(json: unknown, code: number, text: string): WireStatus {
  if (typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'Status') return json as WireStatus;
  // Not a Status (a proxy, a plain-text 404): kubectl then shows the code and the body.
  const reason = code === 404 ? 'NotFound' : code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : '';
  return { kind: 'Status', code, reason, message: text.trim() === '' ? `the server answered HTTP ${code}` : text.trim() };
}
