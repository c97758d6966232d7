// Shared by the server's tests: an API server over an in-memory store with the engine's
// admission (as `palisade up` wires it), and a fetch helper that sends the bearer token.
import { apiValidator } from '../store/admission.ts';
import { ObjectStore } from '../store/object-store.ts';
import { counterIds, fakeClock } from '../store/test-support.ts';
import type { ApiServer, ApiServerOptions } from './api-server.ts';
import { createApiServer } from './api-server.ts';

export const TOKEN = 'test-token-0123456789';

export interface TestServer {
  readonly store: ObjectStore;
  readonly server: ApiServer;
  readonly clock: ReturnType<typeof fakeClock>;
  /** Sends `init` to `path` with the token (unless headers say otherwise); body objects are JSON-encoded. */
  call(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export function testServer(opts: Partial<ApiServerOptions> = {}): TestServer {
  const clock = fakeClock();
  const store = new ObjectStore({ clock, idGenerator: counterIds(), defaultValidator: apiValidator() });
  const server = createApiServer({ store, token: TOKEN, clock, tls: 'none', bookmarkIntervalMs: 0, ...opts });
  return {
    store, server, clock,
    call: async (method, path, o = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...o.headers };
      let body: string | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      return server.fetch(new Request(`http://127.0.0.1${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
    },
  };
}

export const NS_DEMO = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } };

export function podBody(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: { containers: [{ name, image: 'registry.k8s.io/e2e-test-images/agnhost:2.33', ports: [{ containerPort: 80 }] }] },
  };
}

export function policyBody(name: string, spec: Record<string, unknown> = { podSelector: {} }): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec };
}
