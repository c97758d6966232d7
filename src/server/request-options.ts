// Query parameters and headers of resource requests, checked as the API server checks
// them (dryRun=All only, fieldValidation Strict|Warn|Ignore, Table negotiation).
import type { FieldValidation } from '../store/admission.ts';
import { badRequest } from '../store/store-errors.ts';
import type { IncludeObject } from './table.ts';

export function dryRunOf(query: URLSearchParams, bodyValues: readonly unknown[] = []): boolean {
  const values = [...query.getAll('dryRun'), ...bodyValues];
  for (const v of values) {
    if (v !== 'All') throw badRequest(`Invalid dryRun value ${JSON.stringify(v)}: the only supported value is "All"`);
  }
  return values.length > 0;
}

export function fieldValidationOf(query: URLSearchParams): FieldValidation | undefined {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(v)}: supported values: "Ignore", "Strict", "Warn"`);
}

export function booleanParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

/** Non-negative integer seconds, undefined when absent. */
export function secondsParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`invalid ${name} ${JSON.stringify(v)}: must be a non-negative integer`);
  return Number(v);
}

/** Whether the client accepts a meta.k8s.io Table (kubectl get does; it lists JSON as the fallback). */
export function wantsTable(accept: string | null): boolean {
  if (accept === null) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io');
  });
}

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  if (v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "None", "Metadata", "Object"`);
}

/** The `Warning` header value for one warning (RFC 7234 warn-code 299, as the API server sends). */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text.replace(/[\r\n]+/g, ' '))}`;
}
