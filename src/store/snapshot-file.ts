// The compacted state: every object with its resource and the resourceVersion it is
// current to, written atomically (temp file, fsync, rename, fsync of the directory) so a
// crash leaves either the old snapshot or the new one, never a mix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isJsonObject } from './json-value.ts';
import type { StoredObject } from './store-object.ts';

export const SNAPSHOT_FORMAT = 'palisade-store/1';

export interface SnapshotEntry {
  readonly resource: string;
  readonly object: StoredObject;
}

export interface SnapshotData {
  readonly rv: number;
  readonly objects: readonly SnapshotEntry[];
}

export class SnapshotCorruptError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: unreadable store snapshot (${detail}). Snapshots are replaced atomically, so this is disk corruption or an edit by hand; restore the store directory from a backup.`);
    this.name = 'SnapshotCorruptError';
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

export function writeSnapshot(file: string, data: SnapshotData): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(JSON.stringify({ format: SNAPSHOT_FORMAT, rv: data.rv, objects: data.objects }), 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
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
