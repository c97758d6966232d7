// Watch over HTTP as clients see it (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
// newline-delimited events, resume from a resourceVersion, bookmarks, timeoutSeconds,
// and a resourceVersion older than the history answered by an ERROR event with the
// 410 Expired Status (what client-go's reflector and client-node's ListWatch relist on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectStore } from '../store/object-store.ts';
import { counterIds, fakeClock } from '../store/test-support.ts';
import { createApiServer } from './api-server.ts';
import { NS_DEMO, TOKEN, podBody, testServer } from './test-support.ts';

type Event = { type: string; object: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads events until `count` arrived or the stream ended. */
async function readEvents(res: Response, count: number): Promise<Event[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Event[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)) as Event);
      buffer = buffer.slice(nl + 1);
    }
  }
  await reader.cancel();
  return events;
}

const brief = (e: Event): string => `${e.type} ${String(e.object['metadata']?.['name'] ?? e.object['reason'] ?? '')}`;

test('watch: current objects as ADDED, then changes in order', async () => {
  const { call } = testServer();
  await call('POST', '/api/v1/namespaces', { body: NS_DEMO });
  await call('POST', '/api/v1/namespaces/demo/pods', { body: podBody('a') });
  const res = await call('GET', '/api/v1/namespaces/demo/pods?watch=1');
  assert.equal(res.status, 200);
  const pending = readEvents(res, 3);
  await call('PATCH', '/api/v1/namespaces/demo/pods/a', { body: { metadata: { labels: { x: 'y' } } }, headers: { 'content-type': 'application/merge-patch+json' } });
  await call('DELETE', '/api/v1/namespaces/demo/pods/a');
  assert.deepEqual((await pending).map(brief), ['ADDED a', 'MODIFIED a', 'DELETED a']);
});

test('watch: from a resourceVersion only later changes; the initial-events bookmark when asked', async () => {
  const { call } = testServer();
  await call('POST', '/api/v1/namespaces', { body: NS_DEMO });
  const list = await (await call('GET', '/api/v1/namespaces/demo/pods')).json() as { metadata: { resourceVersion: string } };
  await call('POST', '/api/v1/namespaces/demo/pods', { body: podBody('b') });
  const resumed = await readEvents(await call('GET', `/api/v1/namespaces/demo/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}`), 1);
  assert.deepEqual(resumed.map(brief), ['ADDED b']);
  const initial = await readEvents(await call('GET', '/api/v1/namespaces/demo/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan'), 2);
  assert.deepEqual(initial.map((e) => e.type), ['ADDED', 'BOOKMARK']);
  assert.equal(initial[1]?.object['metadata']['annotations']['k8s.io/initial-events-end'], 'true');
});

test('watch: a resourceVersion older than the history is an ERROR event with 410 Expired', async () => {
  const clock = fakeClock();
  const store = new ObjectStore({ clock, idGenerator: counterIds(), historySize: 1 });
  const server = createApiServer({ store, token: TOKEN, clock, tls: 'none', bookmarkIntervalMs: 0 });
  for (const name of ['a', 'b', 'c', 'd']) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const res = await server.fetch(new Request('http://127.0.0.1/api/v1/namespaces?watch=1&resourceVersion=1', { headers: { authorization: `Bearer ${TOKEN}` } }));
  assert.equal(res.status, 200);
  const [event] = await readEvents(res, 1);
  assert.equal(event?.type, 'ERROR');
  assert.equal(event?.object['code'], 410);
  assert.equal(event?.object['reason'], 'Expired');
});

test('watch: timeoutSeconds ends the stream', async () => {
  const { call } = testServer();
  const started = Date.now();
  const events = await readEvents(await call('GET', '/api/v1/nodes?watch=1&timeoutSeconds=1'), 1);
  assert.deepEqual(events, []);
  assert.ok(Date.now() - started >= 900);
});

test('watch: a bad label selector is a 400 before streaming', async () => {
  const { call } = testServer();
  const res = await call('GET', '/api/v1/pods?watch=1&labelSelector=a%20in%20(');
  assert.equal(res.status, 400);
  assert.equal((await res.json() as { reason: string }).reason, 'BadRequest');
});

test('watch as Table (kubectl get -w): each event carries a one-row Table', async () => {
  const { call } = testServer();
  await call('POST', '/api/v1/namespaces', { body: NS_DEMO });
  const [event] = await readEvents(await call('GET', '/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Ddemo', {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  }), 1);
  assert.equal(event?.object['kind'], 'Table');
  assert.deepEqual(event?.object['rows'][0]['cells'], ['demo', 'Active', '0s']);
});
