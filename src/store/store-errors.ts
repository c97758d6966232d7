// Typed store errors carrying what an API server needs to answer with a Kubernetes
// Status (reason, HTTP code, details, field causes) and messages worded as kube-apiserver
// words them (k8s.io/apimachinery/pkg/api/errors/errors.go), since kubectl prints them.
import type { ResourceRef, ResourceType } from './resource-registry.ts';
import { qualifiedKind, qualifiedResource } from './resource-registry.ts';

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Forbidden'
  /** A watch or list from a resourceVersion the store no longer has: HTTP 410 (NewResourceExpired). */
  | 'Expired'
  /** A resourceVersion newer than the store's: HTTP 504 (NewTooLargeResourceVersionError). */
  | 'Timeout';

const CODES: Readonly<Record<StatusReason, number>> = {
  NotFound: 404, AlreadyExists: 409, Conflict: 409, Invalid: 422, BadRequest: 400, Forbidden: 403, Expired: 410, Timeout: 504,
};

/** metav1.StatusCause; `reason` is a CauseType such as FieldValueInvalid. */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  /** The resource (plural) for most errors, the Kind for Invalid, as the API server does. */
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
}

/** metav1.Status as JSON. */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

export class StoreError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details: StatusDetails | undefined;

  constructor(reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StoreError';
    this.reason = reason;
    this.code = CODES[reason];
    this.details = details;
  }

  toStatus(): Status {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: this.message, reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** The watch or list resourceVersion is older than what the store retains: relist (HTTP 410). */
export class GoneError extends StoreError {
  constructor(requested: string, oldest: string) {
    super('Expired', `too old resource version: ${requested} (${oldest})`);
    this.name = 'GoneError';
  }
}

export function isStoreError(err: unknown, reason?: StatusReason): err is StoreError {
  return err instanceof StoreError && (reason === undefined || err.reason === reason);
}

function resourceDetails(r: ResourceRef, name: string): StatusDetails {
  return { name, group: r.group, kind: r.resource };
}

export function notFound(r: ResourceRef, name: string): StoreError {
  return new StoreError('NotFound', `${qualifiedResource(r)} "${name}" not found`, resourceDetails(r, name));
}

export function alreadyExists(r: ResourceRef, name: string): StoreError {
  return new StoreError('AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, resourceDetails(r, name));
}

/** `detail` as kube words it, e.g. the optimistic-concurrency message. */
export function conflict(r: ResourceRef, name: string, detail: string): StoreError {
  return new StoreError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${detail}`, resourceDetails(r, name));
}

export const MODIFIED_DETAIL = 'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(r: ResourceRef, name: string, detail: string): StoreError {
  return new StoreError('Forbidden', `${qualifiedResource(r)} "${name}" is forbidden: ${detail}`, resourceDetails(r, name));
}

export function badRequest(message: string): StoreError {
  return new StoreError('BadRequest', message);
}

/** NewInvalid: `NetworkPolicy.networking.k8s.io "p" is invalid: spec.x: ...` (several in brackets). */
export function invalid(t: ResourceType, name: string, causes: readonly StatusCause[]): StoreError {
  const parts = causes.map((c) => (c.field === undefined || c.field === '' ? c.message : `${c.field}: ${c.message}`));
  const summary = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  return new StoreError('Invalid', `${qualifiedKind(t)} "${name}" is invalid: ${summary}`, { name, group: t.group, kind: t.kind, causes });
}

export function tooLargeResourceVersion(requested: string, current: string): StoreError {
  return new StoreError('Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
  });
}
