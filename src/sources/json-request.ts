// One HTTP(S) request to a Kubernetes API server with a JSON body and a JSON answer, with
// the credentials of a client-node KubeConfig (applyToHTTPSOptions: CA, client certificate,
// bearer token header). Shared by the agent's kube-rest.ts and the CLI's KubeClient, which
// both want the server's JSON exactly as sent (client-node's typed clients drop unknown
// fields); each caller turns the answer into its own errors, so any status code resolves.
import http from 'node:http';
import https from 'node:https';

export interface JsonRequest {
  readonly method: string;
  readonly url: URL;
  /** Credentials and TLS settings (KubeConfig.applyToHTTPSOptions); their headers are sent too. */
  readonly credentials: https.RequestOptions;
  readonly userAgent: string;
  /** JSON-encoded when given. */
  readonly body?: unknown;
  /** Of the body; default `application/json`. */
  readonly contentType?: string;
  /** Default `application/json`. */
  readonly accept?: string;
  /** Idle time after which the request fails with NoAnswerError. */
  readonly timeoutMs: number;
  /**
   * Maps a failure to get an answer at all (refused, TLS, NoAnswerError) to the caller's
   * error; default: rejected as it is. Errors of the answer's stream are never mapped.
   */
  readonly requestError?: (e: NodeJS.ErrnoException) => Error;
}

export interface JsonAnswer {
  readonly statusCode: number;
  /** The body as text ('' when empty). */
  readonly text: string;
  /** The parsed body; undefined when empty or not JSON. */
  readonly json: unknown;
}

/** The server accepted the connection but did not answer in time. */
export class NoAnswerError extends Error {
  readonly timeoutMs: number;

  constructor(method: string, path: string, timeoutMs: number) {
    super(`${method} ${path}: no answer in ${timeoutMs} ms`);
    this.name = 'NoAnswerError';
    this.timeoutMs = timeoutMs;
  }
}

/** Sends one request; resolves with the answer whatever its status code. */
export function sendJsonRequest(r: JsonRequest): Promise<JsonAnswer> {
  const body = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body), 'utf8');
  const headers: Record<string, string> = {
    ...stringHeaders(r.credentials.headers),
    Accept: r.accept ?? 'application/json',
    'User-Agent': r.userAgent,
    ...(body === undefined ? {} : { 'Content-Type': r.contentType ?? 'application/json', 'Content-Length': String(body.length) }),
  };
  const transport = r.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(r.url, { ...r.credentials, method: r.method, headers, timeout: r.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ statusCode: res.statusCode ?? 0, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new NoAnswerError(r.method, r.url.pathname, r.timeoutMs)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(r.requestError === undefined ? e : r.requestError(e)));
    req.end(body);
  });
}

function stringHeaders(h: http.OutgoingHttpHeaders | readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined || Array.isArray(h)) return out;
  for (const [k, v] of Object.entries(h as http.OutgoingHttpHeaders)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
