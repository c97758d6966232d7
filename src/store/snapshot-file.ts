// The compacted state: every object with its resource and the resourceVersion it is
// current to, written to a temp file that is fsynced and then renamed over the snapshot
// (and the directory fsynced), so a crash leaves either the old snapshot or the new one,
// never a mix. The text is produced in chunks of about `chunkChars`, so a background
// compaction (disk-persistence.ts) can write a 100 MB snapshot a chunk per event-loop
// turn; the foreground writer uses the same chunks (no 100 MB string either).
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isJsonObject } from './json-value.ts';
import type { StoredObject } from './store-object.ts';

export const SNAPSHOT_FORMAT = 'palisade-store/1';

export interface SnapshotEntry {
  readonly resource: string;
  readonly object: StoredObject;
}

/** A snapshot as read back. */
export interface SnapshotData {
  readonly rv: number;
  readonly objects: readonly SnapshotEntry[];
}

/**
 * What a snapshot is written from: each resource with its objects. The objects are the
 * store's own deep-frozen values, captured by reference (an array of them per resource
 * is a cheap point-in-time copy even at 100k objects), so the store may go on writing
 * while this is serialised.
 */
export interface SnapshotState {
  readonly rv: number;
  readonly resources: readonly (readonly [resource: string, objects: readonly StoredObject[]])[];
}

export class SnapshotCorruptError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: unreadable store snapshot (${detail}). Snapshots are replaced atomically, so this is disk corruption or an edit by hand; restore the store directory from a backup.`);
    this.name = 'SnapshotCorruptError';
  }
}

/**
 * Temp files of snapshots being written (`snapshot.json.tmp`, `snapshot.json.<token>.tmp`)
 * and replaced snapshots not yet removed (`snapshot.json.<token>.old`): garbage once the
 * process that made them is gone.
 */
export function isSnapshotLeftover(fileName: string, snapshotName: string): boolean {
  return fileName.startsWith(`${snapshotName}.`) && (fileName.endsWith('.tmp') || fileName.endsWith('.old'));
}

/** fsync of a directory in the thread pool. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The snapshot's JSON text in pieces of at least `chunkChars` (but whole objects); the same text as one JSON.stringify. */
export function* snapshotChunks(state: SnapshotState, chunkChars: number): Generator<string> {
  let chunk = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"rv":${state.rv},"objects":[`;
  let first = true;
  for (const [resource, objects] of state.resources) {
    const prefix = `{"resource":${JSON.stringify(resource)},"object":`;
    for (const object of objects) {
      chunk += `${first ? '' : ','}${prefix}${JSON.stringify(object)}}`;
      first = false;
      if (chunk.length >= chunkChars) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield `${chunk}]}`;
}

function writeAllSync(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += (await fh.write(bytes, written, bytes.length - written)).bytesWritten;
}

/** Writes the snapshot atomically, blocking; returns its size in bytes. */
export function writeSnapshot(file: string, state: SnapshotState, chunkChars = 1 << 20): number {
  const tmp = `${file}.tmp`;
  let size = 0;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const chunk of snapshotChunks(state, chunkChars)) {
      const bytes = Buffer.from(chunk, 'utf8');
      writeAllSync(fd, bytes);
      size += bytes.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  installSnapshot(tmp, file);
  return size;
}

export interface BackgroundWriteOptions {
  /** Serialised per event-loop turn. */
  readonly chunkChars: number;
  /**
   * The written part is flushed (fdatasync) every this many bytes: a large amount of
   * dirty snapshot data would otherwise be written out inside the log's next fsync
   * (ext4 commits them together), stalling the foreground write the compaction was
   * moved away from.
   */
  readonly syncEveryBytes: number;
  /** Checked before each chunk: true stops the write (the temp file is removed). */
  readonly cancelled: () => boolean;
}

/**
 * Writes the snapshot to `tmp` and fsyncs it, without blocking the event loop for longer
 * than one chunk's serialisation; the caller installs it (swapSnapshot) when it still
 * wants to. Returns the size, or undefined when cancelled. The temp file is removed on
 * cancellation and on failure.
 */
export async function writeSnapshotTemp(tmp: string, state: SnapshotState, opts: BackgroundWriteOptions): Promise<number | undefined> {
  const fh = await fsp.open(tmp, 'w');
  let size = 0;
  let complete = false;
  // The next chunk is serialised while the previous one is being written.
  let pending: Promise<void> | undefined;
  try {
    let unsynced = 0;
    for (const chunk of snapshotChunks(state, opts.chunkChars)) {
      const bytes = Buffer.from(chunk, 'utf8');
      if (pending !== undefined) await pending;
      if (opts.cancelled()) return undefined;
      if (unsynced >= opts.syncEveryBytes) {
        await fh.datasync();
        unsynced = 0;
        if (opts.cancelled()) return undefined;
      }
      pending = writeAll(fh, bytes);
      size += bytes.length;
      unsynced += bytes.length;
    }
    if (pending !== undefined) await pending;
    await fh.sync();
    complete = !opts.cancelled();
    return complete ? size : undefined;
  } finally {
    await pending?.catch(() => undefined);
    await fh.close();
    if (!complete) await fsp.rm(tmp, { force: true });
  }
}

/** Renames a written, fsynced temp file over the snapshot and makes the rename durable. */
function installSnapshot(tmp: string, file: string): void {
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/**
 * Renames a written, fsynced temp file over the snapshot, keeping the previous snapshot
 * as a second name `retired` (returns whether there was one): a rename that drops the
 * last name of a 100 MB file frees it inside the rename (~16 ms for 75 MB), which the
 * caller can instead do in the thread pool by removing `retired`. The rename is durable
 * once the directory is fsynced (fsyncDirAsync).
 */
export function swapSnapshot(tmp: string, file: string, retired: string): boolean {
  let kept = true;
  try {
    fs.linkSync(file, retired);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    kept = false;
  }
  fs.renameSync(tmp, file);
  return kept;
}

/** The snapshot, or undefined when there is none yet. */
export function readSnapshot(file: string): SnapshotData | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SnapshotCorruptError(file, err instanceof Error ? err.message : String(err));
  }
  if (!isJsonObject(value) || value['format'] !== SNAPSHOT_FORMAT) throw new SnapshotCorruptError(file, `not a ${SNAPSHOT_FORMAT} snapshot`);
  const { rv, objects } = value;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv < 0) throw new SnapshotCorruptError(file, 'rv is not a non-negative integer');
  if (!Array.isArray(objects) || !objects.every((e) => isJsonObject(e) && typeof e['resource'] === 'string' && isJsonObject(e['object']))) {
    throw new SnapshotCorruptError(file, 'objects is not a list of {resource, object}');
  }
  return { rv, objects: objects as SnapshotEntry[] };
}
