// The health endpoints: /healthz always, /readyz only once the table is in and the last
// apply succeeded (503 with the reason before), /metrics in Prometheus text format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, Gauge } from 'prom-client';
import pino from 'pino';
import type { AgentStatus } from './agent.ts';
import { startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';

test('healthz, readyz (with reasons), metrics; loopback only', async (t) => {
  const registry = new Registry();
  new Gauge({ name: 'palisade_policies', help: 'h', registers: [registry] }).set(3);
  let status: AgentStatus = { synced: false, ready: false, reconciles: 0, consecutiveErrors: 0, objects: 0 };
  const server = await startHealthServer({ port: 0, status: () => status, registry });
  t.after(() => server.close());
  const get = async (path: string): Promise<{ code: number; body: string }> => {
    const r = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { code: r.status, body: await r.text() };
  };
  assert.deepEqual(await get('/healthz'), { code: 200, body: 'ok\n' });
  assert.deepEqual(await get('/readyz'), { code: 503, body: 'not ready: the object source has not synced yet\n' });
  status = { ...status, synced: true, lastApply: { at: 1, mode: 'replace', changes: Number.NaN, durationMs: 3, ok: false, error: 'nft: boom' } };
  assert.deepEqual(await get('/readyz'), { code: 503, body: 'not ready: the last apply failed: nft: boom\n' });
  status = { ...status, ready: true, lastApply: { at: 2, mode: 'replace', changes: Number.NaN, durationMs: 3, ok: true } };
  assert.deepEqual(await get('/readyz'), { code: 200, body: 'ok\n' });
  const m = await get('/metrics');
  assert.equal(m.code, 200);
  assert.match(m.body, /^palisade_policies 3$/m);
  assert.equal((await get('/nope')).code, 404);
});

test('a pino logger is a Logger', () => {
  const lines: string[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (s: string) => { lines.push(s); } });
  logger.warn({ object: 'NetworkPolicy demo/p' }, 'reported');
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /"msg":"reported"/);
});
