// Text to documents: multi-document YAML or JSON (parsed as YAML, of which JSON is a
// subset, so both get line numbers), `kind: List` / `*List` flattened into their items,
// empty documents skipped. Never throws: syntax errors, binary data and documents that
// are not objects each become one problem with a line number.
import type { Document, Node as YamlNode } from 'yaml';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Problem } from './problem.ts';
import type { SourceDocument } from './source-document.ts';
import { childPath, indexPath } from './validation/field-path.ts';
import { isObject } from './validation/shape.ts';

/** Guards against alias bombs ("billion laughs"): real manifests use few aliases. */
const MAX_ALIAS_COUNT = 1000;

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

/** Line of each field path below `node`, keyed like validation paths. */
function lineMap(node: unknown, lc: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  const lineAt = (offset: number): number => lc.linePos(offset).line;
  const walk = (n: unknown, path: string): void => {
    if (isMap(n)) {
      for (const pair of n.items) {
        const key = pair.key;
        if (!isScalar(key) || key.range === undefined || key.range === null) continue;
        const p = childPath(path, String(key.value));
        lines.set(p, lineAt(key.range[0]));
        walk(pair.value, p);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        const p = indexPath(path, i);
        const range = (item as YamlNode | null)?.range;
        if (range !== undefined && range !== null) lines.set(p, lineAt(range[0]));
        walk(item, p);
      });
    }
  };
  walk(node, '');
  return lines;
}

function isList(obj: Readonly<Record<string, unknown>>): boolean {
  return typeof obj['kind'] === 'string' && obj['kind'].endsWith('List') && Array.isArray(obj['items']);
}

export function parseText(text: string, source: string): { documents: SourceDocument[]; problems: Problem[] } {
  const documents: SourceDocument[] = [];
  const problems: Problem[] = [];
  const problem = (message: string, line?: number): void => {
    problems.push({ source, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  if (looksBinary(text)) {
    problem('binary data, not YAML or JSON text');
    return { documents, problems };
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lc = new LineCounter();
  const syntax = /^\s*[[{]/.test(body) ? 'JSON syntax error' : 'YAML syntax error';
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(body, { lineCounter: lc, prettyErrors: true }) as Document.Parsed[];
  } catch (err) {
    problem(`cannot parse as YAML or JSON: ${err instanceof Error ? err.message : String(err)}`);
    return { documents, problems };
  }
  docs.forEach((doc, index) => {
    const line = lc.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const firstLine = e.message.split('\n')[0] ?? e.message;
        problem(`${syntax}: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`, e.linePos?.[0].line ?? line);
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problem(`cannot read document ${index + 1}: ${err instanceof Error ? err.message : String(err)}`, line);
      return;
    }
    if (value === null || value === undefined) return; // empty document
    if (!isObject(value)) {
      problem(`document ${index + 1} is ${typeOf(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`, line);
      return;
    }
    flatten(value, doc.contents, '', line);

    function flatten(obj: Readonly<Record<string, unknown>>, node: unknown, itemPath: string, at: number): void {
      if (!isList(obj)) {
        documents.push({
          source, index, line: at, ...(itemPath === '' ? {} : { itemPath }), lines: lineMap(node, lc), object: obj,
        });
        return;
      }
      const items = obj['items'] as unknown[];
      const itemsNode = isMap(node) ? node.get('items', true) : undefined;
      const listKind = String(obj['kind']);
      items.forEach((item, i) => {
        const p = indexPath(childPath(itemPath, 'items'), i);
        const itemNode = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
        const range = (itemNode as YamlNode | undefined)?.range;
        const itemLine = range === undefined || range === null ? at : lc.linePos(range[0]).line;
        if (!isObject(item)) {
          problem(`${p} of ${listKind} is ${typeOf(item)}, not a Kubernetes object`, itemLine);
          return;
        }
        // Items of typed lists (PodList from the API) may omit apiVersion and kind.
        const filled = listKind !== 'List' && (item['kind'] === undefined || item['apiVersion'] === undefined)
          ? { apiVersion: obj['apiVersion'], kind: listKind.slice(0, -'List'.length), ...item }
          : item;
        flatten(filled, itemNode, p, itemLine);
      });
    }
  });
  return { documents, problems };
}
