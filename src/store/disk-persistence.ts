// A store directory: `lock` (single writer), `snapshot.json` (compacted state at some
// resourceVersion S), closed log segments `wal.<n>.log` and the live log `wal.log`. Every
// commit is appended to wal.log and fsynced before it is acknowledged.
//
// Compaction is triggered by size, as a database's checkpoint: when the log (segments and
// live log) outgrows max(compactMinBytes, compactRatio × the last snapshot's size), so the
// snapshot bytes written per logged byte stay constant whatever the cluster's size. It
// runs off the write path. Inside the write that crossed the threshold only two cheap
// steps happen: the live log is renamed to the next `wal.<n>.log` and a new empty wal.log
// is created (and the directory fsynced), and the store's state is captured by reference
// (its objects are frozen). The snapshot is then serialised a chunk per event-loop turn
// into `snapshot.json.<token>.tmp`, fsynced, renamed over snapshot.json (the previous one
// kept as `snapshot.json.<token>.old` and removed in the thread pool: freeing 100 MB takes
// milliseconds), the directory fsynced, and only then are the segments it covers deleted.
// Writes go on meanwhile; one compaction runs at a time; close() abandons a running one
// (it stops at its next step; a foreground compact() does the same).
//
// Load: the snapshot (rv S), then every segment in number order, then wal.log, skipping
// records with rv <= S; leftover .tmp/.old files are removed. Crash safety, step by step:
// a crash before the rename of wal.log leaves the old layout; after it, the records are in
// wal.<n>.log (a missing wal.log is an empty one), and later appends are acknowledged only
// after the new wal.log's directory entry is fsynced. A half-written temp file and a
// retired snapshot are never read. The snapshot rename is atomic and durable before any
// segment is deleted, so at every moment the snapshot plus the logs present hold every
// acknowledged write, read in order; a segment surviving its deletion only holds records
// <= S, which are skipped. Records after S must continue the resourceVersions without a
// gap (each write takes the next ones), so a lost segment fails loudly instead of
// silently dropping writes.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LoadedState, Persistence } from './persistence.ts';
import type { SnapshotState } from './snapshot-file.ts';
import { fsyncDir, fsyncDirAsync, isSnapshotLeftover, readSnapshot, swapSnapshot, writeSnapshot, writeSnapshotTemp } from './snapshot-file.ts';
import type { StoreLock } from './store-lock.ts';
import { acquireLock } from './store-lock.ts';
import type { WalContents, WalRecord } from './wal.ts';
import { WalCorruptError, WalWriter, readWal } from './wal.ts';

/** Where a background compaction is: the log rotated and state captured; snapshot temp file written and fsynced; snapshot installed; covered segments deleted. */
export type CompactionStep = 'rotated' | 'written' | 'installed' | 'done';

export interface DiskPersistenceOptions {
  /** The log never triggers a compaction below this size; default 4 MiB. */
  readonly compactMinBytes?: number;
  /** A compaction starts when the log exceeds this fraction of the last snapshot's size (and compactMinBytes); default 0.5. */
  readonly compactRatio?: number;
  /** Snapshot text serialised per event-loop turn by a background compaction; default 256 KiB. */
  readonly snapshotChunkChars?: number;
  /** Told when compaction failed (the writes themselves are durable in the log); retried once the log has grown by another threshold. */
  readonly onCompactionError?: (err: unknown) => void;
  /** Awaited after each step of a background compaction: for observing it (tests, benchmarks). */
  readonly onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

const SNAPSHOT = 'snapshot.json';
const LIVE_LOG = 'wal.log';
const SEGMENT = /^wal\.(\d+)\.log$/;
/** Dirty snapshot data flushed this often; see BackgroundWriteOptions.syncEveryBytes. */
const SNAPSHOT_SYNC_EVERY_BYTES = 1 << 20;

interface Segment {
  readonly n: number;
  readonly file: string;
  readonly bytes: number;
}

/** The closed segments in the directory, oldest first. */
function listSegments(dir: string): Segment[] {
  const segments: Segment[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = SEGMENT.exec(name);
    if (m?.[1] === undefined) continue;
    const file = path.join(dir, name);
    segments.push({ n: Number(m[1]), file, bytes: fs.statSync(file).size });
  }
  return segments.sort((a, b) => a.n - b.n);
}

/**
 * The records after the snapshot, checked across files: versions increase from file to
 * file, and the writes after `snapshotRv` continue without a gap.
 */
function recordsAfter(snapshotRv: number, logs: readonly { readonly file: string; readonly contents: WalContents }[]): WalRecord[] {
  const records: WalRecord[] = [];
  let last = 0;
  let lastFile = '';
  let next = snapshotRv + 1;
  for (const { file, contents } of logs) {
    contents.records.forEach((record, i) => {
      if (i === 0 && record.rv <= last) throw new WalCorruptError(file, 1, `rv ${record.rv} does not follow ${last} at the end of ${lastFile}`, 'sequence');
      if (record.rv > snapshotRv) {
        const first = record.rv - record.ops.length + 1;
        if (first !== next) {
          throw new WalCorruptError(file, i + 1, `the record starts at resourceVersion ${first} but the snapshot and the records before it end at ${next - 1}`, 'sequence');
        }
        records.push(record);
        next = record.rv + 1;
      }
      last = record.rv;
    });
    if (contents.records.length > 0) lastFile = file;
  }
  return records;
}

export class DiskPersistence implements Persistence {
  readonly dir: string;
  readonly #snapshotFile: string;
  readonly #walFile: string;
  readonly #minBytes: number;
  readonly #ratio: number;
  readonly #chunkChars: number;
  readonly #onCompactionError: (err: unknown) => void;
  readonly #onCompactionStep: ((step: CompactionStep) => void | Promise<void>) | undefined;
  #lock: StoreLock | undefined;
  #wal: WalWriter | undefined;
  /** Closed segments not yet deleted, oldest first. */
  #segments: Segment[] = [];
  #lastSegment = 0;
  #snapshotBytes = 0;
  /** After a failed compaction: the log must outgrow this before the next attempt. */
  #retryAbove = 0;
  #running: Promise<void> | undefined;
  /** Bumped by close() and compact(): a background compaction started in an older epoch gives up. */
  #epoch = 0;

  /** Takes the directory's lock (throws StoreLockedError when another live process holds it). */
  constructor(dir: string, opts: DiskPersistenceOptions = {}) {
    this.dir = dir;
    this.#snapshotFile = path.join(dir, SNAPSHOT);
    this.#walFile = path.join(dir, LIVE_LOG);
    this.#minBytes = opts.compactMinBytes ?? 4 << 20;
    this.#ratio = opts.compactRatio ?? 0.5;
    this.#chunkChars = opts.snapshotChunkChars ?? 256 << 10;
    this.#onCompactionError = opts.onCompactionError ?? (() => undefined);
    this.#onCompactionStep = opts.onCompactionStep;
    fs.mkdirSync(dir, { recursive: true });
    this.#lock = acquireLock(dir);
  }

  /** Bytes of log not yet covered by a snapshot (closed segments and the live log). */
  get logBytes(): number {
    return this.#segments.reduce((sum, s) => sum + s.bytes, 0) + (this.#wal?.size ?? 0);
  }

  /** Whether a background compaction is under way (including one abandoned and still winding down). */
  get compacting(): boolean {
    return this.#running !== undefined;
  }

  /** Resolves once no background compaction runs. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  load(): LoadedState {
    try {
      for (const name of fs.readdirSync(this.dir)) {
        if (isSnapshotLeftover(name, SNAPSHOT)) fs.rmSync(path.join(this.dir, name), { force: true });
      }
      const snapshot = readSnapshot(this.#snapshotFile) ?? { rv: 0, objects: [] };
      this.#snapshotBytes = fs.existsSync(this.#snapshotFile) ? fs.statSync(this.#snapshotFile).size : 0;
      this.#segments = listSegments(this.dir);
      this.#lastSegment = this.#segments.at(-1)?.n ?? 0;
      const logs = this.#segments.map((s) => ({ file: s.file, contents: readWal(s.file, { closed: true }) }));
      const live = readWal(this.#walFile);
      const records = recordsAfter(snapshot.rv, [...logs, { file: this.#walFile, contents: live }]);
      this.#wal = new WalWriter(this.#walFile, live.validBytes);
      fsyncDir(this.dir);
      return { snapshot, records };
    } catch (err) {
      this.close();
      throw err;
    }
  }

  commit(record: WalRecord): void {
    if (this.#wal === undefined) throw new Error(`store ${this.dir} is not open`);
    this.#wal.append(record);
  }

  compactIfDue(state: () => SnapshotState): void {
    if (this.#wal === undefined || this.#running !== undefined) return;
    if (this.logBytes <= Math.max(this.#threshold(), this.#retryAbove)) return;
    const epoch = this.#epoch;
    let captured: SnapshotState;
    let covered: Segment[];
    try {
      this.#rotate(this.#wal);
      captured = state();
      covered = [...this.#segments];
    } catch (err) {
      this.#failed(err);
      return;
    }
    const run = this.#compactInBackground(epoch, captured, covered)
      .catch((err: unknown) => {
        // After close() (or a foreground compaction) failures of the abandoned run are moot.
        if (this.#epoch === epoch) this.#failed(err);
      })
      .finally(() => {
        this.#running = undefined;
      });
    this.#running = run;
  }

  /** Writes a snapshot of `state` now, blocking, and drops the whole log; a background compaction under way gives up. */
  compact(state: SnapshotState): void {
    if (this.#wal === undefined) throw new Error(`store ${this.dir} is not open`);
    this.#epoch++;
    this.#snapshotBytes = writeSnapshot(this.#snapshotFile, state);
    for (const s of this.#segments) fs.rmSync(s.file, { force: true });
    if (this.#segments.length > 0) fsyncDir(this.dir);
    this.#segments = [];
    this.#wal.reset();
    this.#retryAbove = 0;
  }

  /** Releases the directory; a background compaction under way is abandoned (the next load removes its temp file). */
  close(): void {
    this.#epoch++;
    this.#wal?.close();
    this.#wal = undefined;
    this.#lock?.release();
    this.#lock = undefined;
  }

  #threshold(): number {
    return Math.max(this.#minBytes, this.#ratio * this.#snapshotBytes);
  }

  #failed(err: unknown): void {
    this.#retryAbove = this.logBytes + this.#threshold();
    this.#onCompactionError(err);
  }

  /** Closes the live log as the next segment and starts a new one; nothing to do when it is empty. */
  #rotate(wal: WalWriter): void {
    if (wal.size === 0) return;
    // Never reused, even when this rotation fails half-way: a reused name could replace a segment.
    const n = ++this.#lastSegment;
    const file = path.join(this.dir, `wal.${n}.log`);
    const bytes = wal.size;
    fs.renameSync(this.#walFile, file);
    let next: WalWriter | undefined;
    try {
      next = new WalWriter(this.#walFile);
      // Before anything is appended to the new log: its name must survive a crash.
      fsyncDir(this.dir);
    } catch (err) {
      next?.close();
      // Appends go on to `wal` (now at `file`): it must be the last log again.
      fs.renameSync(file, this.#walFile);
      throw err;
    }
    wal.close();
    this.#wal = next;
    this.#segments.push({ n, file, bytes });
  }

  async #compactInBackground(epoch: number, state: SnapshotState, covered: readonly Segment[]): Promise<void> {
    const cancelled = (): boolean => this.#epoch !== epoch;
    // Nothing of this runs inside the write that started it (not even the step hook).
    await nextTurn();
    await this.#onCompactionStep?.('rotated');
    if (cancelled()) return;
    const token = randomBytes(6).toString('hex');
    const tmp = path.join(this.dir, `${SNAPSHOT}.${token}.tmp`);
    const size = await writeSnapshotTemp(tmp, state, { chunkChars: this.#chunkChars, syncEveryBytes: SNAPSHOT_SYNC_EVERY_BYTES, cancelled });
    if (size === undefined) return;
    // Big files are removed in the thread pool (fsp.rm): freeing them takes milliseconds.
    let installed = false;
    try {
      await this.#onCompactionStep?.('written');
      if (cancelled()) return;
      // Synchronous from the check above: close() or compact() cannot slip in between.
      const retired = path.join(this.dir, `${SNAPSHOT}.${token}.old`);
      const kept = swapSnapshot(tmp, this.#snapshotFile, retired);
      installed = true;
      this.#snapshotBytes = size;
      try {
        await fsyncDirAsync(this.dir);
      } finally {
        if (kept) await fsp.rm(retired, { force: true });
      }
    } finally {
      if (!installed) await fsp.rm(tmp, { force: true });
    }
    await this.#onCompactionStep?.('installed');
    if (cancelled()) return;
    // Only now, with the snapshot durable, may the log it covers go.
    await Promise.all(covered.map((s) => fsp.rm(s.file, { force: true })));
    await fsyncDirAsync(this.dir);
    if (cancelled()) return;
    this.#segments = this.#segments.filter((s) => !covered.includes(s));
    this.#retryAbove = 0;
    await this.#onCompactionStep?.('done');
  }
}
