// The admission hook: a validator per resource sees each object about to be written and
// returns what is wrong with it (field causes, warnings, unknown fields); the store
// rejects the write with Invalid (or BadRequest for unknown fields under Strict field
// validation) and stores nothing. `apiValidator` plugs in src/api: the same handler that
// buildSnapshot dispatches to validates the one object, so the embedded API server
// rejects at apply time exactly what `palisade check` would report.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import { Issues } from '../api/validation/issues.ts';
import type { ResourceType } from './resource-registry.ts';
import type { StatusCause } from './store-errors.ts';
import type { StoredObject } from './store-object.ts';

/** The fieldValidation request parameter (kubectl sends Strict by default since 1.27). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE';
  readonly type: ResourceType;
  /** The object as it would be stored (server fields set). */
  readonly object: StoredObject;
  readonly oldObject?: StoredObject;
}

export interface AdmissionResult {
  readonly causes: readonly StatusCause[];
  readonly warnings: readonly string[];
  /** Paths of fields the schema does not know; the store applies the fieldValidation mode. */
  readonly unknownFields: readonly string[];
}

export type Validator = (req: AdmissionRequest) => AdmissionResult;

export const ADMIT_ALL: AdmissionResult = Object.freeze({ causes: [], warnings: [], unknownFields: [] });

/** metav1.CauseType of an Issues message (issues.ts words them after field.ErrorType). */
function causeType(message: string): string {
  if (message.startsWith('required')) return 'FieldValueRequired';
  if (message.startsWith('forbidden')) return 'FieldValueForbidden';
  if (message.startsWith('unsupported value')) return 'FieldValueNotSupported';
  if (message.startsWith('duplicate value')) return 'FieldValueDuplicate';
  if (message.startsWith('expected ')) return 'FieldValueTypeInvalid';
  return 'FieldValueInvalid';
}

/** Validates objects with src/api's kind handlers; kinds without a handler are admitted. */
export function apiValidator(handlers: HandlerTable = DEFAULT_HANDLERS): Validator {
  return ({ object }) => {
    const handler = handlers.get(handlerKey(object.apiVersion, object.kind));
    if (handler === undefined) return ADMIT_ALL;
    const issues = new Issues();
    try {
      handler.decode(object, issues);
    } catch (err) {
      return { causes: [{ reason: 'InternalError', message: `validation failed: ${err instanceof Error ? err.message : String(err)}` }], warnings: [], unknownFields: [] };
    }
    const causes: StatusCause[] = [];
    const warnings: string[] = [];
    const unknownFields: string[] = [];
    for (const i of issues.list) {
      if (i.severity === 'warning') warnings.push(i.path === '' ? i.message : `${i.path}: ${i.message}`);
      else if (i.message === 'unknown field') unknownFields.push(i.path);
      else causes.push({ reason: causeType(i.message), message: i.message, ...(i.path === '' ? {} : { field: i.path }) });
    }
    return { causes, warnings, unknownFields };
  };
}
