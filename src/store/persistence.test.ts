// Durability of the disk store: state survives close/reopen and compaction; a torn last
// log record is cut off while a corrupt one in the middle fails loudly; and every write a
// process acknowledged survives SIGKILL of that process (the crash test: a child writes
// and acknowledges on stdout, is killed mid-stream, and the store is reopened).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from './open-store.ts';
import type { OpenStoreOptions } from './open-store.ts';
import type { ObjectStore } from './object-store.ts';
import { WalCorruptError } from './wal.ts';
import { SnapshotCorruptError } from './snapshot-file.ts';
import { NETPOL, NS, POD, counterIds, fakeClock, namespace, pod, policy, tempDir } from './test-support.ts';

let opens = 0;

/** Each open gets its own uid prefix, so a reopened store reusing uids would show. */
function open(dir: string, extra: Partial<OpenStoreOptions> = {}): ObjectStore {
  return openStore({ dir, clock: fakeClock(), idGenerator: counterIds(`u${++opens}`), systemNamespaces: [], ...extra });
}

function dump(s: ObjectStore): string[] {
  return [NS, POD, NETPOL].flatMap((r) => s.list(r).items.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} rv=${o.metadata.resourceVersion} uid=${o.metadata.uid} labels=${JSON.stringify(o.metadata.labels ?? {})}`));
}

function writeSome(s: ObjectStore): void {
  s.create(namespace('demo'));
  s.create(namespace('gone'));
  s.create(pod('demo', 'a', { v: '1' }));
  s.create(pod('gone', 'x'));
  s.create(policy('demo', 'p'));
  s.update(pod('demo', 'a', { v: '2' }));
  s.delete(NS, 'gone');
}

for (const compactEvery of [1000, 3, 1]) {
  test(`reopen: the same objects and resourceVersion (compactEvery ${compactEvery})`, (t) => {
    const dir = tempDir(t);
    const s1 = open(dir, { compactEvery });
    writeSome(s1);
    const before = dump(s1);
    const rv = s1.resourceVersion;
    s1.close();
    const s2 = open(dir, { compactEvery });
    assert.deepEqual(dump(s2), before);
    assert.equal(s2.resourceVersion, rv);
    // The counter continues: no resourceVersion is ever reused.
    assert.equal(s2.create(pod('demo', 'b')).metadata.resourceVersion, String(Number(rv) + 1));
    s2.close();
  });
}

test('reopen: a watch can resume from a version written before the restart (history rebuilt from the log)', (t) => {
  const dir = tempDir(t);
  const s1 = open(dir);
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  s1.create(pod('demo', 'b'));
  s1.close();
  const s2 = open(dir);
  const seen: string[] = [];
  s2.watch(POD, { resourceVersion: '2' }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
  assert.deepEqual(seen, ['ADDED b']);
  s2.close();
});

test('reopen: a log record already covered by the snapshot is skipped (crash between snapshot and log truncation)', (t) => {
  const dir = tempDir(t);
  const s1 = open(dir);
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  const wal = fs.readFileSync(path.join(dir, 'wal.log'));
  s1.compact();
  s1.close();
  fs.writeFileSync(path.join(dir, 'wal.log'), wal);
  const s2 = open(dir);
  assert.deepEqual(s2.list(POD).items.map((p) => p.metadata.name), ['a']);
  assert.equal(s2.resourceVersion, '2');
  s2.close();
});

test('torn tail: a partial last record is cut off; the store opens and keeps writing', (t) => {
  const dir = tempDir(t);
  const s1 = open(dir);
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  s1.close();
  const walFile = path.join(dir, 'wal.log');
  const good = fs.readFileSync(walFile);
  fs.appendFileSync(walFile, '{"rv":3,"ops":[{"op":"put","resource":"/v1/pods","object":{"apiVe');
  const s2 = open(dir);
  assert.equal(s2.resourceVersion, '2');
  assert.equal(fs.readFileSync(walFile).length, good.length, 'the torn bytes are removed');
  s2.create(pod('demo', 'b'));
  s2.close();
  const s3 = open(dir);
  assert.deepEqual(s3.list(POD).items.map((p) => p.metadata.name), ['a', 'b']);
  s3.close();
});

test('torn tail: a complete but unterminated last line, or a garbage last line, counts as torn', (t) => {
  for (const tail of ['{"rv":3,"ops":[]}', '\0\0\0\0\n']) {
    const dir = tempDir(t);
    const s1 = open(dir);
    s1.create(namespace('demo'));
    s1.close();
    fs.appendFileSync(path.join(dir, 'wal.log'), tail);
    const s2 = open(dir);
    assert.equal(s2.resourceVersion, '1', JSON.stringify(tail));
    s2.close();
  }
});

test('corruption: a bad record followed by good ones fails loudly and releases the lock', (t) => {
  const dir = tempDir(t);
  const s1 = open(dir);
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  s1.create(pod('demo', 'b'));
  s1.close();
  const walFile = path.join(dir, 'wal.log');
  const lines = fs.readFileSync(walFile, 'utf8').split('\n');
  lines[1] = `${(lines[1] ?? '').slice(0, 20)}#garbage`;
  fs.writeFileSync(walFile, lines.join('\n'));
  assert.throws(() => open(dir), (e: unknown) => e instanceof WalCorruptError && e.line === 2 && /wal\.log:2: corrupt write-ahead log record/.test(e.message));
  assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
});

test('corruption: an unreadable snapshot fails loudly', (t) => {
  const dir = tempDir(t);
  const s1 = open(dir);
  s1.create(namespace('demo'));
  s1.compact();
  s1.close();
  fs.writeFileSync(path.join(dir, 'snapshot.json'), '{"format":"palisade-store/1","rv":');
  assert.throws(() => open(dir), SnapshotCorruptError);
});

test('crash safety: every write acknowledged before SIGKILL is there after reopening', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'crash-writer-child.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const acked: string[] = [];
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      acked.push(...lines);
      if (acked.length >= 120) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`the writer exited early: ${stderr}`)));
  });
  assert.equal(await exited, 'SIGKILL');
  assert.equal(acked[0], 'ready');
  // The lock still names the dead child: opening steals it.
  assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8').trim(), String(child.pid));
  const s = open(dir);
  try {
    const pods = new Map(s.list(POD, { namespace: 'crash' }).items.map((p) => [p.metadata.name, p]));
    let creates = 0;
    for (const line of acked.slice(1)) {
      const [op, name, gen] = line.split(' ');
      const p = pods.get(name ?? '');
      assert.ok(p !== undefined, `acknowledged ${line} but ${name} is missing`);
      if (op === 'create') creates++;
      if (op === 'update') assert.ok(Number(p.metadata.labels?.['gen']) >= Number(gen), `acknowledged ${line} but gen is ${p.metadata.labels?.['gen']}`);
    }
    assert.ok(creates >= 80);
    // Still writable after the crash.
    s.create(pod('crash', 'after'));
  } finally {
    s.close();
  }
});
