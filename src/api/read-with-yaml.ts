// Reading with the `yaml` library: the reference, the reader of every document js-yaml
// hands over (read-with-js-yaml.ts), so that syntax errors, duplicate keys, aliases and
// the rest read exactly as `yaml` reports them, and the reader of line maps. Line
// numbers are those of the whole file: the text read here may be one document (or one
// List item) cut out of it.
import type { Document, Node as YamlNode } from 'yaml';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { childPath, indexPath } from './validation/field-path.ts';

/** Guards against alias bombs ("billion laughs"): real manifests use few aliases. */
const MAX_ALIAS_COUNT = 1000;

/** Where a document, or an item of a List in it, is: its line and the lines of its fields. */
export interface Where {
  readonly line: number;
  readonly lines: ReadonlyMap<string, number>;
  /** The `i`th element of its `items`; undefined when not known. */
  item(i: number): Where | undefined;
}

/** One List item read alone: its value, the line its node starts on, its line map. */
export interface ItemRead {
  readonly value: unknown;
  readonly line: number;
  readonly lines: ReadonlyMap<string, number>;
}

export type YamlDocument =
  | { readonly kind: 'errors'; readonly line: number; readonly errors: ReadonlyArray<{ readonly message: string; readonly line: number }> }
  | { readonly kind: 'unreadable'; readonly line: number; readonly message: string }
  | { readonly kind: 'value'; readonly value: unknown; readonly where: Where };

type LineAt = (offset: number) => number;

/** Line of each field path below `node`, keyed like validation paths. */
function lineMap(node: unknown, lineAt: LineAt): Map<string, number> {
  const lines = new Map<string, number>();
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

function nodeWhere(node: unknown, line: number, lineAt: LineAt): Where {
  return {
    line,
    // A getter: a List's own lines are never needed, only its items'.
    get lines(): ReadonlyMap<string, number> {
      return lineMap(node, lineAt);
    },
    item(i: number): Where | undefined {
      const itemsNode = isMap(node) ? node.get('items', true) : undefined;
      const itemNode: unknown = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
      if (itemNode === undefined) return undefined;
      const range = (itemNode as YamlNode | null)?.range;
      return nodeWhere(itemNode, range === undefined || range === null ? line : lineAt(range[0]), lineAt);
    },
  };
}

/** Text to `yaml` documents; its first line is line `firstLine` of the file. Throws what `yaml` throws. */
function parse(text: string, firstLine: number): { docs: Document.Parsed[]; lineAt: LineAt } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: true }) as Document.Parsed[];
  return { docs, lineAt: (offset) => lc.linePos(offset).line + firstLine - 1 };
}

/**
 * Every document of `text` (whose first line is line `firstLine` of the file), read by
 * `yaml`: its value, its syntax errors (`syntax` names them: "YAML syntax error"), or
 * why it could not be turned into a value. Throws what `yaml` throws.
 */
export function readWithYaml(text: string, firstLine: number, syntax: string): YamlDocument[] {
  const { docs, lineAt } = parse(text, firstLine);
  return docs.map((doc): YamlDocument => {
    const line = lineAt(doc.contents?.range[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      return {
        kind: 'errors', line, errors: doc.errors.map((e) => {
          const first = e.message.split('\n')[0] ?? e.message;
          return { message: `${syntax}: ${first.replace(/ at line \d+, column \d+:?$/, '')}`, line: lineAt(e.pos[0]) };
        }),
      };
    }
    try {
      return { kind: 'value', value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), where: nodeWhere(doc.contents, line, lineAt) };
    } catch (err) {
      return { kind: 'unreadable', line, message: err instanceof Error ? err.message : String(err) };
    }
  });
}

/**
 * One sequence item read by `yaml`: `text` is a sequence holding just that item (a block
 * item from the line of its `-`, or a flow one in `[...]`), its first line is line
 * `firstLine` of the file. Undefined on any problem, so the caller reads the whole
 * document with `yaml` and reports what it finds.
 */
export function readItemWithYaml(text: string, firstLine: number): ItemRead | undefined {
  try {
    const { docs, lineAt } = parse(text, firstLine);
    const doc = docs[0];
    if (docs.length !== 1 || doc === undefined || doc.errors.length > 0 || !isSeq(doc.contents) || doc.contents.items.length !== 1) return undefined;
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown[];
    const node: unknown = doc.contents.items[0];
    const range = (node as YamlNode | null)?.range;
    return { value: value[0], line: range === undefined || range === null ? firstLine : lineAt(range[0]), lines: lineMap(node, lineAt) };
  } catch {
    return undefined;
  }
}
