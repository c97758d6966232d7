// Calico's selector language (projectcalico.org/v3 `selector`, `namespaceSelector`, ...)
// parsed into the model's Selector tree. Grammar and tokenizing follow upstream
// libcalico-go/lib/selector/{tokenizer/tokenizer.go,parser/parser.go}:
//   or  := and ('||' and)*          lowest precedence
//   and := op ('&&' op)*
//   op  := '!'* ( has(k) | all() | global() | '(' or ')' | k == s | k != s | k contains s
//              | k starts with s | k ends with s | k in {s,...} | k not in {s,...} )
// Strings are single- or double-quoted with no escapes; keys are [A-Za-z0-9_./-]+; only
// space and tab are whitespace; an empty selector is all(). `!=` and `not in` match
// labels without the key (LabelNeValueNode / LabelNotInSetNode). `global()` evaluates as
// all() (GlobalNode.Evaluate); where it scopes a namespaceSelector the caller decides.
// Errors carry a 1-based character position.
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';

export interface SelectorSyntaxError {
  /** 1-based character position of the problem in the selector text. */
  readonly position: number;
  readonly message: string;
}

export type SelectorParse =
  | { readonly ok: true; readonly selector: Selector; readonly usesGlobal: boolean; readonly isGlobal: boolean }
  | { readonly ok: false; readonly error: SelectorSyntaxError };

type TokenKind =
  | 'label' | 'string' | '{' | '}' | ',' | '==' | '!=' | 'in' | 'not in' | '!' | 'contains'
  | 'starts with' | 'ends with' | 'all' | 'global' | 'has' | '(' | ')' | '&&' | '||' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  /** 0-based offset of the token in the text. */
  readonly at: number;
}

class SyntaxFailure extends Error {
  readonly at: number;
  constructor(at: number, message: string) {
    super(message);
    this.at = at;
  }
}

const KEY_CHAR = /[A-Za-z0-9_./-]/;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function keyAt(text: string, i: number): string {
  let j = i;
  while (j < text.length && KEY_CHAR.test(text[j] ?? '')) j++;
  return text.slice(i, j);
}

function skipSpace(text: string, i: number): number {
  let j = i;
  while (isSpace(text[j])) j++;
  return j;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the selector';
    case 'label': return `label ${JSON.stringify(t.value)}`;
    case 'string': return `string ${JSON.stringify(t.value)}`;
    case 'has': return `has(${t.value})`;
    case 'all': return 'all()';
    case 'global': return 'global()';
    default: return `'${t.kind}'`;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    i = skipSpace(text, i);
    if (i >= text.length) {
      tokens.push({ kind: 'eof', value: '', at: i });
      return tokens;
    }
    const at = i;
    const c = text[i] ?? '';
    const push = (kind: TokenKind, width: number, value = ''): void => {
      tokens.push({ kind, value, at });
      i += width;
    };
    switch (c) {
      case '(': case ')': case '{': case '}': case ',':
        push(c, 1);
        continue;
      case '"': case "'": {
        const end = text.indexOf(c, i + 1);
        if (end < 0) throw new SyntaxFailure(at, `unterminated string: no closing ${c}`);
        push('string', end + 1 - i, text.slice(i + 1, end));
        continue;
      }
      case '=':
        if (text[i + 1] !== '=') throw new SyntaxFailure(at, "expected '==' (a single '=' is not an operator)");
        push('==', 2);
        continue;
      case '!':
        if (text[i + 1] === '=') push('!=', 2);
        else push('!', 1);
        continue;
      case '&':
        if (text[i + 1] !== '&') throw new SyntaxFailure(at, "expected '&&'");
        push('&&', 2);
        continue;
      case '|':
        if (text[i + 1] !== '|') throw new SyntaxFailure(at, "expected '||'");
        push('||', 2);
        continue;
      default:
        break;
    }
    const rest = text.slice(i);
    if (tokens.at(-1)?.kind === 'label') {
      // After a label only a word operator may follow (upstream checks these prefixes in order).
      const label = tokens.at(-1)?.value ?? '';
      const twoWords = (first: string, kind: TokenKind): void => {
        const j = skipSpace(text, i + first.length);
        if (!text.startsWith('with', j) && kind !== 'not in') throw new SyntaxFailure(j, `expected 'with' after '${first}'`);
        if (kind === 'not in' && !text.startsWith('in', j)) throw new SyntaxFailure(j, "expected 'in' after 'not'");
        tokens.push({ kind, value: '', at });
        i = j + (kind === 'not in' ? 2 : 4);
      };
      if (rest.startsWith('contains')) push('contains', 8);
      else if (rest.startsWith('starts')) twoWords('starts', 'starts with');
      else if (rest.startsWith('ends')) twoWords('ends', 'ends with');
      else if (rest.startsWith('not')) twoWords('not', 'not in');
      else if (rest.startsWith('in')) push('in', 2);
      else throw new SyntaxFailure(at, `expected an operator (==, !=, in, not in, contains, starts with, ends with) after label ${JSON.stringify(label)}`);
      continue;
    }
    if (rest.startsWith('has(')) {
      const k = skipSpace(text, i + 4);
      const key = keyAt(text, k);
      if (key === '') throw new SyntaxFailure(k, 'expected a label name in has(...)');
      const close = skipSpace(text, k + key.length);
      if (text[close] !== ')') throw new SyntaxFailure(close, "expected ')' to close has(");
      tokens.push({ kind: 'has', value: key, at });
      i = close + 1;
      continue;
    }
    const call = /^(all|global)\(/.exec(rest);
    if (call !== null) {
      const name = call[1] === 'all' ? 'all' : 'global';
      const close = skipSpace(text, i + name.length + 1);
      if (text[close] !== ')') throw new SyntaxFailure(close, `expected ')' after ${name}(`);
      tokens.push({ kind: name, value: '', at });
      i = close + 1;
      continue;
    }
    const key = keyAt(text, i);
    if (key === '') throw new SyntaxFailure(at, `unexpected character ${JSON.stringify(c)}`);
    push('label', key.length, key);
  }
}

/** Parses tokens into a Selector; `globals` counts global() uses. */
class Parser {
  private pos = 0;
  globals = 0;
  private readonly tokens: readonly Token[];

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? { kind: 'eof', value: '', at: 0 };
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  parseRoot(): Selector {
    if (this.peek().kind === 'eof') return SELECT_ALL;
    const s = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') {
      throw new SyntaxFailure(t.at, t.kind === ')' ? "unexpected ')' without a matching '('" : `unexpected ${describe(t)} after a complete expression (missing '&&' or '||'?)`);
    }
    return s;
  }

  private parseOr(): Selector {
    const of = [this.parseAnd()];
    while (this.peek().kind === '||') {
      this.next();
      of.push(this.parseAnd());
    }
    return of.length === 1 ? (of[0] ?? SELECT_ALL) : { op: 'or', of };
  }

  private parseAnd(): Selector {
    const of = [this.parseOperation()];
    while (this.peek().kind === '&&') {
      this.next();
      of.push(this.parseOperation());
    }
    return of.length === 1 ? (of[0] ?? SELECT_ALL) : { op: 'and', of };
  }

  private parseOperation(): Selector {
    // Leading '!'s collapse to one negation (parser.go parseOperation).
    let negated = false;
    while (this.peek().kind === '!') {
      this.next();
      negated = !negated;
    }
    const t = this.next();
    let s: Selector;
    switch (t.kind) {
      case 'has':
        // `!has(k)` is the model's notExists: same meaning, tidier traces.
        if (negated) return { op: 'notExists', key: t.value };
        s = { op: 'exists', key: t.value };
        break;
      case 'all':
        s = SELECT_ALL;
        break;
      case 'global':
        this.globals++;
        s = SELECT_ALL;
        break;
      case '(': {
        s = this.parseOr();
        const close = this.next();
        if (close.kind !== ')') throw new SyntaxFailure(close.at, `expected ')' to close the '(' at position ${t.at + 1}, found ${describe(close)}`);
        break;
      }
      case 'label':
        s = this.parseComparison(t.value);
        break;
      case 'eof':
        throw new SyntaxFailure(t.at, 'unexpected end of selector: expected an expression');
      default:
        throw new SyntaxFailure(t.at, `unexpected ${describe(t)}: expected a label, has(), all(), global(), '!' or '('`);
    }
    return negated ? { op: 'not', of: s } : s;
  }

  private expectString(after: string): string {
    const t = this.next();
    if (t.kind !== 'string') throw new SyntaxFailure(t.at, `expected a quoted string after ${after}, found ${describe(t)}`);
    return t.value;
  }

  private parseComparison(key: string): Selector {
    const op = this.next();
    switch (op.kind) {
      case '==': return { op: 'in', key, values: [this.expectString("'=='")] };
      case '!=': return { op: 'notIn', key, values: [this.expectString("'!='")] };
      case 'contains': return { op: 'contains', key, value: this.expectString("'contains'") };
      case 'starts with': return { op: 'startsWith', key, value: this.expectString("'starts with'") };
      case 'ends with': return { op: 'endsWith', key, value: this.expectString("'ends with'") };
      case 'in':
      case 'not in': {
        const values = this.parseSet(op.kind);
        return op.kind === 'in' ? { op: 'in', key, values } : { op: 'notIn', key, values };
      }
      default:
        throw new SyntaxFailure(op.at, `expected an operator after label ${JSON.stringify(key)}, found ${describe(op)}`);
    }
  }

  private parseSet(op: string): string[] {
    const open = this.next();
    if (open.kind !== '{') throw new SyntaxFailure(open.at, `expected '{' after '${op}', found ${describe(open)}`);
    const values: string[] = [];
    if (this.peek().kind === '}') {
      this.next();
      return values;
    }
    for (;;) {
      const v = this.next();
      if (v.kind !== 'string') throw new SyntaxFailure(v.at, `expected a quoted string in the set, found ${describe(v)}`);
      if (!values.includes(v.value)) values.push(v.value);
      const sep = this.next();
      if (sep.kind === '}') return values;
      if (sep.kind !== ',') throw new SyntaxFailure(sep.at, `expected ',' or '}' in the set, found ${describe(sep)}`);
    }
  }
}

/** Parses a Calico selector expression. */
export function parseCalicoSelector(text: string): SelectorParse {
  try {
    const parser = new Parser(tokenize(text));
    const selector = parser.parseRoot();
    const isGlobal = parser.globals > 0 && /^[ \t]*global\([ \t]*\)[ \t]*$/.test(text);
    return { ok: true, selector, usesGlobal: parser.globals > 0, isGlobal };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: { position: e.at + 1, message: e.message } };
    throw e;
  }
}

function quote(value: string): string {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  throw new Error(`a Calico selector cannot quote a value holding both ' and ": ${value}`);
}

/**
 * Prints a Selector in Calico syntax; parseCalicoSelector(print(s)) gives back `s` for
 * every tree it can produce. and/or are always parenthesized (as upstream's String()).
 */
export function printCalicoSelector(s: Selector): string {
  switch (s.op) {
    case 'all': return 'all()';
    case 'none': return '!all()';
    case 'and':
    case 'or':
      if (s.of.length === 0) return s.op === 'and' ? 'all()' : '!all()';
      return `(${s.of.map(printCalicoSelector).join(s.op === 'and' ? ' && ' : ' || ')})`;
    case 'not': {
      const inner = printCalicoSelector(s.of);
      // `!!x` and `!has(k)` would parse back differently: parenthesize.
      return s.of.op === 'not' || s.of.op === 'exists' || s.of.op === 'notExists' ? `!(${inner})` : `!${inner}`;
    }
    case 'in':
      return s.values.length === 1 ? `${s.key} == ${quote(s.values[0] ?? '')}` : `${s.key} in {${s.values.map(quote).join(', ')}}`;
    case 'notIn':
      return s.values.length === 1 ? `${s.key} != ${quote(s.values[0] ?? '')}` : `${s.key} not in {${s.values.map(quote).join(', ')}}`;
    case 'exists': return `has(${s.key})`;
    case 'notExists': return `!has(${s.key})`;
    case 'contains': return `${s.key} contains ${quote(s.value)}`;
    case 'startsWith': return `${s.key} starts with ${quote(s.value)}`;
    case 'endsWith': return `${s.key} ends with ${quote(s.value)}`;
  }
}
