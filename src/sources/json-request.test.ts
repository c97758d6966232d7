// sendJsonRequest against a plain HTTP server on loopback: what it sends (the credentials'
// headers, Accept, User-Agent, a JSON body), that every status code resolves with the
// text and the parsed JSON, and how it fails without an answer (NoAnswerError after the
// timeout, the caller's mapping of a refused connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoAnswerError, sendJsonRequest } from './json-request.ts';

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

async function serve(t: { after(fn: () => unknown): void }, answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('sends the credentials\' headers, Accept, User-Agent and the JSON body; resolves with the parsed answer', async (t) => {
  const { base, seen } = await serve(t, (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"kind":"Pod"}'));
  const a = await sendJsonRequest({
    method: 'PATCH', url: new URL('/api/v1/pods/x?dryRun=All', base), credentials: { headers: { Authorization: 'Bearer t0k' } },
    userAgent: 'palisade-test', body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json', accept: 'application/json;as=Table', timeoutMs: 5_000,
  });
  assert.deepEqual(a, { statusCode: 201, text: '{"kind":"Pod"}', json: { kind: 'Pod' } });
  const [s] = seen;
  assert.ok(s);
  assert.equal(s.method, 'PATCH');
  assert.equal(s.url, '/api/v1/pods/x?dryRun=All');
  assert.equal(s.headers.authorization, 'Bearer t0k');
  assert.equal(s.headers.accept, 'application/json;as=Table');
  assert.equal(s.headers['user-agent'], 'palisade-test');
  assert.equal(s.headers['content-type'], 'application/merge-patch+json');
  assert.equal(s.body, '{"metadata":{"labels":{"a":"b"}}}');
});

test('any status code resolves; a body that is not JSON has json undefined; no body sends no Content-Type', async (t) => {
  const { base, seen } = await serve(t, (req, res) => (req.url === '/empty' ? res.writeHead(200).end() : res.writeHead(404).end('404 page not found\n')));
  const plain = await sendJsonRequest({ method: 'GET', url: new URL('/nope', base), credentials: {}, userAgent: 'x', timeoutMs: 5_000 });
  assert.deepEqual(plain, { statusCode: 404, text: '404 page not found\n', json: undefined });
  assert.deepEqual(await sendJsonRequest({ method: 'GET', url: new URL('/empty', base), credentials: {}, userAgent: 'x', timeoutMs: 5_000 }),
    { statusCode: 200, text: '', json: undefined });
  assert.equal(seen[0]?.headers.accept, 'application/json');
  assert.equal(seen[0]?.headers['content-type'], undefined);
});

test('no answer within the timeout: NoAnswerError naming the request, passed through requestError', async (t) => {
  const { base } = await serve(t, () => { /* never answers */ });
  const r = { method: 'GET', url: new URL('/slow', base), credentials: {}, userAgent: 'x', timeoutMs: 50 };
  await assert.rejects(sendJsonRequest(r), (e: unknown) => e instanceof NoAnswerError && e.message === 'GET /slow: no answer in 50 ms' && e.timeoutMs === 50);
  await assert.rejects(sendJsonRequest({ ...r, requestError: (e) => new Error(`mapped: ${e.message}`) }), /^Error: mapped: GET \/slow: no answer in 50 ms$/);
});

test('a refused connection is rejected as it is, or as the caller maps it', async () => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
  await new Promise((resolve) => server.close(resolve));
  const r = { method: 'GET', url, credentials: {}, userAgent: 'x', timeoutMs: 5_000 };
  await assert.rejects(sendJsonRequest(r), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  await assert.rejects(sendJsonRequest({ ...r, requestError: (e) => new Error(`mapped ${e.code}`) }), /^Error: mapped ECONNREFUSED$/);
});
