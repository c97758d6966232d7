// Field selectors (`fieldSelector=metadata.name=p,spec.nodeName!=n1`) as
// fields.ParseSelector reads them (k8s.io/apimachinery/pkg/fields/selector.go):
// comma-separated `field=value`, `field==value`, `field!=value`, with `\` escaping
// `,`, `=`, `!` and `\` in values. Only metadata.name, metadata.namespace and the
// resource's selectable fields may be used, as the API server refuses other labels.
import { isJsonObject } from './json-value.ts';
import { badRequest } from './store-errors.ts';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

export const ALWAYS_SELECTABLE: readonly string[] = ['metadata.name', 'metadata.namespace'];

/** Splits on unescaped `sep`, keeping escapes in the parts. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\') { current += c + (text[i + 1] ?? ''); i++; continue; }
    if (c === sep) { parts.push(current); current = ''; continue; }
    current += c;
  }
  parts.push(current);
  return parts;
}

function unescape(value: string, input: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c !== '\\') { out += c; continue; }
    const n = value[i + 1];
    if (n === undefined || !'\\,=!'.includes(n)) throw badRequest(`invalid field selector ${JSON.stringify(input)}: invalid escape sequence`);
    out += n;
    i++;
  }
  return out;
}

/** Parses a field selector; `allowed` are the fields this resource supports. */
export function parseFieldSelector(input: string, allowed: readonly string[]): FieldRequirement[] {
  if (input.trim() === '') return [];
  return splitUnescaped(input, ',').map((part) => {
    const m = /^([^=!]*?)\s*(==|!=|=)\s*(.*)$/s.exec(part.trim());
    if (m === null) throw badRequest(`invalid field selector ${JSON.stringify(input)}: ${JSON.stringify(part)} is not of the form field=value or field!=value`);
    const field = m[1] ?? '';
    if (!ALWAYS_SELECTABLE.includes(field) && !allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, operator: m[2] === '!=' ? '!=' : '=', value: unescape(m[3] ?? '', input) };
  });
}

/** The string value of a dotted field path; absent fields read as ``, as upstream's field sets do. */
export function fieldValue(object: unknown, field: string): string {
  let cur: unknown = object;
  for (const part of field.split('.')) {
    if (!isJsonObject(cur)) return '';
    cur = cur[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return '';
}

export function matchesFields(requirements: readonly FieldRequirement[], object: unknown): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator === '='));
}
