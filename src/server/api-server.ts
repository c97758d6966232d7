// Palisade's embedded Kubernetes API server: the REST API over the embedded store, so
// the real kubectl and @kubernetes/client-node work against it unchanged. It listens on
// loopback only, over HTTPS with a self-signed certificate (kubectl applies kubeconfig
// tokens only to TLS connections), and every request must carry `Authorization: Bearer
// <token>`: the token is the credential, the kubeconfig holding it is mode 0600. Health
// endpoints require it too: only the machine's owner can talk to this server at all.
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Clock } from '../store/clock.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { ResourceRegistry } from '../store/resource-registry.ts';
import type { ApiStatus } from './api-status.ts';
import { UNAUTHORIZED, errorStatus, pathNotFound } from './api-status.ts';
import type { ServerVersion } from './discovery.ts';
import { apiGroupList, apiGroupOf, apiResourceList, apiVersions, defaultVersion } from './discovery.ts';
import { openApiDocuments, openApiIndex } from './openapi.ts';
import { handleResource, jsonResponse } from './resource-handler.ts';
import { parseResourcePath } from './resource-path.ts';
import type { TlsMaterial } from './self-signed-cert.ts';
import { generateSelfSignedCert } from './self-signed-cert.ts';

export interface ServerLogFn {
  (obj: object, msg?: string): void;
}

/** The subset of pino's Logger the server writes to (the agent's Logger satisfies it). */
export interface ServerLogger {
  readonly info: ServerLogFn;
  readonly error: ServerLogFn;
}

export interface ApiServerOptions {
  readonly store: ObjectStore;
  /** Default: the store's registry. */
  readonly registry?: ResourceRegistry;
  /** The bearer token every request must present. */
  readonly token: string;
  readonly clock: Clock;
  readonly logger?: ServerLogger;
  readonly version?: ServerVersion;
  /**
   * The server's certificate and key; default: a self-signed one made at creation.
   * `none` serves plain HTTP (kubectl then sends no token: for fetch-level clients only).
   */
  readonly tls?: TlsMaterial | 'none';
  /** How often watchers that allow bookmarks get one (kube: about a minute); 0 disables. */
  readonly bookmarkIntervalMs?: number;
}

export interface RunningApiServer {
  /** e.g. `https://127.0.0.1:38421` */
  readonly url: string;
  readonly port: number;
  /** The PEM certificate clients must trust (the kubeconfig's certificate authority); absent over plain HTTP. */
  readonly caCert?: string;
  /** Ends open watches and stops listening. */
  close(): Promise<void>;
}

export interface ApiServer {
  /** Serves the API without a socket (tests, embedding): a WHATWG fetch handler. */
  fetch(req: Request): Promise<Response>;
  /** `host` must be a loopback address; port 0 picks a free one. */
  listen(host: string, port: number): Promise<RunningApiServer>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function statusResponse(status: ApiStatus): Response {
  return jsonResponse(status.code, status);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  if (opts.token === '') throw new Error('the API server needs a non-empty bearer token');
  const store = opts.store;
  const registry = opts.registry ?? store.registry;
  const logger = opts.logger;
  const version = opts.version ?? defaultVersion(`${process.platform}/${process.arch}`);
  const openapi = openApiDocuments(registry, 'Palisade');
  const tls = opts.tls === 'none' ? undefined : opts.tls ?? generateSelfSignedCert(opts.clock.now());
  const closing = new AbortController();
  const ctx = { store, now: () => opts.clock.now(), closing: closing.signal };

  const app = new Hono();
  app.use('*', async (c, next) => {
    if (!tokenMatches(c.req.header('authorization'), opts.token)) return statusResponse(UNAUTHORIZED);
    await next();
    return undefined;
  });
  for (const path of ['/healthz', '/readyz', '/livez']) {
    app.get(path, (c) => c.text('ok'));
  }
  app.get('/version', (c) => c.json(version));
  app.get('/api', (c) => c.json(apiVersions()));
  app.get('/apis', (c) => c.json(apiGroupList(registry)));
  app.get('/openapi/v3', (c) => c.json(openApiIndex(openapi)));
  app.get('/openapi/v3/*', (c) => {
    const doc = openapi.get(c.req.path.slice('/openapi/v3/'.length));
    if (doc === undefined) return statusResponse(pathNotFound());
    return c.body(doc.json, 200, { 'Content-Type': 'application/json' });
  });
  app.get('/api/:version', (c) => {
    const list = apiResourceList(registry, '', c.req.param('version'));
    return list === undefined ? statusResponse(pathNotFound()) : c.json(list);
  });
  app.get('/apis/:group', (c) => {
    const group = apiGroupOf(registry, c.req.param('group'));
    return group === undefined ? statusResponse(pathNotFound()) : c.json(group);
  });
  app.get('/apis/:group/:version', (c) => {
    const list = apiResourceList(registry, c.req.param('group'), c.req.param('version'));
    return list === undefined ? statusResponse(pathNotFound()) : c.json(list);
  });
  app.all('*', async (c) => {
    const parsed = parseResourcePath(c.req.path, registry);
    if (parsed.kind === 'not-resource') return statusResponse(pathNotFound());
    if (parsed.kind === 'unknown-resource') return statusResponse(pathNotFound());
    return handleResource(ctx, c.req.raw, parsed.path);
  });
  app.onError((err) => {
    const status = errorStatus(err);
    if (status.code >= 500) logger?.error({ err: { message: err.message, name: err.name } }, 'API request failed');
    return statusResponse(status);
  });

  const fetch = async (req: Request): Promise<Response> => app.fetch(req);

  return {
    fetch,
    listen: (host, port) => new Promise((resolve, reject) => {
      if (!LOOPBACK.has(host)) {
        reject(new Error(`the API server listens on loopback only, not ${JSON.stringify(host)}`));
        return;
      }
      const transport = tls === undefined ? {} : { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } };
      const server = serve({ fetch: app.fetch, hostname: host, port, ...transport }, (info: AddressInfo) => {
        const hostPart = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        const url = `${tls === undefined ? 'http' : 'https'}://${hostPart}:${info.port}`;
        logger?.info({ url }, 'API server listening');
        const interval = opts.bookmarkIntervalMs ?? 60_000;
        const bookmarks = interval > 0 ? setInterval(() => store.bookmark(), interval) : undefined;
        bookmarks?.unref();
        resolve({
          url,
          port: info.port,
          ...(tls === undefined ? {} : { caCert: tls.cert }),
          close: () => new Promise<void>((done) => {
            if (bookmarks !== undefined) clearInterval(bookmarks);
            closing.abort();
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
        });
      });
      server.once('error', reject);
    }),
  };
}
