// The StatusWriter of the embedded store: sets or removes the `palisade.io/enforcement`
// annotation with an update guarded by the object's resourceVersion, retrying once on a
// conflict (someone changed the object between our read and write).
import type { ObjectStore } from '../store/object-store.ts';
import { isStoreError } from '../store/store-errors.ts';
import type { ObjectInput, StoredObject } from '../store/store-object.ts';
import type { EnforcementReport, ObjectRef, StatusWriter } from './status-writer.ts';
import { ENFORCEMENT_ANNOTATION, formatReport, refText } from './status-writer.ts';

export function storeStatusWriter(store: ObjectStore): StatusWriter {
  const attempt = (ref: ObjectRef, value: string | undefined): 'done' | 'conflict' => {
    const type = store.registry.byKind(ref.apiVersion, ref.kind);
    if (type === undefined) throw new Error(`cannot report on ${refText(ref)}: ${ref.apiVersion} ${ref.kind} is not a resource of the store`);
    let current: StoredObject;
    try {
      current = store.get(type, ref.name, ref.namespace);
    } catch (err) {
      if (isStoreError(err, 'NotFound')) return 'done';
      throw err;
    }
    const annotations: Record<string, string> = { ...(current.metadata.annotations ?? {}) };
    if (annotations[ENFORCEMENT_ANNOTATION] === value) return 'done';
    if (value === undefined) delete annotations[ENFORCEMENT_ANNOTATION];
    else annotations[ENFORCEMENT_ANNOTATION] = value;
    const { annotations: _old, ...meta } = current.metadata;
    const next = { ...current, metadata: { ...meta, ...(Object.keys(annotations).length === 0 ? {} : { annotations }) } } as ObjectInput;
    try {
      store.update(next);
      return 'done';
    } catch (err) {
      if (isStoreError(err, 'Conflict')) return 'conflict';
      if (isStoreError(err, 'NotFound')) return 'done';
      throw err;
    }
  };
  return {
    write(ref: ObjectRef, report: EnforcementReport | null): Promise<void> {
      try {
        const value = report === null ? undefined : formatReport(report);
        if (attempt(ref, value) === 'conflict' && attempt(ref, value) === 'conflict') {
          return Promise.reject(new Error(`could not report on ${refText(ref)}: it keeps changing (conflict twice)`));
        }
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
