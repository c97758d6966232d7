// A fast reader for the YAML that manifests are written in, JSON included: block
// mappings and sequences, one-line quoted scalars, plain scalars (folded over lines
// too), literal and folded block scalars, flow collections. The `yaml` library stays the
// reference: it is 20-30 times slower (it builds a CST, then a Document of nodes), so
// parse-text.ts reads with this first and hands `yaml` every document (or List item)
// this reader gives up on. The rule here: give the value `yaml` gives, or give up.
// Anything outside the subset (anchors, aliases, tags, explicit keys, multi-line quoted
// scalars, tabs, keep chomping, ...) and anything that might be an error (duplicate keys,
// bad indentation, stray characters) gives up, so every error message still comes from
// `yaml`. fast-yaml.test.ts compares both on generated and mutated text.
//
// Line numbers cost about as much as the values and are needed only when a document has
// a problem, so they are recorded (field path -> line) only when asked for, by reading
// one document, or one item of a root `items` sequence, again from where it started.
import { childPath, indexPath } from './validation/field-path.ts';

/** Thrown inside the reader when the text leaves the subset; one instance, so no stack is captured each time. */
const GIVE_UP: Error = new Error('outside the fast YAML subset');

/** `yaml` rejects implicit keys longer than 1024 characters; stay well below. */
const MAX_KEY_LENGTH = 1000;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const SQUOTE = 39;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const GT = 62;
const QUESTION = 63;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const BOM = 0xfeff;

/** Where a block node starts; a mapping or a sequence may not start right after `key: `. */
const ROOT = 0;
const LINE_START = 1;
const AFTER_DASH = 2;
const AFTER_KEY = 3;

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Space, tab, line break, or the end of the text (NaN from charCodeAt): what YAML calls empty. */
function isBlank(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR || c !== c;
}

/** Characters a plain scalar may not start with (here: the reader gives up on them). */
function isIndicator(c: number): boolean {
  switch (c) {
    case COMMA: case LBRACKET: case RBRACKET: case LBRACE: case RBRACE: case HASH: case 38 /* & */: case 42 /* * */:
    case 33 /* ! */: case PIPE: case GT: case SQUOTE: case DQUOTE: case 37 /* % */: case 64 /* @ */: case 96 /* ` */:
    case TAB: case SPACE: case LF: case CR: case BOM:
      return true;
    default:
      return c !== c || c < SPACE;
  }
}

/**
 * True when a plain scalar cannot start with `c` followed by `next`: an indicator, or
 * `-`, `?`, `:` before a blank (a sequence entry, an explicit key, a value) or, in a
 * flow collection, before a flow indicator. `-1`, `::/0`, `?x` are plain scalars.
 */
function cannotStartPlain(c: number, next: number, flow: boolean): boolean {
  if (c === DASH || c === QUESTION || c === COLON) return isBlank(next) || (flow && isFlowIndicator(next));
  return isIndicator(c);
}

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * A plain scalar's value under the YAML 1.2 core schema, as `yaml` resolves it: its
 * tags tested in its order (null, bool, int 0o, int, int 0x, .inf/.nan, floats).
 */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these first characters (digit + - . ~ n N t T f F) can start anything but a string.
  if (!((c >= 48 && c <= 57) || c === 43 || c === DASH || c === DOT || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70)) return s;
  if (c > 57 || c === 126) {
    if (NULL_RE.test(s)) return null;
    if (BOOL_RE.test(s)) return c === 116 || c === 84;
    return s;
  }
  // Numbers hold only digits, signs, dots, exponents, 0x/0o and the letters of .inf/.nan.
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === 47 /* / */ || d === COLON || d === SPACE || d === 95 /* _ */ || d > 122) return s;
  }
  if (INT_OCT_RE.test(s)) return parseInt(s.substring(2), 8);
  if (INT_RE.test(s)) return parseInt(s, 10);
  if (INT_HEX_RE.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN_RE.test(s)) return s.endsWith('nan') || s.endsWith('NaN') || s.endsWith('NAN') ? NaN : c === DASH ? -Infinity : Infinity;
  if (FLOAT_EXP_RE.test(s) || FLOAT_RE.test(s)) return parseFloat(s);
  return s;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

/** Where to start reading again for the line numbers of a document or a List item. */
export interface ReadPoint {
  /** `doc`: a whole document; `block-item`: at the `-` of a block sequence item; `flow-item`: at a flow sequence item. */
  readonly kind: 'doc' | 'block-item' | 'flow-item';
  readonly pos: number;
  /** 1-based line of `pos`. */
  readonly line: number;
  readonly lineStart: number;
  /** Indentation of the enclosing block collection, -1 at the root. */
  readonly parent: number;
}

/** One item of the root mapping's `items` sequence (the items of a List). */
export interface ItemStart {
  /** 1-based line where the item's node starts. */
  readonly line: number;
  /** Where to read it again for line numbers; absent when `yaml` read the item, then `lines` is set. */
  readonly at?: ReadPoint;
  readonly lines?: ReadonlyMap<string, number>;
}

/**
 * Reads one item of a block sequence that this reader gave up on with the `yaml`
 * library: `text` holds that item's lines (from the one with its `-`), the first of
 * which is line `firstLine`. Gives the item's value, the line its node starts on and
 * its line map, or undefined when `yaml` finds any problem in it; then the whole
 * document goes to `yaml`, so errors read as they always have.
 */
export type ItemFallback = (text: string, firstLine: number) => ItemRead | undefined;

export interface ItemRead {
  readonly value: unknown;
  readonly line: number;
  readonly lines: ReadonlyMap<string, number>;
}

export type FastRead =
  | { readonly kind: 'empty' }
  | { readonly kind: 'value'; readonly value: unknown; readonly line: number; readonly items?: readonly ItemStart[] }
  | { readonly kind: 'unsupported' };

/** End of the block sequence item whose `-` line starts at `lineStart`: the next line holding content at indentation <= n. */
function blockItemEnd(src: string, lineStart: number, n: number): number {
  let nl = src.indexOf('\n', lineStart);
  while (nl !== -1) {
    const start = nl + 1;
    let q = start;
    while (src.charCodeAt(q) === SPACE) q++;
    const c = src.charCodeAt(q);
    if (c !== c) return src.length;
    if (c !== LF && c !== HASH && q - start <= n) return start;
    nl = src.indexOf('\n', q);
  }
  return src.length;
}

class Reader {
  private readonly src: string;
  private pos = 0;
  /** 1-based line of `pos`. */
  private line: number;
  private lineStart = 0;
  /** Indentation of the content line `pos` is on (after nextContent), -1 at the end. */
  private indent = -1;
  /** Field path -> line, when recording. */
  private readonly rec: Map<string, number> | undefined;
  private readonly fallback: ItemFallback | undefined;
  /** Items of the root mapping's `items` sequence. */
  items: ItemStart[] | undefined;
  /** Line where the last sequence item's node started (for ItemStart). */
  private itemLine = 0;

  constructor(src: string, line: number, rec: Map<string, number> | undefined, fallback: ItemFallback | undefined) {
    this.src = src;
    this.line = line;
    this.rec = rec;
    this.fallback = fallback;
  }

  moveTo(at: ReadPoint): void {
    this.pos = at.pos;
    this.line = at.line;
    this.lineStart = at.lineStart;
  }

  /** The whole text as one document; null when it holds nothing but comments. */
  document(): { value: unknown; line: number } | null {
    if (this.src.startsWith('---') && isBlank(this.src.charCodeAt(3))) {
      // `--- value` on one line is left to `yaml`: endLine gives up on it.
      this.pos = 3;
      this.endLine();
    }
    if (this.nextContent() < 0) return null;
    const line = this.line;
    const value = this.node(-1, this.indent, ROOT, '');
    if (this.indent >= 0) throw GIVE_UP;
    return { value, line };
  }

  blockItem(parent: number): unknown {
    const value = this.seqItem(parent, '', false);
    if (this.indent > parent) throw GIVE_UP;
    return value;
  }

  flowItem(parent: number): unknown {
    return this.flowNode(parent, '');
  }

  private record(path: string, line: number): void {
    if (this.rec !== undefined) this.rec.set(path, line);
  }

  /** Only spaces and a comment may remain on this line; moves to the start of the next one. */
  private endLine(): void {
    const src = this.src;
    let p = this.pos;
    let c = src.charCodeAt(p);
    while (c === SPACE) c = src.charCodeAt(++p);
    if (c === HASH) {
      if (p > this.lineStart && src.charCodeAt(p - 1) !== SPACE) throw GIVE_UP;
      const nl = src.indexOf('\n', p);
      p = nl < 0 ? src.length : nl;
      c = src.charCodeAt(p);
    }
    if (c === LF) {
      this.pos = p + 1;
      this.line++;
      this.lineStart = p + 1;
    } else if (c === c) {
      throw GIVE_UP;
    } else {
      this.pos = p;
    }
  }

  /**
   * From a line start, skips blank and comment lines; stops at the first character of
   * the next content line and returns its indentation (also kept in `indent`), -1 at the end.
   */
  private nextContent(): number {
    const src = this.src;
    let p = this.pos;
    for (;;) {
      const start = p;
      let c = src.charCodeAt(p);
      while (c === SPACE) c = src.charCodeAt(++p);
      if (c === LF || c === HASH) {
        const nl = c === LF ? p : src.indexOf('\n', p);
        if (nl < 0) {
          p = src.length;
          continue;
        }
        p = nl + 1;
        this.line++;
        this.lineStart = p;
        continue;
      }
      this.pos = p;
      if (c !== c) return (this.indent = -1);
      if (c === TAB || c === CR) throw GIVE_UP;
      return (this.indent = p - start);
    }
  }

  /**
   * A block node at `pos` (column `col`) inside a collection indented `parent`. Returns
   * with `pos` at the start of the next content line (`indent` set), or at the end.
   */
  private node(parent: number, col: number, ctx: number, path: string): unknown {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    switch (c) {
      case LBRACE:
      case LBRACKET: {
        const value = c === LBRACE ? this.flowMap(parent, path, ctx === ROOT) : this.flowSeq(parent, path, undefined);
        this.endLine();
        this.nextContent();
        return value;
      }
      case DQUOTE:
      case SQUOTE: {
        const start = this.pos;
        const value = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
        let p = this.pos;
        while (src.charCodeAt(p) === SPACE) p++;
        if (src.charCodeAt(p) === COLON && isBlank(src.charCodeAt(p + 1))) {
          if (ctx === AFTER_KEY) throw GIVE_UP;
          this.pos = start;
          return this.map(col, path, ctx === ROOT);
        }
        if (ctx === ROOT) throw GIVE_UP;
        this.endLine();
        this.nextContent();
        return value;
      }
      case PIPE:
      case GT:
        if (ctx === ROOT) throw GIVE_UP;
        return this.blockScalar(parent);
      case DASH:
        if (isBlank(src.charCodeAt(this.pos + 1))) {
          if (ctx === AFTER_KEY) throw GIVE_UP;
          return this.seq(col, path, false);
        }
        break;
      default:
        if (cannotStartPlain(c, src.charCodeAt(this.pos + 1), false)) throw GIVE_UP;
    }
    // A plain scalar, or the first key of a mapping.
    const start = this.pos;
    const end = this.plainEnd();
    if (src.charCodeAt(this.pos) === COLON) {
      if (ctx === AFTER_KEY) throw GIVE_UP;
      this.pos = start;
      return this.map(col, path, ctx === ROOT);
    }
    if (ctx === ROOT) throw GIVE_UP;
    return this.plainValue(start, end, parent);
  }

  /**
   * Scans a plain scalar in block context from `pos`, up to what stops it (`:` before a
   * blank, ` #`, the line end), where it leaves `pos`; returns the end of its text.
   */
  private plainEnd(): number {
    const src = this.src;
    let p = this.pos;
    let end = p;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === COLON) {
        if (isBlank(src.charCodeAt(p + 1))) break;
        end = ++p;
      } else if (c === SPACE) {
        if (src.charCodeAt(p + 1) === HASH) break;
        p++;
      } else if (c === LF || c !== c) {
        break;
      } else if (c < SPACE || c === BOM) {
        throw GIVE_UP; // tabs, control characters, carriage returns
      } else {
        end = ++p;
      }
    }
    this.pos = p;
    return end;
  }

  /**
   * A plain scalar value in block context from `start` to `end`, with `pos` at what ended
   * its first line, and the lines continuing it (indented more than `parent`) folded as
   * YAML folds them: one line break to a space, n empty lines to n line breaks.
   */
  private plainValue(start: number, end: number, parent: number): unknown {
    const src = this.src;
    let text = src.slice(start, end);
    while (src.charCodeAt(this.pos) === LF) {
      // Look at the next non-empty line without moving, unless it continues the scalar.
      let p = this.pos + 1;
      let lineStart = p;
      let lines = 1;
      let c: number;
      for (;;) {
        while (src.charCodeAt(p) === SPACE) p++;
        c = src.charCodeAt(p);
        if (c !== LF) break;
        p++;
        lines++;
        lineStart = p;
      }
      if (c !== c || c === HASH || p - lineStart <= parent) break;
      if (cannotStartPlain(c, src.charCodeAt(p + 1), false)) throw GIVE_UP;
      this.pos = p;
      this.line += lines;
      this.lineStart = lineStart;
      const lineEnd = this.plainEnd();
      if (src.charCodeAt(this.pos) === COLON) throw GIVE_UP; // a key in a multi-line scalar: an error in `yaml`
      text += (lines === 1 ? ' ' : '\n'.repeat(lines - 1)) + src.slice(p, lineEnd);
    }
    this.endLine();
    this.nextContent();
    // Folded text is resolved too, as `yaml` does: `1\n  2` is the string "1 2".
    return resolvePlain(text);
  }

  private doubleQuoted(): string {
    const src = this.src;
    let p = this.pos + 1;
    let out = '';
    let from = p;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === DQUOTE) break;
      if (c === BACKSLASH) {
        out += src.slice(from, p);
        const next = src.charAt(p + 1);
        const simple = ESCAPES[next];
        if (simple !== undefined) {
          out += simple;
          p += 2;
        } else if (next === 'x' || next === 'u' || next === 'U') {
          const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
          const hex = src.slice(p + 2, p + 2 + length);
          if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) throw GIVE_UP;
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) throw GIVE_UP;
          out += String.fromCodePoint(code);
          p += 2 + length;
        } else {
          throw GIVE_UP;
        }
        from = p;
      } else if (c === LF || c === CR || c !== c) {
        throw GIVE_UP; // multi-line or unterminated
      } else {
        p++;
      }
    }
    out += src.slice(from, p);
    this.pos = p + 1;
    return out;
  }

  private singleQuoted(): string {
    const src = this.src;
    let p = this.pos + 1;
    let escaped = false;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === SQUOTE) {
        if (src.charCodeAt(p + 1) !== SQUOTE) break;
        escaped = true;
        p += 2;
      } else if (c === LF || c === CR || c !== c) {
        throw GIVE_UP;
      } else {
        p++;
      }
    }
    const raw = src.slice(this.pos + 1, p);
    this.pos = p + 1;
    return escaped ? raw.replace(/''/g, "'") : raw;
  }

  /** A block mapping key at `pos`; leaves `pos` after its `:`. */
  private blockKey(): string {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    let key: string;
    if (c === DQUOTE || c === SQUOTE) {
      key = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
      while (src.charCodeAt(this.pos) === SPACE) this.pos++;
      if (src.charCodeAt(this.pos) !== COLON || !isBlank(src.charCodeAt(this.pos + 1))) throw GIVE_UP;
    } else {
      if (cannotStartPlain(c, src.charCodeAt(start + 1), false)) throw GIVE_UP;
      const end = this.plainEnd();
      if (src.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
      key = src.slice(start, end);
      if (typeof resolvePlain(key) !== 'string' || key === '<<') throw GIVE_UP;
    }
    if (this.pos - start > MAX_KEY_LENGTH) throw GIVE_UP;
    this.pos++;
    return key;
  }

  /** A block mapping with its keys at column `n`, `pos` at its first key. */
  private map(n: number, path: string, root: boolean): Record<string, unknown> {
    const src = this.src;
    const obj: Record<string, unknown> = {};
    for (;;) {
      const keyLine = this.line;
      const key = this.blockKey();
      if (Object.hasOwn(obj, key)) throw GIVE_UP; // a duplicate: `yaml` reports it
      const p = this.rec === undefined ? '' : childPath(path, key);
      this.record(p, keyLine);
      const items = root && key === 'items';
      while (src.charCodeAt(this.pos) === SPACE) this.pos++;
      const c = src.charCodeAt(this.pos);
      let value: unknown;
      if (c === LF || c === HASH || c !== c) {
        this.endLine();
        const ind = this.nextContent();
        const dash = ind >= 0 && src.charCodeAt(this.pos) === DASH && isBlank(src.charCodeAt(this.pos + 1));
        if (ind > n) value = dash && items ? this.seq(ind, p, true) : this.node(n, ind, LINE_START, p);
        else if (ind === n && dash) value = this.seq(n, p, items);
        else value = null;
      } else if (c === TAB) {
        throw GIVE_UP;
      } else if (items && c === LBRACKET) {
        value = this.flowSeq(n, p, []);
        this.endLine();
        this.nextContent();
      } else {
        value = this.node(n, this.pos - this.lineStart, AFTER_KEY, p);
      }
      if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
      else obj[key] = value;
      if (this.indent < n) return obj;
      if (this.indent > n) throw GIVE_UP;
      if (src.charCodeAt(this.pos) === DASH && isBlank(src.charCodeAt(this.pos + 1))) throw GIVE_UP;
    }
  }

  /** A block sequence with its `-` at column `n`; with `rootItems`, the items of a List (tracked, and read by `yaml` where this reader gives up). */
  private seq(n: number, path: string, rootItems: boolean): unknown[] {
    const src = this.src;
    const out: unknown[] = [];
    const items: ItemStart[] | undefined = rootItems ? [] : undefined;
    for (;;) {
      const p = this.rec === undefined ? '' : indexPath(path, out.length);
      if (items === undefined) {
        out.push(this.seqItem(n, p, false));
      } else {
        const at: ReadPoint = { kind: 'block-item', pos: this.pos, line: this.line, lineStart: this.lineStart, parent: n };
        try {
          out.push(this.seqItem(n, p, true));
          if (this.indent > n) throw GIVE_UP;
          items.push({ line: this.itemLine, at });
        } catch (err) {
          if (err !== GIVE_UP || this.fallback === undefined) throw err;
          const read = this.itemWithYaml(at, n);
          out.push(read.value);
          items.push({ line: read.line, lines: read.lines });
          if (this.rec !== undefined) {
            this.rec.set(p, read.line);
            for (const [k, line] of read.lines) this.rec.set(k.startsWith('[') ? p + k : `${p}.${k}`, line);
          }
        }
      }
      if (this.indent < n) break;
      if (this.indent > n) throw GIVE_UP;
      if (src.charCodeAt(this.pos) !== DASH || !isBlank(src.charCodeAt(this.pos + 1))) break;
    }
    if (items !== undefined) this.items = items;
    return out;
  }

  /** An item of a List's block sequence this reader gave up on, read by `yaml`. */
  private itemWithYaml(at: ReadPoint, n: number): ItemRead {
    const src = this.src;
    const end = blockItemEnd(src, at.lineStart, n);
    const text = src.slice(at.lineStart, end);
    const read = this.fallback?.(text, at.line);
    if (read === undefined) throw GIVE_UP;
    let breaks = 0;
    for (let q = text.indexOf('\n'); q !== -1; q = text.indexOf('\n', q + 1)) breaks++;
    this.pos = end;
    this.line = at.line + breaks;
    this.lineStart = end === src.length ? src.lastIndexOf('\n', end - 1) + 1 : end;
    this.nextContent();
    return read;
  }

  /**
   * One block sequence item from its `-`; returns with `pos` at the next content line.
   * With `track`, keeps the line its node starts on in `itemLine`.
   */
  private seqItem(n: number, path: string, track: boolean): unknown {
    const src = this.src;
    const dashLine = this.line;
    this.pos++;
    while (src.charCodeAt(this.pos) === SPACE) this.pos++;
    const c = src.charCodeAt(this.pos);
    if (c === LF || c === HASH || c !== c) {
      this.endLine();
      const ind = this.nextContent();
      const line = ind > n ? this.line : dashLine;
      if (track) this.itemLine = line;
      this.record(path, line);
      return ind > n ? this.node(n, ind, LINE_START, path) : null;
    }
    if (c === TAB) throw GIVE_UP;
    if (track) this.itemLine = dashLine;
    this.record(path, dashLine);
    return this.node(n, this.pos - this.lineStart, AFTER_DASH, path);
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar, `pos` at its indicator, as `yaml`
   * resolves it; an indentation indicator, keep chomping (`+`), tabs or more-indented
   * blank lines give up. Returns with `pos` at the next content line.
   */
  private blockScalar(parent: number): string {
    const src = this.src;
    const literal = src.charCodeAt(this.pos) === PIPE;
    let p = this.pos + 1;
    let strip = false;
    if (src.charCodeAt(p) === DASH) {
      strip = true;
      p++;
    }
    if (!isBlank(src.charCodeAt(p)) && src.charCodeAt(p) !== HASH) throw GIVE_UP;
    this.pos = p;
    if (src.charCodeAt(p) === HASH) throw GIVE_UP; // `|#` is not a comment
    this.endLine();
    // Its lines: up to the first non-empty line indented less than its first one.
    let trim = -1;
    let value = '';
    let sep = '';
    let leading = 0;
    let leadingMax = 0;
    let empty = 0; // empty lines not yet added: trailing ones are chomped
    let prevMore = false;
    for (;;) {
      const lineStart = this.pos;
      let q = lineStart;
      while (src.charCodeAt(q) === SPACE) q++;
      const c = src.charCodeAt(q);
      const ind = q - lineStart;
      if (c !== c) break;
      if (c === LF) {
        // More-indented empty lines keep their extra spaces in `yaml`: left to it.
        if (trim < 0) {
          leading++;
          if (ind > leadingMax) leadingMax = ind;
        } else {
          if (ind > trim) throw GIVE_UP;
          empty++;
        }
        this.pos = q + 1;
        this.line++;
        this.lineStart = this.pos;
        continue;
      }
      if (trim < 0) {
        if (ind <= parent) break;
        if (leadingMax > ind) throw GIVE_UP; // an error in `yaml`
        trim = ind;
        value = '\n'.repeat(leading);
      } else if (ind < trim) {
        break;
      }
      if (c === TAB || c === CR) throw GIVE_UP;
      const nl = src.indexOf('\n', q);
      const lineEnd = nl < 0 ? src.length : nl;
      const content = src.slice(lineStart + trim, lineEnd);
      if (content.indexOf('\r') >= 0) throw GIVE_UP;
      for (; empty > 0; empty--) {
        if (literal) {
          value += sep;
          sep = '\n';
        } else if (sep === '\n') {
          value += '\n';
        } else {
          sep = '\n';
        }
      }
      if (literal) {
        value += sep + content;
        sep = '\n';
      } else if (ind > trim) {
        if (sep === ' ') sep = '\n';
        else if (!prevMore && sep === '\n') sep = '\n\n';
        value += sep + content;
        sep = '\n';
        prevMore = true;
      } else {
        value += sep + content;
        sep = ' ';
        prevMore = false;
      }
      if (nl < 0) {
        this.pos = src.length;
        break;
      }
      this.pos = nl + 1;
      this.line++;
      this.lineStart = this.pos;
    }
    this.nextContent();
    if (trim < 0) return '';
    return strip ? value : `${value}\n`;
  }

  /** Whitespace, line breaks and comments inside a flow collection; lines must be indented more than `parent`. */
  private flowSpace(parent: number): void {
    const src = this.src;
    let p = this.pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === SPACE || (c === TAB && parent < 0)) {
        p++;
      } else if (c === LF) {
        p++;
        this.line++;
        this.lineStart = p;
        let q = p;
        while (src.charCodeAt(q) === SPACE) q++;
        const d = src.charCodeAt(q);
        if (d !== LF && q - p <= parent) throw GIVE_UP;
        if (d === TAB && parent >= 0) throw GIVE_UP;
      } else if (c === HASH) {
        const prev = src.charCodeAt(p - 1);
        if (p > this.lineStart && prev !== SPACE && prev !== TAB) break;
        const nl = src.indexOf('\n', p);
        p = nl < 0 ? src.length : nl;
      } else {
        break;
      }
    }
    this.pos = p;
  }

  /** A flow sequence at `pos` (its `[`); with `items`, a List's items, tracked. */
  private flowSeq(parent: number, path: string, items: ItemStart[] | undefined): unknown[] {
    const src = this.src;
    const out: unknown[] = [];
    this.pos++;
    this.flowSpace(parent);
    if (src.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      if (items !== undefined) this.items = items;
      return out;
    }
    for (;;) {
      const p = this.rec === undefined ? '' : indexPath(path, out.length);
      this.record(p, this.line);
      if (items !== undefined) items.push({ line: this.line, at: { kind: 'flow-item', pos: this.pos, line: this.line, lineStart: this.lineStart, parent } });
      out.push(this.flowNode(parent, p));
      this.flowSpace(parent);
      let c = src.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.flowSpace(parent);
        c = src.charCodeAt(this.pos);
        if (c !== RBRACKET) continue;
      }
      if (c !== RBRACKET) throw GIVE_UP;
      this.pos++;
      if (items !== undefined) this.items = items;
      return out;
    }
  }

  /** A flow mapping at `pos` (its `{`). */
  private flowMap(parent: number, path: string, root: boolean): Record<string, unknown> {
    const src = this.src;
    const obj: Record<string, unknown> = {};
    this.pos++;
    this.flowSpace(parent);
    if (src.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return obj;
    }
    for (;;) {
      const keyLine = this.line;
      const start = this.pos;
      const c = src.charCodeAt(start);
      let key: string;
      if (c === DQUOTE || c === SQUOTE) {
        key = c === DQUOTE ? this.doubleQuoted() : this.singleQuoted();
      } else {
        if (cannotStartPlain(c, src.charCodeAt(start + 1), true)) throw GIVE_UP;
        key = this.flowPlain();
        if (typeof resolvePlain(key) !== 'string' || key === '<<') throw GIVE_UP;
      }
      if (this.pos - start > MAX_KEY_LENGTH) throw GIVE_UP;
      this.flowSpace(parent);
      if (this.line !== keyLine || src.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
      this.pos++;
      this.flowSpace(parent);
      const v = src.charCodeAt(this.pos);
      if (v === COMMA || v === RBRACE) throw GIVE_UP; // an empty value
      if (Object.hasOwn(obj, key)) throw GIVE_UP;
      const p = this.rec === undefined ? '' : childPath(path, key);
      this.record(p, keyLine);
      const value = root && key === 'items' && v === LBRACKET ? this.flowSeq(parent, p, []) : this.flowNode(parent, p);
      if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
      else obj[key] = value;
      this.flowSpace(parent);
      let d = src.charCodeAt(this.pos);
      if (d === COMMA) {
        this.pos++;
        this.flowSpace(parent);
        d = src.charCodeAt(this.pos);
        if (d !== RBRACE) continue;
      }
      if (d !== RBRACE) throw GIVE_UP;
      this.pos++;
      return obj;
    }
  }

  private flowNode(parent: number, path: string): unknown {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    switch (c) {
      case LBRACE:
        return this.flowMap(parent, path, false);
      case LBRACKET:
        return this.flowSeq(parent, path, undefined);
      case DQUOTE:
        return this.doubleQuoted();
      case SQUOTE:
        return this.singleQuoted();
      default:
        if (cannotStartPlain(c, src.charCodeAt(this.pos + 1), true)) throw GIVE_UP;
        return resolvePlain(this.flowPlain());
    }
  }

  /** A one-line plain scalar in flow context. */
  private flowPlain(): string {
    const src = this.src;
    const start = this.pos;
    let p = start;
    let end = p;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === COLON) {
        const next = src.charCodeAt(p + 1);
        if (isBlank(next) || isFlowIndicator(next)) break;
        end = ++p;
      } else if (c === SPACE) {
        if (src.charCodeAt(p + 1) === HASH) break;
        p++;
      } else if (c === LF || c !== c || isFlowIndicator(c)) {
        break;
      } else if (c < SPACE || c === BOM) {
        throw GIVE_UP;
      } else {
        end = ++p;
      }
    }
    this.pos = end;
    return src.slice(start, end);
  }
}

/**
 * Reads one document: `text` is the document alone (from its `---` line, if any, to
 * the next document's), its first line is line `firstLine` of the file.
 */
export function readFastDocument(text: string, firstLine: number, fallback?: ItemFallback): FastRead {
  const reader = new Reader(text, firstLine, undefined, fallback);
  try {
    const doc = reader.document();
    if (doc === null) return { kind: 'empty' };
    return { kind: 'value', value: doc.value, line: doc.line, ...(reader.items === undefined ? {} : { items: reader.items }) };
  } catch (err) {
    if (err === GIVE_UP) return { kind: 'unsupported' };
    throw err;
  }
}

/**
 * Line of each field path below the node at `at` in `text` (the same text
 * readFastDocument read), paths relative to that node. Undefined if the text no longer
 * reads (it always should: it read once).
 */
export function readLines(text: string, at: ReadPoint, fallback?: ItemFallback): Map<string, number> | undefined {
  const rec = new Map<string, number>();
  const reader = new Reader(text, at.line, rec, fallback);
  try {
    if (at.kind === 'doc') {
      reader.document();
    } else {
      reader.moveTo(at);
      if (at.kind === 'block-item') reader.blockItem(at.parent);
      else reader.flowItem(at.parent);
    }
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
  rec.delete(''); // the node's own line is the document's line
  return rec;
}
