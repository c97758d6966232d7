// Durability of the disk store: state survives close/reopen and compaction; a torn last
// log record is cut off while a corrupt one in the middle fails loudly; and every write a
// process acknowledged survives SIGKILL of that process (the crash test: a child writes
// and acknowledges on stdout, compacting in the background every few dozen writes, is
// killed at chosen moments — also at each step of a compaction — and the store reopened).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskPersistence } from './disk-persistence.ts';
import { ObjectStore } from './object-store.ts';
import type { OpenStoreOptions } from './open-store.ts';
import { WalCorruptError } from './wal.ts';
import { SnapshotCorruptError } from './snapshot-file.ts';
import { NETPOL, NS, POD, counterIds, fakeClock, namespace, pod, policy, tempDir } from './test-support.ts';

let opens = 0;

const disks = new WeakMap<ObjectStore, DiskPersistence>();

/** Each open gets its own uid prefix, so a reopened store reusing uids would show. */
function open(dir: string, extra: Partial<OpenStoreOptions> = {}): ObjectStore {
  const { compactMinBytes, compactRatio, snapshotChunkChars, onCompactionError, onCompactionStep, ...storeOpts } = extra;
  const disk = new DiskPersistence(dir, { compactMinBytes, compactRatio, snapshotChunkChars, onCompactionError, onCompactionStep });
  const store = new ObjectStore({ clock: fakeClock(), idGenerator: counterIds(`u${++opens}`), systemNamespaces: [], ...storeOpts, persistence: disk });
  disks.set(store, disk);
  return store;
}

function dump(s: ObjectStore): string[] {
  return [NS, POD, NETPOL].flatMap((r) => s.list(r).items.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} rv=${o.metadata.resourceVersion} uid=${o.metadata.uid} labels=${JSON.stringify(o.metadata.labels ?? {})}`));
}

/** With `settle`, a background compaction a write started finishes before the next write. */
async function writeSome(s: ObjectStore, settle = false): Promise<void> {
  const writes = [
    () => s.create(namespace('demo')),
    () => s.create(namespace('gone')),
    () => s.create(pod('demo', 'a', { v: '1' })),
    () => s.create(pod('gone', 'x')),
    () => s.create(policy('demo', 'p')),
    () => s.update(pod('demo', 'a', { v: '2' })),
    () => s.delete(NS, 'gone'),
  ];
  for (const w of writes) {
    w();
    if (settle) await disks.get(s)?.idle();
  }
}

const REOPEN_CASES: { name: string; opts: Partial<OpenStoreOptions>; settle: boolean }[] = [
  { name: 'default thresholds (no compaction)', opts: {}, settle: false },
  { name: 'a compaction after every write, each finished before the next write', opts: { compactMinBytes: 1, compactRatio: 0 }, settle: true },
  { name: 'compactions started and abandoned by close()', opts: { compactMinBytes: 1, compactRatio: 0 }, settle: false },
];

for (const c of REOPEN_CASES) {
  test(`reopen: the same objects and resourceVersion (${c.name})`, async (t) => {
    const dir = tempDir(t);
    const errors: unknown[] = [];
    const s1 = open(dir, { ...c.opts, onCompactionError: (e) => errors.push(e) });
    await writeSome(s1, c.settle);
    const before = dump(s1);
    const rv = s1.resourceVersion;
    s1.close();
    const s2 = open(dir, c.opts);
    assert.deepEqual(dump(s2), before);
    assert.equal(s2.resourceVersion, rv);
    // The counter continues: no resourceVersion is ever reused.
    assert.equal(s2.create(pod('demo', 'b')).metadata.resourceVersion, String(Number(rv) + 1));
    s2.close();
    assert.deepEqual(errors, []);
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

type PodState = Map<string, number>;

interface CrashRound {
  /** Acknowledged writes applied to the state before the round. */
  readonly acked: PodState;
  /** Also with the write in flight when the kill came, if any: it may or may not have made it. */
  readonly withPending: PodState;
  readonly acks: number;
  readonly killedMidCompaction: boolean;
  readonly childPid: number | undefined;
}

function applyOp(state: PodState, op: string): PodState {
  const next = new Map(state);
  const [verb, name = '', gen = '0'] = op.split(' ');
  if (verb === 'delete') next.delete(name);
  else next.set(name, Number(gen));
  return next;
}

/**
 * Runs the writer child (crash-writer-child.ts) on `dir` until `killWhen` says so, then
 * SIGKILLs it and reads the rest of what it printed (those writes were acknowledged too).
 */
async function crashRound(dir: string, prefix: string, pauseAt: string, state: PodState, killWhen: (acks: number, acksSincePause: number | undefined) => boolean): Promise<CrashRound> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'crash-writer-child.ts'), dir, prefix, pauseAt], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let acked = state;
  let pending: string | undefined;
  let acks = 0;
  let acksSincePause: number | undefined;
  let compacting = false;
  let killedMidCompaction: boolean | undefined;
  let ready = false;
  let buffered = '';
  const onLine = (line: string): void => {
    if (line === 'ready') ready = true;
    else if (line.startsWith('will ')) pending = line.slice(5);
    else if (line === 'ok') {
      assert.ok(pending !== undefined, 'ok without a write');
      acked = applyOp(acked, pending);
      pending = undefined;
      acks++;
      if (acksSincePause !== undefined) acksSincePause++;
    } else if (line.startsWith('step ')) {
      const step = line.slice(5);
      compacting = step !== 'done';
      if (step === pauseAt) acksSincePause = 0;
    } else assert.fail(`unexpected line from the writer: ${line}`);
    if (killedMidCompaction === undefined && ready && killWhen(acks, acksSincePause)) {
      killedMidCompaction = compacting;
      child.kill('SIGKILL');
    }
  };
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const drained = new Promise<void>((resolve) => child.stdout.on('end', resolve));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  const signal = await exit;
  await drained;
  assert.equal(signal, 'SIGKILL', `the writer exited by itself: ${stderr}`);
  assert.equal(buffered, '', 'a torn line from the writer');
  return {
    acked, withPending: pending === undefined ? acked : applyOp(acked, pending), acks,
    killedMidCompaction: killedMidCompaction === true, childPid: child.pid,
  };
}

test('crash safety: SIGKILL at any moment, also during a background compaction, loses no acknowledged write', async (t) => {
  const dir = tempDir(t);
  // A fixed sequence of kill moments: after a number of writes, or a few writes after the
  // first compaction reached a step (where the child then holds it).
  const rounds: { pauseAt: string; after: number }[] = [
    { pauseAt: '', after: 40 }, { pauseAt: 'rotated', after: 3 }, { pauseAt: '', after: 230 }, { pauseAt: 'written', after: 5 },
    { pauseAt: '', after: 90 }, { pauseAt: 'installed', after: 2 }, { pauseAt: '', after: 170 }, { pauseAt: 'done', after: 4 },
    { pauseAt: '', after: 61 }, { pauseAt: 'rotated', after: 0 },
  ];
  let state: PodState = new Map();
  let midCompaction = 0;
  for (const [i, r] of rounds.entries()) {
    const round = await crashRound(dir, `r${i}`, r.pauseAt, state, (acks, sincePause) => r.pauseAt === '' ? acks >= r.after : sincePause !== undefined && sincePause >= r.after);
    if (round.killedMidCompaction) midCompaction++;
    // The lock still names the dead child: opening steals it.
    assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8').trim(), String(round.childPid));
    const s = open(dir);
    try {
      const actual: PodState = new Map(s.list(POD, { namespace: 'crash' }).items.map((p) => [p.metadata.name, Number(p.metadata.labels?.['gen'])]));
      const matches = (want: PodState): boolean => actual.size === want.size && [...want].every(([name, gen]) => actual.get(name) === gen);
      assert.ok(matches(round.acked) || matches(round.withPending),
        `round ${i} (${JSON.stringify(r)}, ${round.acks} acknowledged writes): the reopened store differs from the acknowledged writes`);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'leftover temp files are removed on open');
      state = actual;
    } finally {
      s.close();
    }
  }
  assert.ok(midCompaction >= 3, `only ${midCompaction} kills landed during a compaction`);
  // Still writable after all the crashes.
  const s = open(dir);
  s.create(pod('crash', 'after'));
  s.close();
});
