// Kubernetes Status objects for errors that do not come from the store: unauthorized,
// unknown paths, unsupported media types, malformed bodies, internal errors. Store
// errors keep their own toStatus(); both serialise the same metav1.Status shape.
import type { Status, StatusDetails } from '../store/store-errors.ts';
import { isStoreError } from '../store/store-errors.ts';

export interface ApiStatus extends Omit<Status, 'reason'> {
  readonly reason: Status['reason'] | 'Unauthorized' | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'NotAcceptable' | 'InternalError';
}

export function apiStatus(code: number, reason: ApiStatus['reason'], message: string, details?: StatusDetails): ApiStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details === undefined ? {} : { details }), code };
}

export const UNAUTHORIZED: ApiStatus = apiStatus(401, 'Unauthorized', 'Unauthorized');

/** What the API server answers for a path it does not serve. */
export function pathNotFound(): ApiStatus {
  return apiStatus(404, 'NotFound', 'the server could not find the requested resource', { causes: [] });
}

export function badRequestStatus(message: string): ApiStatus {
  return apiStatus(400, 'BadRequest', message);
}

export function methodNotAllowed(method: string): ApiStatus {
  return apiStatus(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

/** An error the server answers with its own Status (405, 415, ...). */
export class ApiError extends Error {
  readonly status: ApiStatus;

  constructor(status: ApiStatus) {
    super(status.message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(apiStatus(415, 'UnsupportedMediaType', message));
}

/** A thrown error as a Status: store errors as they are, anything else as a 500 with its message. */
export function errorStatus(err: unknown): ApiStatus {
  if (isStoreError(err)) return err.toStatus();
  if (err instanceof ApiError) return err.status;
  return apiStatus(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
}
