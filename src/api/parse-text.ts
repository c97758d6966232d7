// Text to documents: multi-document YAML or JSON (JSON is read as the YAML it is, so both
// get line numbers), `kind: List` / `*List` flattened into their items, empty documents
// skipped. Never throws: syntax errors, binary data and documents that are not objects
// each become one problem with a line number.
//
// Each document (the text between `---` lines) is read by js-yaml (read-with-js-yaml.ts),
// and by the `yaml` library when js-yaml might read it differently or finds a problem
// (then errors read as `yaml` words them); a file with directives (`%YAML`) or `...`
// end markers is read whole by `yaml`. Line maps are read by `yaml` on first use.
import { LazyLines, linesBelow } from './lazy-lines.ts';
import type { Problem } from './problem.ts';
import { itemText, readWithJsYaml } from './read-with-js-yaml.ts';
import type { ItemSpan } from './read-with-js-yaml.ts';
import { readItemWithYaml, readWithYaml } from './read-with-yaml.ts';
import type { Where, YamlDocument } from './read-with-yaml.ts';
import type { SourceDocument } from './source-document.ts';
import { childPath, indexPath } from './validation/field-path.ts';
import { isObject } from './validation/shape.ts';

function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  // NUL or other C0 controls besides tab, LF, CR do not occur in YAML or JSON text.
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x1b) return true;
  }
  return false;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function isList(obj: Readonly<Record<string, unknown>>): boolean {
  return typeof obj['kind'] === 'string' && obj['kind'].endsWith('List') && Array.isArray(obj['items']);
}

/** True when `text` has `marker` (`---` or `...`) at `p`, followed by a blank or the end. */
function markerAt(text: string, p: number, marker: string): boolean {
  if (!text.startsWith(marker, p)) return false;
  const c = text.charCodeAt(p + 3);
  return c !== c || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Offsets of the `---` lines of `text`, each starting a document; undefined when the
 * text has directives or `...` lines, which change how documents are delimited.
 */
function documentMarkers(text: string): number[] | undefined {
  if (text.startsWith('%') || text.includes('\n%') || markerAt(text, 0, '...')) return undefined;
  for (let p = text.indexOf('\n...'); p !== -1; p = text.indexOf('\n...', p + 1)) {
    if (markerAt(text, p + 1, '...')) return undefined;
  }
  const markers: number[] = markerAt(text, 0, '---') ? [0] : [];
  for (let p = text.indexOf('\n---'); p !== -1; p = text.indexOf('\n---', p + 1)) {
    if (markerAt(text, p + 1, '---')) markers.push(p + 1);
  }
  return markers;
}

function countLines(text: string): number {
  let n = 0;
  for (let p = text.indexOf('\n'); p !== -1; p = text.indexOf('\n', p + 1)) n++;
  return n;
}

/** The `i`th List item below `where`, from its line map, when nothing better is known. */
function itemFromLines(where: Where, i: number): Where {
  const path = indexPath('items', i);
  return {
    line: where.lines.get(path) ?? where.line,
    lines: new LazyLines(() => linesBelow(where.lines, path)),
    item: (j) => itemFromLines(itemFromLines(where, i), j),
  };
}

/** Line map of a document read by js-yaml, from `yaml` (on first use only). */
function documentLines(doc: string, firstLine: number): ReadonlyMap<string, number> {
  try {
    const [read] = readWithYaml(doc, firstLine, 'YAML syntax error');
    if (read?.kind === 'value') return read.where.lines;
  } catch {
    // js-yaml read it; `yaml` should too. Without a map, problems name the document's line.
  }
  return new Map<string, number>();
}

/** Where a List item read by js-yaml is (`doc`: the List's text); its line map read by `yaml` on first use. */
function itemWhere(doc: string, span: ItemSpan): Where {
  const where: Where = {
    line: span.line,
    lines: span.read?.lines ?? new LazyLines(() => readItemWithYaml(itemText(doc, span), span.firstLine)?.lines ?? new Map<string, number>()),
    item: (j) => itemFromLines(where, j),
  };
  return where;
}

/** Where a document read by js-yaml (or one of its List items) is. */
function jsYamlWhere(doc: string, firstLine: number, line: number, items: readonly ItemSpan[] | undefined): Where {
  const where: Where = {
    line,
    lines: new LazyLines(() => documentLines(doc, firstLine)),
    item(i) {
      const span = items?.[i];
      return span === undefined ? itemFromLines(where, i) : itemWhere(doc, span);
    },
  };
  return where;
}

interface Parsed {
  documents: SourceDocument[];
  problems: Problem[];
}

/** Collects the documents and problems of one source, flattening Lists. */
function collector(source: string): Parsed & { problem(message: string, line?: number): void; addValue(value: unknown, where: Where, index: number): void; addYaml(doc: YamlDocument, index: number): void } {
  const documents: SourceDocument[] = [];
  const problems: Problem[] = [];
  const problem = (message: string, line?: number): void => {
    problems.push({ source, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  const flatten = (obj: Readonly<Record<string, unknown>>, where: Where, itemPath: string, index: number): void => {
    if (!isList(obj)) {
      documents.push({ source, index, line: where.line, ...(itemPath === '' ? {} : { itemPath }), lines: where.lines, object: obj });
      return;
    }
    const items = obj['items'] as unknown[];
    const listKind = String(obj['kind']);
    items.forEach((item, i) => {
      const p = indexPath(childPath(itemPath, 'items'), i);
      const at = where.item(i) ?? itemFromLines(where, i);
      if (!isObject(item)) {
        problem(`${p} of ${listKind} is ${typeOf(item)}, not a Kubernetes object`, at.line);
        return;
      }
      // Items of typed lists (PodList from the API) may omit apiVersion and kind.
      const filled = listKind !== 'List' && (item['kind'] === undefined || item['apiVersion'] === undefined)
        ? { apiVersion: obj['apiVersion'], kind: listKind.slice(0, -'List'.length), ...item }
        : item;
      flatten(filled, at, p, index);
    });
  };
  const addValue = (value: unknown, where: Where, index: number): void => {
    if (value === null || value === undefined) return; // empty document
    if (!isObject(value)) {
      problem(`document ${index + 1} is ${typeOf(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`, where.line);
      return;
    }
    flatten(value, where, '', index);
  };
  const addYaml = (doc: YamlDocument, index: number): void => {
    if (doc.kind === 'errors') for (const e of doc.errors) problem(e.message, e.line);
    else if (doc.kind === 'unreadable') problem(`cannot read document ${index + 1}: ${doc.message}`, doc.line);
    else addValue(doc.value, doc.where, index);
  };
  return { documents, problems, problem, addValue, addYaml };
}

/** Without the byte-order mark, CRLF as LF (line numbers and `yaml`'s values stay the same; line starts are found by LF alone). */
function normalize(text: string): string {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body.includes('\r\n') ? body.replace(/\r\n/g, '\n') : body;
}

function syntaxLabel(body: string): string {
  return /^\s*[[{]/.test(body) ? 'JSON syntax error' : 'YAML syntax error';
}

/** Text (normalized) read whole by the `yaml` library. */
function readAllWithYaml(body: string, source: string): Parsed {
  const out = collector(source);
  let docs: YamlDocument[];
  try {
    docs = readWithYaml(body, 1, syntaxLabel(body));
  } catch (err) {
    out.problem(`cannot parse as YAML or JSON: ${err instanceof Error ? err.message : String(err)}`);
    return { documents: out.documents, problems: out.problems };
  }
  docs.forEach(out.addYaml);
  return { documents: out.documents, problems: out.problems };
}

/**
 * The reference reading: what parseText gives, with every document read by the `yaml`
 * library (slow: some 20 times slower on large files). For tests and comparisons.
 */
export function parseTextWithYaml(text: string, source: string): Parsed {
  if (looksBinary(text)) return { documents: [], problems: [{ source, message: BINARY, severity: 'error' }] };
  return readAllWithYaml(normalize(text), source);
}

const BINARY = 'binary data, not YAML or JSON text';

export function parseText(text: string, source: string): Parsed {
  if (looksBinary(text)) return { documents: [], problems: [{ source, message: BINARY, severity: 'error' }] };
  const body = normalize(text);
  const markers = documentMarkers(body);
  if (markers === undefined) return readAllWithYaml(body, source);
  const syntax = syntaxLabel(body);
  const out = collector(source);
  // Text before the first `---` is a document only if it holds more than comments.
  const starts = markers[0] === 0 ? markers : [0, ...markers];
  const prelude = markers[0] !== 0;
  let index = 0;
  let line = 1;
  for (let k = 0; k < starts.length; k++) {
    const doc = body.slice(starts[k], starts[k + 1] ?? body.length);
    const optional = prelude && k === 0;
    const read = readWithJsYaml(doc, line);
    if (read.kind === 'value') {
      out.addValue(read.value, jsYamlWhere(doc, line, read.line, read.items), index++);
    } else if (read.kind === 'empty') {
      if (!optional) index++;
    } else {
      let docs: YamlDocument[];
      try {
        docs = readWithYaml(doc, line, syntax);
      } catch {
        return readAllWithYaml(body, source);
      }
      // Cut at its `---` lines, the text should hold one document (none: only comments before the first).
      const [one] = docs;
      if (docs.length > 1 || (one === undefined && !optional)) return readAllWithYaml(body, source);
      if (one !== undefined) out.addYaml(one, index++);
    }
    line += countLines(doc);
  }
  return { documents: out.documents, problems: out.problems };
}
