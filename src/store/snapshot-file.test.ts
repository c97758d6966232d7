// The snapshot text written in chunks is exactly the one JSON.stringify gives for the
// whole snapshot (so snapshots written before chunking and after read the same), for any
// chunk size, and written to disk it reads back as the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { deepFreeze } from './json-value.ts';
import type { SnapshotState } from './snapshot-file.ts';
import { SNAPSHOT_FORMAT, readSnapshot, snapshotChunks, writeSnapshot, writeSnapshotTemp } from './snapshot-file.ts';
import type { StoredObject } from './store-object.ts';
import { tempDir } from './test-support.ts';

function object(name: string, extra: Record<string, unknown> = {}): StoredObject {
  return deepFreeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: '1', creationTimestamp: 't', labels: { 'a"b': 'é\n' } }, ...extra });
}

const STATES: { name: string; state: SnapshotState }[] = [
  { name: 'empty', state: { rv: 0, resources: [] } },
  { name: 'a resource without objects', state: { rv: 3, resources: [['/v1/pods', []]] } },
  {
    name: 'several resources, strings that need escaping',
    state: { rv: 42, resources: [['/v1/pods', [object('a'), object('b', { spec: { x: [1, 2, null] } })]], ['/v1/namespaces', []], ['networking.k8s.io/v1/networkpolicies', [object('p')]]] },
  },
];

for (const { name, state } of STATES) {
  test(`snapshotChunks: the same text as one JSON.stringify, whatever the chunk size (${name})`, () => {
    const whole = JSON.stringify({ format: SNAPSHOT_FORMAT, rv: state.rv, objects: state.resources.flatMap(([resource, objects]) => objects.map((o) => ({ resource, object: o }))) });
    for (const chunkChars of [1, 30, 200, 1 << 20]) {
      const chunks = [...snapshotChunks(state, chunkChars)];
      assert.equal(chunks.join(''), whole, `chunkChars ${chunkChars}`);
      if (chunkChars === 1) assert.equal(chunks.length, state.resources.reduce((n, [, objects]) => n + objects.length, 0) + 1);
    }
  });
}

test('writeSnapshot and writeSnapshotTemp write what readSnapshot reads back', async (t) => {
  const dir = tempDir(t);
  const state = STATES[2]?.state;
  assert.ok(state !== undefined);
  const want = { rv: 42, objects: state.resources.flatMap(([resource, objects]) => objects.map((o) => ({ resource, object: o }))) };
  const file = path.join(dir, 'snapshot.json');
  writeSnapshot(file, state, 10);
  assert.deepEqual(readSnapshot(file), want);
  const tmp = path.join(dir, 'other.tmp');
  const size = await writeSnapshotTemp(tmp, state, { chunkChars: 10, syncEveryBytes: 50, cancelled: () => false });
  assert.equal(size, Buffer.byteLength(JSON.stringify({ format: SNAPSHOT_FORMAT, ...want })));
  assert.deepEqual(readSnapshot(tmp), want);
});
