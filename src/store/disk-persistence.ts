// A store directory: `lock` (single writer), `snapshot.json` (compacted state) and
// `wal.log` (writes since). Every commit is appended and fsynced; after `compactEvery`
// records the state is snapshotted and the log emptied. A crash between the snapshot's
// rename and the log's truncation is harmless: log records at or below the snapshot's
// resourceVersion are skipped on load.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedState, Persistence } from './persistence.ts';
import type { SnapshotData } from './snapshot-file.ts';
import { fsyncDir, readSnapshot, writeSnapshot } from './snapshot-file.ts';
import type { StoreLock } from './store-lock.ts';
import { acquireLock } from './store-lock.ts';
import type { WalRecord } from './wal.ts';
import { WalWriter, readWal } from './wal.ts';

export interface DiskPersistenceOptions {
  /** Records in the log that trigger a snapshot; default 1000. */
  readonly compactEvery?: number;
  /** Told when compaction failed (the write itself is durable in the log; retried later). */
  readonly onCompactionError?: (err: unknown) => void;
}

export class DiskPersistence implements Persistence {
  readonly dir: string;
  readonly #snapshotFile: string;
  readonly #walFile: string;
  readonly #compactEvery: number;
  readonly #onCompactionError: (err: unknown) => void;
  #lock: StoreLock | undefined;
  #wal: WalWriter | undefined;
  #records = 0;

  /** Takes the directory's lock (throws StoreLockedError when another live process holds it). */
  constructor(dir: string, opts: DiskPersistenceOptions = {}) {
    this.dir = dir;
    this.#snapshotFile = path.join(dir, 'snapshot.json');
    this.#walFile = path.join(dir, 'wal.log');
    this.#compactEvery = opts.compactEvery ?? 1000;
    this.#onCompactionError = opts.onCompactionError ?? (() => undefined);
    fs.mkdirSync(dir, { recursive: true });
    this.#lock = acquireLock(dir);
  }

  load(): LoadedState {
    try {
      const snapshot = readSnapshot(this.#snapshotFile) ?? { rv: 0, objects: [] };
      const wal = readWal(this.#walFile);
      this.#wal = new WalWriter(this.#walFile, wal.validBytes);
      fsyncDir(this.dir);
      const records = wal.records.filter((r) => r.rv > snapshot.rv);
      this.#records = wal.records.length;
      return { snapshot, records };
    } catch (err) {
      this.close();
      throw err;
    }
  }

  commit(record: WalRecord): void {
    if (this.#wal === undefined) throw new Error(`store ${this.dir} is not open`);
    this.#wal.append(record);
    this.#records++;
  }

  compactIfDue(state: () => SnapshotData): void {
    if (this.#records >= this.#compactEvery) {
      try {
        this.compact(state());
      } catch (err) {
        this.#onCompactionError(err);
      }
    }
  }

  compact(state: SnapshotData): void {
    if (this.#wal === undefined) throw new Error(`store ${this.dir} is not open`);
    writeSnapshot(this.#snapshotFile, state);
    this.#wal.reset();
    this.#records = 0;
  }

  close(): void {
    this.#wal?.close();
    this.#wal = undefined;
    this.#lock?.release();
    this.#lock = undefined;
  }
}
