// Bulk loads for the benchmarks: a store persistence whose commits are not written, so
// 100k+ creates cost no fsync each; the state reaches the disk only through compact()
// (one snapshot of the store's own state at the end, as a restore would write it).
import type { DiskPersistence } from '../../src/store/disk-persistence.ts';
import type { Persistence } from '../../src/store/persistence.ts';

export function deferredPersistence(disk: DiskPersistence): Persistence {
  return {
    load: () => disk.load(),
    commit: () => undefined,
    compactIfDue: () => undefined,
    compact: (state) => disk.compact(state),
    close: () => disk.close(),
  };
}
