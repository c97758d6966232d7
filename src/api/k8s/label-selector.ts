// metav1.LabelSelector: validation as ValidateLabelSelector does it
// (apimachinery/pkg/apis/meta/v1/validation/validation.go), and conversion to the model's
// Selector. Shared by every dialect that embeds Kubernetes label selectors (NetworkPolicy,
// ClusterNetworkPolicy, Cilium endpoint selectors).
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts';
import { readArray, readObject, readString, readStringList } from '../validation/shape.ts';
import { readLabels } from './labels.ts';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
export const SELECTOR_OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export const EMPTY_LABEL_SELECTOR: LabelSelector = Object.freeze({ matchLabels: {}, matchExpressions: [] });

function isOperator(value: string): value is SelectorOperator {
  return (SELECTOR_OPERATORS as readonly string[]).includes(value);
}

/**
 * Reads a label selector at `path`. Returns undefined when absent (or of the wrong
 * shape, which is reported); an empty object yields an empty selector (matches all).
 */
export function readLabelSelector(value: unknown, path: string, issues: Issues): LabelSelector | undefined {
  const obj = readObject(value, path, issues, ['matchLabels', 'matchExpressions']);
  if (obj === undefined) return undefined;
  const matchLabels = readLabels(obj['matchLabels'], childPath(path, 'matchLabels'), issues) ?? {};
  const exprPath = childPath(path, 'matchExpressions');
  const matchExpressions: LabelSelectorRequirement[] = [];
  (readArray(obj['matchExpressions'], exprPath, issues) ?? []).forEach((raw, i) => {
    const req = readRequirement(raw, indexPath(exprPath, i), issues);
    if (req !== undefined) matchExpressions.push(req);
  });
  return { matchLabels, matchExpressions };
}

function readRequirement(raw: unknown, path: string, issues: Issues): LabelSelectorRequirement | undefined {
  const obj = readObject(raw, path, issues, ['key', 'operator', 'values']);
  if (obj === undefined) {
    if (raw === null || raw === undefined) issues.wrongType(path, 'an object', raw);
    return undefined;
  }
  const keyPath = childPath(path, 'key');
  const opPath = childPath(path, 'operator');
  const valuesPath = childPath(path, 'values');
  const key = readString(obj['key'], keyPath, issues);
  const operator = readString(obj['operator'], opPath, issues);
  const values = readStringList(obj['values'], valuesPath, issues) ?? [];
  let ok = true;
  if (key === undefined) {
    if (obj['key'] === undefined || obj['key'] === null) issues.required(keyPath, 'a label key is required');
    ok = false;
  } else {
    for (const m of isQualifiedName(key)) { issues.invalid(keyPath, key, m); ok = false; }
  }
  if (operator === undefined) {
    if (obj['operator'] === undefined || obj['operator'] === null) issues.required(opPath, 'an operator is required');
    ok = false;
  } else if (!isOperator(operator)) {
    issues.notSupported(opPath, operator, SELECTOR_OPERATORS);
    ok = false;
  } else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    issues.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'");
    ok = false;
  } else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    issues.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    ok = false;
  }
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) { issues.invalid(indexPath(valuesPath, i), v, m); ok = false; }
  });
  if (!ok || key === undefined || operator === undefined || !isOperator(operator)) return undefined;
  return { key, operator, values };
}

/**
 * The model selector of a Kubernetes label selector: `and` of one requirement per
 * matchLabels entry (`in` with one value, keys sorted as the API machinery sorts them)
 * and per matchExpression, in order; an empty selector selects everything.
 */
export function toSelector(ls: LabelSelector): Selector {
  const of: Selector[] = [];
  for (const key of Object.keys(ls.matchLabels).sort()) {
    of.push({ op: 'in', key, values: [ls.matchLabels[key] ?? ''] });
  }
  for (const r of ls.matchExpressions) {
    switch (r.operator) {
      case 'In': of.push({ op: 'in', key: r.key, values: [...r.values] }); break;
      case 'NotIn': of.push({ op: 'notIn', key: r.key, values: [...r.values] }); break;
      case 'Exists': of.push({ op: 'exists', key: r.key }); break;
      case 'DoesNotExist': of.push({ op: 'notExists', key: r.key }); break;
    }
  }
  return of.length === 0 ? SELECT_ALL : { op: 'and', of };
}

/** Whether `labels` satisfy a Kubernetes label selector (used to check workload templates). */
export function matchesLabelSelector(ls: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(ls.matchLabels)) if (labels[k] !== v) return false;
  return ls.matchExpressions.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'In': return has && r.values.includes(labels[r.key] ?? '');
      case 'NotIn': return !has || !r.values.includes(labels[r.key] ?? '');
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
    return false;
  });
}
