// Label maps as the API server validates them (ValidateLabels in
// apimachinery/pkg/apis/meta/v1/validation): keys are qualified names, values label values.
import { childPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts';
import { readStringMap } from '../validation/shape.ts';

/** Checks keys and values of an already string-typed label map. */
export function validateLabels(labels: Readonly<Record<string, string>>, path: string, issues: Issues): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyPath = childPath(path, key);
    for (const m of isQualifiedName(key)) issues.invalid(keyPath, key, `label key ${m}`);
    for (const m of isValidLabelValue(value)) issues.invalid(keyPath, value, m);
  }
}

/** Reads and validates a label map; absent is `{}`. Returns undefined only on a wrong shape. */
export function readLabels(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  const labels = readStringMap(value, path, issues);
  if (labels !== undefined) validateLabels(labels, path, issues);
  return labels;
}
