// The desired cluster state a case has reached: raw manifests keyed by kind, namespace and
// name, changed by a step's delete / apply / label as the API server would (apply replaces
// an object of the same identity, labels merge and `null` removes a key).
import type { LabelChange, Manifest, ObjectRef, Step } from './case.ts';

export class CaseStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseStateError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identity(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function refText(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** The identity of a manifest; throws when kind or metadata.name is missing. */
export function manifestRef(m: Manifest): ObjectRef {
  const kind = m['kind'];
  const meta = m['metadata'];
  if (typeof kind !== 'string' || !isRecord(meta) || typeof meta['name'] !== 'string') {
    throw new CaseStateError(`manifest without kind or metadata.name: ${JSON.stringify(m).slice(0, 120)}`);
  }
  const ns = meta['namespace'];
  return typeof ns === 'string' ? { kind, namespace: ns, name: meta['name'] } : { kind, name: meta['name'] };
}

export class ObjectState {
  private readonly objects = new Map<string, Record<string, unknown>>();

  constructor(initial: readonly Manifest[]) {
    for (const m of initial) this.apply(m);
  }

  /** Creates or replaces; a replaced object keeps its place in the order. */
  apply(m: Manifest): void {
    const ref = manifestRef(m);
    this.objects.set(identity(ref.kind, ref.namespace, ref.name), structuredClone(m) as Record<string, unknown>);
  }

  delete(ref: ObjectRef): void {
    if (!this.objects.delete(identity(ref.kind, ref.namespace, ref.name))) {
      throw new CaseStateError(`cannot delete ${refText(ref)}: no such object`);
    }
  }

  label(change: LabelChange): void {
    const obj = this.objects.get(identity(change.kind, change.namespace, change.name));
    if (obj === undefined) throw new CaseStateError(`cannot label ${refText(change)}: no such object`);
    const meta = isRecord(obj['metadata']) ? obj['metadata'] : {};
    const labels: Record<string, string> = isRecord(meta['labels']) ? { ...(meta['labels'] as Record<string, string>) } : {};
    for (const [key, value] of Object.entries(change.labels)) {
      if (value === null) delete labels[key];
      else labels[key] = value;
    }
    obj['metadata'] = { ...meta, labels };
  }

  /** Applies a step's changes in the documented order: delete, apply, label. */
  step(step: Step): void {
    for (const ref of step.delete ?? []) this.delete(ref);
    for (const m of step.apply ?? []) this.apply(m);
    for (const change of step.label ?? []) this.label(change);
  }

  /** Deep copies, in insertion order. */
  manifests(): Manifest[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }
}
