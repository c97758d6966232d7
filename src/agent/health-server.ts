// The agent's HTTP endpoints on a loopback port: /healthz (the process answers),
// /readyz (the table was applied and the last apply succeeded: 503 with the reason
// otherwise), /metrics (the Prometheus registry). Loopback only: kubelet probes and a
// node-local scraper reach it; nothing else should.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { AgentStatus } from './agent.ts';

export interface HealthServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: '127.0.0.1' | '::1' | 'localhost';
  readonly status: () => AgentStatus;
  readonly registry: Registry;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Why the agent is not ready, or undefined when it is. */
export function notReadyReason(s: AgentStatus): string | undefined {
  if (!s.synced) return 'the object source has not synced yet';
  if (s.lastApply === undefined) return 'no table applied yet';
  if (!s.ready) return `the last apply failed: ${s.lastApply.error ?? 'unknown error'}`;
  return undefined;
}

export async function startHealthServer(o: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'method not allowed\n');
      return;
    }
    if (path === '/healthz' || path === '/livez') {
      send(200, 'ok\n');
    } else if (path === '/readyz') {
      const reason = notReadyReason(o.status());
      if (reason === undefined) send(200, 'ok\n');
      else send(503, `not ready: ${reason}\n`);
    } else if (path === '/metrics') {
      o.registry.metrics().then(
        (text) => send(200, text, o.registry.contentType),
        (err: unknown) => send(500, `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    } else {
      send(404, 'not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err === undefined ? resolve() : reject(err)));
    }),
  };
}
