// KubeClient's answers and errors against a plain HTTP server on loopback: the JSON body,
// the query, error Status answers as ApiError (and a plain-text error as a Status made
// from the code and the text, as kubectl shows it), nothing listening as NotRunningError
// with the "palisade is not running" line of docs/cli.md, and a 2xx that is not JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, NotRunningError } from './api-error.ts';
import { KubeClient } from './kube-client.ts';

async function serve(t: { after(fn: () => unknown): void }, answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<KubeClient> {
  const server = http.createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return new KubeClient(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), {});
}

test('resolves with the JSON body; the query skips undefined values; an empty body is undefined', async (t) => {
  const client = await serve(t, (req, res) => (req.method === 'DELETE' ? res.writeHead(200).end() : res.writeHead(200).end(JSON.stringify({ url: req.url }))));
  assert.deepEqual(await client.request('GET', '/api/v1/pods', { query: { labelSelector: 'app=x', limit: undefined } }), { url: '/api/v1/pods?labelSelector=app%3Dx' });
  assert.equal(await client.request('DELETE', '/api/v1/namespaces/default/pods/p'), undefined);
});

test('error answers become ApiError with the Status, or one made from the code and the text', async (t) => {
  const notFound = { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "x" not found' };
  const client = await serve(t, (req, res) => {
    if (req.url === '/status') res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(notFound));
    else if (req.url === '/text') res.writeHead(403).end(' forbidden by proxy \n');
    else res.writeHead(502).end();
  });
  const cases: Array<{ name: string; path: string; http: number; status: unknown }> = [
    { name: 'a Status', path: '/status', http: 404, status: notFound },
    { name: 'plain text', path: '/text', http: 403, status: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'forbidden by proxy' } },
    { name: 'no body', path: '/empty', http: 502, status: { kind: 'Status', code: 502, reason: '', message: 'the server answered HTTP 502' } },
  ];
  for (const c of cases) {
    await assert.rejects(client.request('GET', c.path), (e: unknown) => {
      assert.ok(e instanceof ApiError, c.name);
      assert.equal(e.httpStatus, c.http, c.name);
      assert.deepEqual(e.status, c.status, c.name);
      return true;
    });
  }
});

test('a 2xx answer that is not JSON is an error naming the request', async (t) => {
  const client = await serve(t, (_req, res) => res.writeHead(200).end('<html>'));
  await assert.rejects(client.request('GET', '/api'), (e: unknown) => !(e instanceof ApiError) && !(e instanceof NotRunningError)
    && (e as Error).message === `the server at ${client.server.origin} answered GET /api with something that is not JSON`);
});

test('nothing listening: NotRunningError saying how to start palisade (docs/cli.md)', async () => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(new KubeClient(new URL(origin), {}).request('GET', '/api'), (e: unknown) => e instanceof NotRunningError
    && e.message === `palisade is not running (nothing answers at ${origin}: ECONNREFUSED); start it with "palisade up -d"`);
});
