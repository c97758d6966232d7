// Background compaction of the disk store: what triggers it (log bytes against the last
// snapshot's size), that it stays off the write path (writes return and land in the new
// log while it runs, observed through its step hook and the files, never through timing),
// that close() or a foreground compaction abandons it cleanly, and that the directory
// opens to the acknowledged state whatever step a crash catches it at — checked by copying
// the directory at each step (every file is fsynced there, so a copy is what a crash
// leaves) and by leftover segments and temp files made by hand. The SIGKILL test of a
// real process is in persistence.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CompactionStep, DiskPersistenceOptions } from './disk-persistence.ts';
import { DiskPersistence } from './disk-persistence.ts';
import { ObjectStore } from './object-store.ts';
import { readSnapshot } from './snapshot-file.ts';
import { NETPOL, NS, POD, counterIds, fakeClock, namespace, pod, policy, tempDir } from './test-support.ts';
import { WalCorruptError, readWal } from './wal.ts';

let opens = 0;

function openDisk(dir: string, opts: DiskPersistenceOptions = {}): { disk: DiskPersistence; store: ObjectStore } {
  const disk = new DiskPersistence(dir, opts);
  const store = new ObjectStore({ clock: fakeClock(), idGenerator: counterIds(`u${++opens}`), systemNamespaces: [], persistence: disk });
  return { disk, store };
}

function dump(s: ObjectStore): string[] {
  return [NS, POD, NETPOL].flatMap((r) => s.list(r).items.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} rv=${o.metadata.resourceVersion} uid=${o.metadata.uid} labels=${JSON.stringify(o.metadata.labels ?? {})}`));
}

function reopenedDump(dir: string): { dump: string[]; rv: string } {
  const { store } = openDisk(dir);
  try {
    return { dump: dump(store), rv: store.resourceVersion };
  } finally {
    store.close();
  }
}

function files(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f !== 'lock').sort();
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

/** A pod whose log record is about `bytes` long. */
function fatPod(name: string, gen: number, bytes = 400): Parameters<ObjectStore['create']>[0] {
  return pod('demo', name, undefined, { metadata: { name, namespace: 'demo', labels: { gen: String(gen) }, annotations: { pad: 'x'.repeat(bytes) } } });
}

const TRIGGER_CASES: { name: string; opts: DiskPersistenceOptions }[] = [
  { name: 'the minimum alone (ratio 0)', opts: { compactMinBytes: 3000, compactRatio: 0 } },
  { name: 'the ratio once the snapshot is bigger than the minimum', opts: { compactMinBytes: 1000, compactRatio: 0.5 } },
  { name: 'a ratio above 1', opts: { compactMinBytes: 1, compactRatio: 1.5 } },
];

for (const c of TRIGGER_CASES) {
  test(`size trigger: a compaction starts on the write that takes the log past max(compactMinBytes, compactRatio × snapshot bytes), not before (${c.name})`, async (t) => {
    const dir = tempDir(t);
    const { disk, store } = openDisk(dir, c.opts);
    store.create(namespace('demo'));
    await disk.idle();
    let compactions = 0;
    for (let i = 0; i < 120; i++) {
      const snapshotFile = path.join(dir, 'snapshot.json');
      const snapshotBytes = fs.existsSync(snapshotFile) ? fs.statSync(snapshotFile).size : 0;
      const threshold = Math.max(c.opts.compactMinBytes ?? 0, (c.opts.compactRatio ?? 0) * snapshotBytes);
      store.create(fatPod(`p${i}`, i));
      // Rotation moves the log's bytes into a segment: logBytes is the log's size either way.
      assert.equal(disk.compacting, disk.logBytes > threshold, `write ${i}: log ${disk.logBytes} bytes, threshold ${threshold}`);
      if (disk.compacting) {
        compactions++;
        await disk.idle();
        assert.equal(disk.logBytes, 0);
        assert.deepEqual(files(dir), ['snapshot.json', 'wal.log']);
        assert.equal(readSnapshot(snapshotFile)?.rv, Number(store.resourceVersion));
      }
    }
    assert.ok(compactions >= 2, `${compactions} compactions`);
    const before = dump(store);
    store.close();
    assert.deepEqual(reopenedDump(dir).dump, before);
  });
}

test('off the write path: the write that starts a compaction and the writes during it return while it still runs; they go to the new log', async (t) => {
  const dir = tempDir(t);
  const held = gate();
  const { disk, store } = openDisk(dir, {
    compactMinBytes: 2000, compactRatio: 0,
    onCompactionStep: (step) => (step === 'rotated' ? held.wait : undefined),
  });
  store.create(namespace('demo'));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  const rvAtRotation = Number(store.resourceVersion);
  // The write returned; its compaction has only rotated the log.
  assert.deepEqual(files(dir), ['wal.1.log', 'wal.log']);
  for (let j = 0; j < 20; j++) {
    store.update(fatPod('p0', j + 1));
    await nextTurn();
  }
  assert.equal(disk.compacting, true);
  assert.deepEqual(files(dir), ['wal.1.log', 'wal.log'], 'no snapshot was written meanwhile');
  assert.deepEqual(readWal(path.join(dir, 'wal.log')).records.map((r) => r.rv), Array.from({ length: 20 }, (_, j) => rvAtRotation + 1 + j));
  held.open();
  await disk.idle();
  assert.deepEqual(files(dir), ['snapshot.json', 'wal.log']);
  assert.equal(readSnapshot(path.join(dir, 'snapshot.json'))?.rv, rvAtRotation);
  const before = dump(store);
  store.close();
  assert.deepEqual(reopenedDump(dir).dump, before);
});

test('the snapshot is written across event-loop turns: writes interleave with it, and it holds the state at the rotation', async (t) => {
  const dir = tempDir(t);
  let writesBeforeWritten: number | undefined;
  let writes = 0;
  const { disk, store } = openDisk(dir, {
    compactMinBytes: 30_000, compactRatio: 0, snapshotChunkChars: 300,
    onCompactionStep: (step) => { if (step === 'written') writesBeforeWritten = writes; },
  });
  store.create(namespace('demo'));
  store.create(pod('demo', 'a', { v: 'before' }));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  const rvAtRotation = Number(store.resourceVersion);
  while (disk.compacting) {
    store.update(pod('demo', 'a', { v: `during-${++writes}` }));
    await nextTurn();
  }
  assert.ok(writesBeforeWritten !== undefined && writesBeforeWritten > 10, `${writesBeforeWritten} writes while the snapshot was serialised`);
  const snapshot = readSnapshot(path.join(dir, 'snapshot.json'));
  assert.equal(snapshot?.rv, rvAtRotation);
  const a = snapshot?.objects.find((e) => e.object.metadata.name === 'a');
  assert.deepEqual(a?.object.metadata.labels, { v: 'before' });
  assert.equal(snapshot?.objects.length, i + 2);
  const before = dump(store);
  store.close();
  assert.deepEqual(reopenedDump(dir).dump, before);
});

test('close() during a compaction abandons it: no error, no temp file, no snapshot from it; a reopen in the same process has every write', async (t) => {
  const dir = tempDir(t);
  const held = gate();
  const errors: unknown[] = [];
  const { disk, store } = openDisk(dir, {
    compactMinBytes: 2000, compactRatio: 0,
    onCompactionError: (e) => errors.push(e),
    onCompactionStep: (step) => (step === 'written' ? held.wait : undefined),
  });
  store.create(namespace('demo'));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  while (!files(dir).some((f) => f.endsWith('.tmp'))) await nextTurn();
  store.update(fatPod('p0', 1));
  const before = dump(store);
  store.close();
  // Reopened while the abandoned compaction still holds its fully written temp file.
  const second = openDisk(dir);
  assert.deepEqual(files(dir), ['wal.1.log', 'wal.log'], 'the temp file is removed on open');
  assert.deepEqual(dump(second.store), before);
  held.open();
  await disk.idle();
  assert.deepEqual(files(dir), ['wal.1.log', 'wal.log'], 'the abandoned compaction installs nothing and deletes nothing');
  second.store.create(pod('demo', 'after'));
  const after = dump(second.store);
  second.store.close();
  assert.deepEqual(reopenedDump(dir).dump, after);
  assert.deepEqual(errors, []);
});

test('close() while the snapshot is being serialised: the compaction stops at its next chunk and removes its temp file', async (t) => {
  const dir = tempDir(t);
  const errors: unknown[] = [];
  const { disk, store } = openDisk(dir, { compactMinBytes: 20_000, compactRatio: 0, snapshotChunkChars: 200, onCompactionError: (e) => errors.push(e) });
  store.create(namespace('demo'));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  while (!files(dir).some((f) => f.endsWith('.tmp'))) await nextTurn();
  const before = dump(store);
  store.close();
  await disk.idle();
  assert.deepEqual(files(dir), ['wal.1.log', 'wal.log']);
  assert.deepEqual(errors, []);
  assert.deepEqual(reopenedDump(dir).dump, before);
});

test('a foreground compact() during a background compaction supersedes it: the newer snapshot stays, the log is empty', async (t) => {
  const dir = tempDir(t);
  const held = gate();
  const errors: unknown[] = [];
  const { disk, store } = openDisk(dir, {
    compactMinBytes: 2000, compactRatio: 0,
    onCompactionError: (e) => errors.push(e),
    onCompactionStep: (step) => (step === 'written' ? held.wait : undefined),
  });
  store.create(namespace('demo'));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  while (!files(dir).some((f) => f.endsWith('.tmp'))) await nextTurn();
  store.update(fatPod('p0', 7));
  store.compact();
  held.open();
  await disk.idle();
  assert.deepEqual(files(dir), ['snapshot.json', 'wal.log']);
  assert.equal(readSnapshot(path.join(dir, 'snapshot.json'))?.rv, Number(store.resourceVersion));
  assert.equal(disk.logBytes, 0);
  assert.deepEqual(errors, []);
  const before = dump(store);
  store.close();
  assert.deepEqual(reopenedDump(dir).dump, before);
});

test('crash at each step of a compaction (the directory copied there) opens to exactly the writes made until then', async (t) => {
  const dir = tempDir(t);
  const copies: { at: string; dir: string; dump: string[]; rv: string; files: string[] }[] = [];
  // The hooks run only after the write that started the compaction returned: `opened` is set by then.
  const copy = (at: string): void => {
    const store = opened.store;
    const to = tempDir(t, `palisade-crash-${at}-`);
    fs.cpSync(dir, to, { recursive: true, filter: (src) => !path.basename(src).startsWith('lock') });
    copies.push({ at, dir: to, dump: dump(store), rv: store.resourceVersion, files: files(to) });
  };
  const opened = openDisk(dir, {
    compactMinBytes: 8000, compactRatio: 0, snapshotChunkChars: 200,
    onCompactionStep: (step: CompactionStep) => {
      // A write made during the compaction, then the directory as a crash would leave it.
      opened.store.update(fatPod('p0', copies.length + 100));
      copy(step);
    },
  });
  const store = opened.store;
  store.create(namespace('demo'));
  let i = 0;
  while (!opened.disk.compacting) store.create(fatPod(`p${i++}`, 0));
  copy('rotation');
  let midWrite = false;
  while (opened.disk.compacting) {
    if (!midWrite && files(dir).some((f) => f.endsWith('.tmp')) && !copies.some((c) => c.at === 'written')) {
      midWrite = true;
      copy('serialising');
    }
    await nextTurn();
  }
  assert.deepEqual(copies.map((c) => c.at), ['rotation', 'rotated', 'serialising', 'written', 'installed', 'done']);
  const layouts = Object.fromEntries(copies.map((c) => [c.at, c.files.map((f) => f.replace(/^snapshot\.json\.[0-9a-f]+\.tmp$/, 'snapshot.json.<token>.tmp'))]));
  assert.deepEqual(layouts, {
    rotation: ['wal.1.log', 'wal.log'],
    rotated: ['wal.1.log', 'wal.log'],
    serialising: ['snapshot.json.<token>.tmp', 'wal.1.log', 'wal.log'],
    written: ['snapshot.json.<token>.tmp', 'wal.1.log', 'wal.log'],
    installed: ['snapshot.json', 'wal.1.log', 'wal.log'],
    done: ['snapshot.json', 'wal.log'],
  });
  for (const c of copies) {
    assert.deepEqual(reopenedDump(c.dir), { dump: c.dump, rv: c.rv }, `crash at ${c.at}`);
    assert.ok(!fs.readdirSync(c.dir).some((f) => f.endsWith('.tmp')), `crash at ${c.at}: the temp file is removed on open`);
  }
  store.close();
});

test('load: segments are read in number order (wal.2 before wal.10), then wal.log; leftover temp files and retired snapshots are removed', async (t) => {
  const dir = tempDir(t);
  const s1 = openDisk(dir).store;
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  s1.close();
  fs.renameSync(path.join(dir, 'wal.log'), path.join(dir, 'wal.2.log'));
  const s2 = openDisk(dir).store;
  s2.create(pod('demo', 'b'));
  s2.update(pod('demo', 'a', { v: '2' }));
  s2.close();
  fs.renameSync(path.join(dir, 'wal.log'), path.join(dir, 'wal.10.log'));
  const s3 = openDisk(dir).store;
  s3.create(policy('demo', 'p'));
  const before = dump(s3);
  s3.close();
  fs.writeFileSync(path.join(dir, 'snapshot.json.tmp'), '{"format":"palisade-store/1","rv":');
  fs.writeFileSync(path.join(dir, 'snapshot.json.0123abcd.tmp'), '');
  fs.writeFileSync(path.join(dir, 'snapshot.json.0123abcd.old'), '{"format":"palisade-store/1","rv":0,"objects":[]}');
  const { disk, store } = openDisk(dir, { compactMinBytes: 1, compactRatio: 0 });
  assert.deepEqual(dump(store), before);
  assert.equal(store.resourceVersion, '5');
  assert.deepEqual(files(dir), ['wal.10.log', 'wal.2.log', 'wal.log']);
  // The next compaction covers the leftover segments too.
  store.create(pod('demo', 'c'));
  assert.deepEqual(files(dir), ['wal.10.log', 'wal.11.log', 'wal.2.log', 'wal.log']);
  await disk.idle();
  assert.deepEqual(files(dir), ['snapshot.json', 'wal.log']);
  const after = dump(store);
  store.close();
  assert.deepEqual(reopenedDump(dir).dump, after);
});

test('load: a crash right after the log was renamed (no wal.log) loses nothing', (t) => {
  const dir = tempDir(t);
  const s1 = openDisk(dir).store;
  s1.create(namespace('demo'));
  s1.create(pod('demo', 'a'));
  const before = dump(s1);
  s1.close();
  fs.renameSync(path.join(dir, 'wal.log'), path.join(dir, 'wal.1.log'));
  assert.deepEqual(reopenedDump(dir), { dump: before, rv: '2' });
});

const CORRUPTION_CASES: { name: string; damage: (dir: string) => void; want: RegExp }[] = [
  {
    name: 'a closed segment with a torn tail (it was complete when rotated)',
    damage: (dir) => fs.appendFileSync(path.join(dir, 'wal.1.log'), '{"rv":99,"ops":[{"op":"put"'),
    want: /wal\.1\.log:3: .*closed log segment/,
  },
  {
    name: 'a missing segment (its writes would be lost)',
    damage: (dir) => fs.rmSync(path.join(dir, 'wal.1.log')),
    want: /wal\.2\.log:1: .*starts at resourceVersion 3 but .* end at 0/,
  },
];

for (const c of CORRUPTION_CASES) {
  test(`corruption: ${c.name} fails loudly`, (t) => {
    const dir = tempDir(t);
    const s1 = openDisk(dir).store;
    s1.create(namespace('demo'));
    s1.create(pod('demo', 'a'));
    s1.close();
    fs.renameSync(path.join(dir, 'wal.log'), path.join(dir, 'wal.1.log'));
    const s2 = openDisk(dir).store;
    s2.create(pod('demo', 'b'));
    s2.create(pod('demo', 'c'));
    s2.close();
    fs.renameSync(path.join(dir, 'wal.log'), path.join(dir, 'wal.2.log'));
    c.damage(dir);
    assert.throws(() => openDisk(dir), (e: unknown) => e instanceof WalCorruptError && c.want.test(e.message));
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'the lock is released');
  });
}

test('a failed compaction is reported once and retried only after the log grew by another threshold', async (t) => {
  const dir = tempDir(t);
  const errors: unknown[] = [];
  let fail = true;
  const { disk, store } = openDisk(dir, {
    compactMinBytes: 2000, compactRatio: 0,
    onCompactionError: (e) => errors.push(e),
    onCompactionStep: (step) => {
      if (step === 'rotated' && fail) {
        fail = false;
        throw new Error('disk full');
      }
    },
  });
  store.create(namespace('demo'));
  let i = 0;
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  await disk.idle();
  assert.deepEqual(errors.map((e) => (e as Error).message), ['disk full']);
  const failedAt = disk.logBytes;
  assert.ok(failedAt > 2000);
  store.create(fatPod(`p${i++}`, 0));
  assert.equal(disk.compacting, false, 'not retried on the next write');
  while (!disk.compacting) store.create(fatPod(`p${i++}`, 0));
  assert.ok(disk.logBytes > failedAt + 2000, `retried at ${disk.logBytes} bytes, failed at ${failedAt}`);
  await disk.idle();
  assert.equal(errors.length, 1);
  assert.deepEqual(files(dir), ['snapshot.json', 'wal.log'], 'the retry covered the failed attempt\'s segment too');
  const before = dump(store);
  store.close();
  assert.deepEqual(reopenedDump(dir).dump, before);
});
