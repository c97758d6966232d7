// Label selectors in their string form (`kubectl -l`, the labelSelector query parameter):
// `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>5`, parsed as labels.Parse does
// (k8s.io/apimachinery/pkg/labels/selector.go): a lexer of identifiers and the symbols
// = == != ! ( ) , < >, the keywords in/notin, keys checked as qualified names and
// values as label values. Requirements AND together; the empty string matches all.
import { isQualifiedName, isValidLabelValue } from '../api/validation/names.ts';
import { badRequest } from './store-errors.ts';

export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  readonly key: string;
  readonly operator: RequirementOperator;
  /** One value for = == != (as In / NotIn), the set for in / notin, an integer for > <. */
  readonly values: readonly string[];
}

type Token =
  | { readonly kind: 'id'; readonly text: string }
  | { readonly kind: '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' | 'in' | 'notin' | 'end'; readonly text: string };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = /\s/;

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (WHITESPACE.test(c)) { i++; continue; }
    if (SPECIAL.has(c)) {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') { tokens.push({ kind: two, text: two }); i += 2; continue; }
      tokens.push({ kind: c as '!' | '=' | '(' | ')' | ',' | '>' | '<', text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j] ?? '') && !WHITESPACE.test(input[j] ?? '')) j++;
    const text = input.slice(i, j);
    tokens.push(text === 'in' || text === 'notin' ? { kind: text, text } : { kind: 'id', text });
    i = j;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of string' : `'${t.text}'`;
}

/** Parses a selector string; throws a BadRequest StoreError saying what is wrong. */
export function parseSelectorString(input: string): Requirement[] {
  const tokens = lex(input);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end', text: '' };
  const next = (): Token => { const t = peek(); if (pos < tokens.length - 1) pos++; return t; };
  const fail = (message: string): never => { throw badRequest(`unable to parse requirement: ${message} (in label selector ${JSON.stringify(input)})`); };

  const requirements: Requirement[] = [];
  if (peek().kind === 'end') return requirements;
  for (;;) {
    requirements.push(parseRequirement());
    const t = next();
    if (t.kind === 'end') return requirements;
    if (t.kind !== ',') fail(`found ${describe(t)}, expected: ',' or end of string`);
  }

  function parseKey(): string {
    const t = next();
    if (t.kind !== 'id') return fail(`found ${describe(t)}, expected: identifier`);
    for (const m of isQualifiedName(t.text)) fail(`invalid label key ${JSON.stringify(t.text)}: ${m}`);
    return t.text;
  }

  function checkValue(value: string): string {
    for (const m of isValidLabelValue(value)) fail(`invalid label value ${JSON.stringify(value)}: ${m}`);
    return value;
  }

  function parseRequirement(): Requirement {
    if (peek().kind === '!') {
      next();
      return { key: parseKey(), operator: 'DoesNotExist', values: [] };
    }
    const key = parseKey();
    const op = peek();
    switch (op.kind) {
      case ',': case 'end': return { key, operator: 'Exists', values: [] };
      case '=': case '==': case '!=': {
        next();
        const v = peek();
        let value = '';
        // In value position the keywords are plain identifiers (upstream lexes with the Values context).
        if (v.kind === 'id' || v.kind === 'in' || v.kind === 'notin') { next(); value = v.text; } else if (v.kind !== ',' && v.kind !== 'end') fail(`found ${describe(v)}, expected: identifier`);
        return { key, operator: op.kind === '!=' ? 'NotIn' : 'In', values: [checkValue(value)] };
      }
      case 'in': case 'notin': {
        next();
        const values = parseValueSet();
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        return { key, operator: op.kind === 'in' ? 'In' : 'NotIn', values: values.map(checkValue) };
      }
      case '>': case '<': {
        next();
        const v = next();
        if (v.kind !== 'id' || !/^-?\d+$/.test(v.text)) return fail(`for 'Gt', 'Lt' operators, the value must be an integer, found ${describe(v)}`);
        return { key, operator: op.kind === '>' ? 'Gt' : 'Lt', values: [v.text] };
      }
      default:
        return fail(`found ${describe(op)}, expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** `(a, b)`; an empty slot is the empty value, as upstream's parseIdentifiersList. */
  function parseValueSet(): string[] {
    const open = next();
    if (open.kind !== '(') fail(`found ${describe(open)}, expected: '('`);
    const values: string[] = [];
    if (peek().kind === ')') { next(); return values; }
    for (;;) {
      const t = peek();
      if (t.kind === 'id' || t.kind === 'in' || t.kind === 'notin') { next(); values.push(t.text); } else values.push('');
      const sep = next();
      if (sep.kind === ')') return values;
      if (sep.kind !== ',') fail(`found ${describe(sep)}, expected: ',' or ')'`);
    }
  }
}

/** Whether `labels` satisfy every requirement (labels.Requirement.Matches). */
export function matchesRequirements(requirements: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key] ?? '';
    switch (r.operator) {
      case 'In': return has && r.values.includes(value);
      case 'NotIn': return !has || !r.values.includes(value);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'Gt': case 'Lt': {
        if (!has || !/^-?\d+$/.test(value)) return false;
        const a = BigInt(value);
        const b = BigInt(r.values[0] ?? '0');
        return r.operator === 'Gt' ? a > b : a < b;
      }
    }
    return false;
  });
}
