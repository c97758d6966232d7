// Where committed writes go before they are acknowledged. The store applies a write to
// memory and tells watchers only after `commit` returned; a disk store (disk-persistence.ts)
// makes it durable, the in-memory one keeps nothing (tests, `--ephemeral` use).
import type { SnapshotData, SnapshotState } from './snapshot-file.ts';
import type { WalRecord } from './wal.ts';

export interface LoadedState {
  /** The compacted state, or an empty one at rv 0. */
  readonly snapshot: SnapshotData;
  /** Writes after the snapshot, in order, to replay. */
  readonly records: readonly WalRecord[];
}

export interface Persistence {
  load(): LoadedState;
  /** Durable on return; throws (and nothing is stored) when the write could not be made durable. */
  commit(record: WalRecord): void;
  /**
   * Called after each applied commit. When the log has grown enough, captures `state()`
   * (cheap: frozen objects by reference) and snapshots it — a disk store in the
   * background, so this returns without waiting for the snapshot.
   */
  compactIfDue(state: () => SnapshotState): void;
  /** Writes a snapshot of `state` now and empties the log. */
  compact(state: SnapshotState): void;
  close(): void;
}

export function memoryPersistence(): Persistence {
  return {
    load: () => ({ snapshot: { rv: 0, objects: [] }, records: [] }),
    commit: () => undefined,
    compactIfDue: () => undefined,
    compact: () => undefined,
    close: () => undefined,
  };
}
