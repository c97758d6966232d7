// Shared by the tests of the server and of its clients: an API server over an in-memory
// store with the engine's admission (as `palisade up` wires it), either called in-process
// with the bearer token, or listening on loopback over TLS with a kubeconfig for real
// clients (kubectl, client-node, `palisade` verbs, the agent's sources).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { apiValidator } from '../store/admission.ts';
import type { Clock } from '../store/clock.ts';
import type { StoreOptions } from '../store/object-store.ts';
import { ObjectStore } from '../store/object-store.ts';
import { counterIds, fakeClock } from '../store/test-support.ts';
import type { ApiServer, ApiServerOptions } from './api-server.ts';
import { createApiServer } from './api-server.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { generateSelfSignedCert } from './self-signed-cert.ts';

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
  const store = admittingStore(clock);
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

function admittingStore(clock: Clock, opts: Partial<StoreOptions> = {}): ObjectStore {
  return new ObjectStore({ clock, idGenerator: counterIds(), defaultValidator: apiValidator(), ...opts });
}

export interface LoopbackServerOptions {
  /** Of the store and the server; default fakeClock(). The certificate is made for the real time (clients check it). */
  readonly clock?: Clock;
  /** Default TOKEN. */
  readonly token?: string;
  /** Over the clock, counterIds() and api/ admission. */
  readonly store?: Partial<StoreOptions>;
  /** Start of the temporary directory's name. */
  readonly dirPrefix?: string;
}

export interface LoopbackServer {
  readonly store: ObjectStore;
  /** A fresh temporary directory, removed by close(). */
  readonly dir: string;
  /** `dir/kubeconfig`: the server, the token, the certificate pinned. */
  readonly kubeconfig: string;
  /** Stops serving (open watches end), closes the store, removes `dir`. */
  close(): Promise<void>;
}

/** The API server on 127.0.0.1 (a free port; HTTPS, no bookmarks), and a kubeconfig for it. */
export async function loopbackServer(o: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const clock = o.clock ?? fakeClock();
  const token = o.token ?? TOKEN;
  const store = admittingStore(clock, o.store);
  const running = await createApiServer({ store, token, clock, bookmarkIntervalMs: 0, tls: generateSelfSignedCert(Date.now()) }).listen('127.0.0.1', 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.dirPrefix ?? 'palisade-server-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server: running.url, token, ...(running.caCert === undefined ? {} : { certificateAuthority: running.caCert }) });
  return {
    store, dir, kubeconfig,
    close: async () => {
      await running.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
