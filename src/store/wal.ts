// The write-ahead log: one JSON line per committed write (a batch of puts and deletes
// with its last resourceVersion), appended and fsynced before the write is acknowledged.
// On open, a torn last record (a crash mid-append: a partial line, or garbage after the
// last good line) is cut off; an unreadable record followed by good ones is corruption
// and opening fails loudly rather than silently losing acknowledged writes. A closed
// segment (a log rotated away for compaction, see disk-persistence.ts) was complete when
// it was renamed, so there even a bad last record is corruption.
import * as fs from 'node:fs';
import { isJsonObject } from './json-value.ts';
import type { StoredObject } from './store-object.ts';

export interface WalOp {
  readonly op: 'put' | 'delete';
  /** resourceKey, e.g. `networking.k8s.io/v1/networkpolicies`. */
  readonly resource: string;
  /** The object as stored (put) or as deleted, with the deletion's resourceVersion. */
  readonly object: StoredObject;
}

export interface WalRecord {
  /** The resourceVersion of the last op; ops carry consecutive versions ending here. */
  readonly rv: number;
  readonly ops: readonly WalOp[];
}

export class WalCorruptError extends Error {
  readonly path: string;
  readonly line: number;

  /**
   * Why it cannot be a torn tail: records follow it (`followed`), the file is a closed
   * segment (`closed`), or the records across files do not continue (`sequence`).
   */
  constructor(path: string, line: number, detail: string, why: 'followed' | 'closed' | 'sequence' = 'followed') {
    const reason = why === 'followed' ? 'records after it exist'
      : why === 'closed' ? 'the file is a closed log segment, complete when it was rotated'
        : 'acknowledged writes would be missing';
    super(`${path}:${line}: corrupt write-ahead log record (${detail}); ${reason}, so it is not a torn tail. Refusing to open: restore the store directory from a backup or remove the log files (wal.log, wal.<n>.log) to lose the writes after the last snapshot.`);
    this.name = 'WalCorruptError';
    this.path = path;
    this.line = line;
  }
}

export interface WalContents {
  readonly records: readonly WalRecord[];
  /** Bytes of good records; the file is cut to this length when a torn tail was found. */
  readonly validBytes: number;
  readonly tornBytes: number;
}

function checkRecord(value: unknown, previousRv: number): string | undefined {
  if (!isJsonObject(value)) return 'not an object';
  const { rv, ops } = value;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) return 'rv is not a positive integer';
  if (rv <= previousRv) return `rv ${rv} does not follow ${previousRv}`;
  if (!Array.isArray(ops) || ops.length === 0) return 'ops is not a non-empty list';
  for (const op of ops) {
    if (!isJsonObject(op) || (op['op'] !== 'put' && op['op'] !== 'delete') || typeof op['resource'] !== 'string' || !isJsonObject(op['object'])) {
      return 'malformed op';
    }
  }
  return undefined;
}

export interface ReadWalOptions {
  /** A closed segment: no record was being appended to it, so a torn tail is corruption too. */
  readonly closed?: boolean;
}

/** Reads and checks the log; a missing file is an empty log. */
export function readWal(path: string, opts: ReadWalOptions = {}): WalContents {
  let data: Buffer;
  try {
    data = fs.readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, tornBytes: 0 };
    throw err;
  }
  const records: WalRecord[] = [];
  let offset = 0;
  let line = 0;
  let previousRv = 0;
  while (offset < data.length) {
    line++;
    const nl = data.indexOf(0x0a, offset);
    const end = nl < 0 ? data.length : nl + 1;
    const isLast = end >= data.length;
    // A record is acknowledged only after its newline is on disk: no newline means torn.
    if (nl < 0) {
      if (opts.closed === true) throw new WalCorruptError(path, line, 'a closed log segment ends in an unterminated record', 'closed');
      return { records, validBytes: offset, tornBytes: data.length - offset };
    }
    let problem: string | undefined;
    let value: unknown;
    try {
      value = JSON.parse(data.subarray(offset, nl).toString('utf8'));
      problem = checkRecord(value, previousRv);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    if (problem !== undefined) {
      if (isLast && opts.closed !== true) return { records, validBytes: offset, tornBytes: data.length - offset };
      throw new WalCorruptError(path, line, problem, isLast ? 'closed' : 'followed');
    }
    const record = value as WalRecord;
    records.push(record);
    previousRv = record.rv;
    offset = end;
  }
  return { records, validBytes: offset, tornBytes: 0 };
}

/** Appends records durably; the file is opened in append mode and fsynced per record. */
export class WalWriter {
  readonly path: string;
  #fd: number;
  #size: number;
  #broken: Error | undefined;

  /** Opens (creating) the log at `path`, cutting it to `validBytes` first when given. */
  constructor(path: string, validBytes?: number) {
    this.path = path;
    this.#fd = fs.openSync(path, 'a');
    if (validBytes !== undefined && fs.fstatSync(this.#fd).size !== validBytes) {
      fs.ftruncateSync(this.#fd, validBytes);
      fs.fsyncSync(this.#fd);
    }
    this.#size = fs.fstatSync(this.#fd).size;
  }

  get size(): number {
    return this.#size;
  }

  /** Returns only once the record is on stable storage. */
  append(record: WalRecord): void {
    if (this.#broken !== undefined) throw new Error(`write-ahead log ${this.path} is unusable after an earlier failure: ${this.#broken.message}`);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(this.#fd, bytes, written, bytes.length - written);
      fs.fsyncSync(this.#fd);
      this.#size += bytes.length;
    } catch (err) {
      // Cut a partial record off so later appends do not land after garbage.
      try {
        fs.ftruncateSync(this.#fd, this.#size);
        fs.fsyncSync(this.#fd);
      } catch (cutErr) {
        this.#broken = cutErr instanceof Error ? cutErr : new Error(String(cutErr));
      }
      throw err;
    }
  }

  /** Empties the log (after its records went into a durable snapshot). */
  reset(): void {
    fs.ftruncateSync(this.#fd, 0);
    fs.fsyncSync(this.#fd);
    this.#size = 0;
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}
