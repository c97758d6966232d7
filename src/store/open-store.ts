// Opens the persistent store in a directory: takes its lock, loads snapshot + log, and
// returns an ObjectStore whose every acknowledged write survives a crash (`kill -9`).
import type { DiskPersistenceOptions } from './disk-persistence.ts';
import { DiskPersistence } from './disk-persistence.ts';
import type { StoreOptions } from './object-store.ts';
import { ObjectStore } from './object-store.ts';

export interface OpenStoreOptions extends Omit<StoreOptions, 'persistence'>, DiskPersistenceOptions {
  /** Created when missing. */
  readonly dir: string;
}

/** Throws StoreLockedError when another live process has the directory open, WalCorruptError / SnapshotCorruptError on damaged files. */
export function openStore(opts: OpenStoreOptions): ObjectStore {
  const { dir, compactMinBytes, compactRatio, snapshotChunkChars, onCompactionError, onCompactionStep, ...storeOpts } = opts;
  const persistence = new DiskPersistence(dir, { compactMinBytes, compactRatio, snapshotChunkChars, onCompactionError, onCompactionStep });
  return new ObjectStore({ ...storeOpts, persistence });
}
