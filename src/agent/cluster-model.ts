// The agent's objects → the model (Cluster + PolicySet) through src/api's buildSnapshot,
// with conversion cached per object version. Only objects the api layer can convert are
// fed in; pods that have no address yet (not yet scheduled or started) or have finished
// (Succeeded/Failed: their address may already belong to another pod) are left out, as
// CNIs do: buildSnapshot would otherwise invent an address for them, and a node's table
// must hold only real ones.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import type { Snapshot } from '../api/snapshot.ts';
import { buildSnapshot } from '../api/snapshot.ts';
import type { SourceDocument } from '../api/source-document.ts';
import type { SourceObject } from '../sources/object-source.ts';
import type { ObjectRef } from '../sources/status-writer.ts';
import type { ConversionCache } from './conversion-cache.ts';

export interface ModelBuild {
  readonly snapshot: Snapshot;
  /** SourceDocument.source (as in the snapshot's problems) → the object it names. */
  readonly refs: ReadonlyMap<string, ObjectRef>;
  /** Pods left out: no address yet, or finished. */
  readonly podsWithoutAddress: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a Pod object is running with an address (host-network pods always count: they use the node's). */
export function podHasAddress(o: SourceObject): boolean {
  const status = record(o.status);
  const phase = status?.['phase'];
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (record(o.spec)?.['hostNetwork'] === true) return true;
  const ip = status?.['podIP'];
  const ips = status?.['podIPs'];
  return (typeof ip === 'string' && ip !== '') || (Array.isArray(ips) && ips.length > 0);
}

export function objectRef(o: SourceObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }), name: o.metadata.name };
}

/** Unique per object, readable in messages: `networking.k8s.io/v1 NetworkPolicy demo/p`. */
export function sourceName(ref: ObjectRef): string {
  return `${ref.apiVersion} ${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

export function buildModel(objects: readonly SourceObject[], handlers: HandlerTable, cache: ConversionCache): ModelBuild {
  const documents: SourceDocument[] = [];
  const refs = new Map<string, ObjectRef>();
  let podsWithoutAddress = 0;
  for (const o of objects) {
    if (!handlers.has(handlerKey(o.apiVersion, o.kind))) continue;
    if (o.apiVersion === 'v1' && o.kind === 'Pod' && !podHasAddress(o)) {
      podsWithoutAddress++;
      continue;
    }
    const ref = objectRef(o);
    const source = sourceName(ref);
    refs.set(source, ref);
    documents.push({ source, index: documents.length, object: o });
  }
  cache.begin();
  const snapshot = buildSnapshot(documents, cache.wrap(handlers));
  cache.sweep();
  return { snapshot, refs, podsWithoutAddress };
}
