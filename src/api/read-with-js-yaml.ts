// The fast reader of one document: js-yaml (v5) parses it to events (with source
// offsets) and builds its value, an order of magnitude faster than the `yaml` library,
// which stays the reference. The rule here: give the value `yaml` gives, or hand the
// document to `yaml` ('unsupported'), so that every error still reads as `yaml` words
// it. Handed over: what js-yaml rejects (syntax errors, duplicate keys, complex keys,
// nesting deeper than 100), documents that are not mappings (a problem anyway, whose
// line `yaml` gives), and where the two read differently: anchors, aliases and tags
// (`yaml`'s alias limits, custom tags), null keys (`yaml` makes them "", js-yaml
// "null"), numbers too big for a double (`yaml`: Infinity, js-yaml: the text), and what
// js-yaml lets through that `yaml` rejects (found by the properties in the test: tabs,
// lone carriage returns, indented `---`, implicit keys over lines or 1024 characters, a
// key right after a flow node, block scalars with an indentation indicator). Both read
// YAML 1.2 with the core schema: timestamps, `yes`/`on`, `0b1`, `1_000` stay strings,
// `<<` is an ordinary key.
//
// The items of a List (a root `items` sequence of mappings) are located from the
// events: each one's line, and its own text, so that its line map (read by `yaml`, on
// first use) costs only that item. An item with anchors, aliases or tags is read by
// `yaml` alone; the rest of the List stays with js-yaml.
import type { Event } from 'js-yaml';
import {
  COLLECTION_STYLE, CORE_SCHEMA, EVENT_ID, NOT_RESOLVED, SCALAR_STYLE,
  constructFromEvents, defineMappingTag, defineScalarTag, floatCoreTag, getScalarValue, intCoreTag, mapTag, parseEvents,
} from 'js-yaml';
import type { ItemRead } from './read-with-yaml.ts';
import { readItemWithYaml } from './read-with-yaml.ts';

/** Thrown by the schema below where js-yaml would read a value `yaml` reads differently. */
const DIVERGES: Error = new Error('js-yaml and yaml read this differently');

// `yaml`'s core schema patterns (yaml/dist/schema/core/{int,float}.js): a plain scalar
// matching one is a number there, Infinity when too big; js-yaml keeps those as strings.
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** `base`, throwing DIVERGES on a plain scalar it leaves a string but `yaml` reads as a number (`pattern`). */
function numberTag(base: typeof intCoreTag, pattern: RegExp): typeof intCoreTag {
  return defineScalarTag(base.tagName, {
    implicit: true,
    implicitFirstChars: base.implicitFirstChars,
    identify: base.identify,
    represent: base.represent,
    resolve(source, isExplicit, tagName) {
      const value = base.resolve(source, isExplicit, tagName);
      if (value === NOT_RESOLVED && !isExplicit && pattern.test(source)) throw DIVERGES;
      return value;
    },
  });
}

const intTag = numberTag(intCoreTag, CORE_INT);
const floatTag = numberTag(floatCoreTag, CORE_FLOAT);

const objectMapTag = defineMappingTag(mapTag.tagName, {
  create: mapTag.create,
  has: mapTag.has,
  keys: mapTag.keys,
  get: mapTag.get,
  identify: mapTag.identify,
  represent: mapTag.represent,
  // A non-empty message makes js-yaml throw; complex keys mapTag rejects itself.
  addPair: (carrier, key, value) => (key === null ? 'null key' : mapTag.addPair(carrier, key, value)),
});

const SCHEMA = CORE_SCHEMA.withTags(intTag, floatTag, objectMapTag);

/** A block scalar header with an indentation indicator (a comment holding one will do too). */
const INDENTATION_INDICATOR = /[|>][-+]?[1-9]/;

/** `yaml` rejects an implicit key whose `:` is more than 1024 characters after its start. */
const MAX_KEY_SPAN = 1024;

/** Where a List item is: enough to give its line, and its own text (itemText) to `yaml` for its line map. */
export interface ItemSpan {
  /** 1-based line where the item's node starts. */
  readonly line: number;
  /** Its text in the document's: a block item from the start of its `-` line, a flow item from its first character. */
  readonly from: number;
  readonly to: number;
  readonly flow: boolean;
  /** 1-based line of `from`. */
  readonly firstLine: number;
  /** Set when `yaml` read the item (anchors, aliases or tags in it). */
  readonly read?: ItemRead;
}

/** The item alone, as readItemWithYaml reads it: a block sequence with just that item, or a flow one (`[...]`). */
export function itemText(text: string, span: ItemSpan): string {
  const own = text.slice(span.from, span.to);
  return span.flow ? `[${own}]` : own;
}

export type JsYamlRead =
  | { readonly kind: 'empty' }
  | { readonly kind: 'unsupported' }
  | { readonly kind: 'value'; readonly value: unknown; readonly line: number; readonly items?: readonly ItemSpan[] };

const DOC = 0;
const FLOW_MAP = 1;
const BLOCK_MAP = 2;
const SEQ = 3;

const SPACE = 32;
const LF = 10;

function isQuoted(style: number): boolean {
  return style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED;
}

/** Offset just past the text of a node event (for a collection: its first character), -1 when it has none. */
function endOf(e: Event): number {
  switch (e.type) {
    case EVENT_ID.SCALAR:
      if (e.valueStart >= 0) return e.valueEnd + (isQuoted(e.style) ? 1 : 0);
      return Math.max(e.anchorEnd, e.tagEnd);
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return e.start + 1;
    case EVENT_ID.ALIAS:
      return e.anchorEnd;
    default:
      return -1;
  }
}

/** Offset where a node event's text starts, -1 when it has none. */
function startOf(e: Event): number {
  switch (e.type) {
    case EVENT_ID.SCALAR:
      return e.valueStart;
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return e.start;
    default:
      return -1;
  }
}

/**
 * Offset of the `]` closing a flow sequence: from `from` (just past the last token inside
 * it) only separators, comments and the brackets closing the `open` collections (the
 * sequence included) can follow. -1 if something else does (it never should).
 */
function flowClose(text: string, from: number, open: number): number {
  let n = open;
  for (let p = from; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (--n === 0) return p;
    } else if (c === 0x23 /* # */) {
      const nl = text.indexOf('\n', p);
      if (nl < 0) return -1;
      p = nl;
    } else if (c !== SPACE && c !== LF && c !== 9 && c !== 0x2c /* , */ && c !== 0x3a /* : */ && c !== 0x3f /* ? */) {
      return -1;
    }
  }
  return -1;
}

/** Start of the line holding `offset`. */
function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** What one pass over the events finds: whether js-yaml's value can be used, and the List items. */
interface Scan {
  /** Something `yaml` may read differently outside the items. */
  diverges: boolean;
  /** Root `items` is a sequence with an item that is not a mapping. */
  nonMapItem: boolean;
  /** Offset of each item's node, and where its text starts (before its anchor or tag). */
  itemStarts: number[];
  itemCuts: number[];
  /** Items holding anchors, aliases or tags. */
  flagged: Set<number>;
  itemsStyle: number;
  /** Offset of the `items` sequence (its first `-` or its `[`). */
  itemsStart: number;
  /** Flow `items`: just past the last token inside, with `open` collections then open. */
  lastEnd: number;
  open: number;
  /** First offset after the `items` sequence (-1: none): where a block sequence's last item ends. */
  after: number;
  /** Range of the event index of each item (for replacing flagged ones). */
  itemEvents: Array<[number, number]>;
}

/** True when the line holding `offset` has only spaces before it. */
function startsLine(text: string, offset: number): boolean {
  for (let q = offset - 1; q >= 0; q--) {
    const c = text.charCodeAt(q);
    if (c === LF) return true;
    if (c !== SPACE) return false;
  }
  return true;
}

/**
 * Whether an implicit key `yaml` accepts: on one line (js-yaml lets quoted ones run
 * over lines), its `:` within 1024 characters of its start, and, in a block mapping
 * after the first key, at the start of its line (js-yaml also takes one right after a
 * flow node that ends a sequence item: `- "x""k": 1`).
 */
function keyAsYaml(text: string, e: Extract<Event, { type: typeof EVENT_ID.SCALAR }>, startsOwnLine: boolean): boolean {
  if (e.valueStart < 0) return true;
  const start = e.valueStart - (isQuoted(e.style) ? 1 : 0);
  let p = endOf(e);
  while (text.charCodeAt(p) === SPACE) p++;
  if (p - start > MAX_KEY_SPAN) return false;
  if (e.style !== SCALAR_STYLE.PLAIN) for (let q = start; q < p; q++) if (text.charCodeAt(q) === LF) return false;
  return !startsOwnLine || startsLine(text, start);
}

/**
 * One pass over the events: what `yaml` may read differently (flagging the List item it
 * is in, or the document), and where the root `items` sequence and its items are.
 */
function scanEvents(text: string, events: readonly Event[]): Scan {
  const scan: Scan = { diverges: false, nonMapItem: false, itemStarts: [], itemCuts: [], flagged: new Set(), itemsStyle: 0, itemsStart: -1, lastEnd: -1, open: 0, after: -1, itemEvents: [] };
  // Per open collection (index: depth, the document at 0): its kind, how many children so far,
  // and how many collections down to it were opened by a bracket (a flow pair `[a: b]` is a mapping without one).
  const kinds: number[] = [];
  const counts: number[] = [];
  const brackets: number[] = [];
  let depth = -1;
  let itemsKey = false; // the last root key was `items`
  let itemsDepth = -1; // depth of the `items` sequence while inside it
  let itemsDone = false;
  let item = -1;
  const differs = (): void => {
    if (itemsDepth >= 0 && depth >= itemsDepth && item >= 0) scan.flagged.add(item);
    else scan.diverges = true;
  };
  for (let k = 0; k < events.length; k++) {
    const e = events[k] as Event;
    if (e.type === EVENT_ID.POP) {
      if (depth === itemsDepth) {
        itemsDepth = -1;
        itemsDone = true;
      } else if (itemsDepth >= 0 && depth === itemsDepth + 1) {
        (scan.itemEvents[item] as [number, number])[1] = k + 1;
      }
      depth--;
      continue;
    }
    if (e.type === EVENT_ID.DOCUMENT) {
      // Directives change how the text reads; a second document means the cut at `---` lines missed one.
      if (e.directives.length > 0 || k > 0) scan.diverges = true;
      kinds[++depth] = DOC;
      counts[depth] = 0;
      brackets[depth] = 0;
      continue;
    }
    if (itemsDone) {
      const s = startOf(e);
      if (s >= 0) {
        scan.after = s;
        itemsDone = false;
      }
    }
    const parent = kinds[depth];
    const index = (counts[depth] as number) + 1;
    counts[depth] = index;
    if ((parent === BLOCK_MAP || parent === FLOW_MAP) && (index & 1) === 1) {
      if (e.type === EVENT_ID.SCALAR) {
        if (!keyAsYaml(text, e, parent === BLOCK_MAP && index > 1)) differs();
        if (depth === 1) itemsKey = (e.fast ? text.slice(e.valueStart, e.valueEnd) : getScalarValue(text, e)) === 'items';
      } else if (depth === 1) {
        itemsKey = false;
      }
    } else if (depth === 1 && itemsKey) {
      itemsKey = false;
      if (e.type === EVENT_ID.SEQUENCE) {
        itemsDepth = depth + 1;
        scan.itemsStyle = e.style;
        scan.itemsStart = e.start;
      }
    } else if (depth === itemsDepth) {
      item++;
      scan.itemEvents.push([k, k + 1]);
      if (e.type === EVENT_ID.MAPPING) {
        scan.itemStarts.push(e.start);
        // Its text starts at its anchor or tag, if any: they come before it.
        scan.itemCuts.push(Math.min(e.start, e.anchorStart < 0 ? e.start : e.anchorStart, e.tagStart < 0 ? e.start : e.tagStart));
      } else {
        scan.nonMapItem = true;
      }
    }
    if (e.type === EVENT_ID.ALIAS || e.anchorStart >= 0 || e.tagStart >= 0) differs();
    if (e.type === EVENT_ID.SCALAR && e.style >= SCALAR_STYLE.LITERAL_BLOCK && e.valueStart > 0) {
      // `yaml` drops a trailing more-indented blank line of a block scalar with an
      // indentation indicator (`|2-`); js-yaml keeps it as YAML says.
      const header = text.slice(text.lastIndexOf('\n', e.valueStart - 2) + 1, e.valueStart);
      if (INDENTATION_INDICATOR.test(header)) differs();
    }
    const opens = e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE;
    if (opens) {
      const c = text.charCodeAt(e.start);
      brackets[depth + 1] = (brackets[depth] as number) + (c === 0x5b /* [ */ || c === 0x7b /* { */ ? 1 : 0);
    }
    if (itemsDepth >= 0 && scan.itemsStyle === COLLECTION_STYLE.FLOW) {
      const end = endOf(e);
      if (end >= 0) {
        scan.lastEnd = end;
        scan.open = (brackets[opens ? depth + 1 : depth] as number) - (brackets[itemsDepth - 1] as number);
      }
    }
    if (opens) {
      kinds[++depth] = e.type === EVENT_ID.SEQUENCE ? SEQ : e.style === COLLECTION_STYLE.BLOCK ? BLOCK_MAP : FLOW_MAP;
      counts[depth] = 0;
    }
  }
  return scan;
}

/** Counts lines forward through a text, for offsets asked in increasing order. */
class LineCursor {
  private readonly text: string;
  private line: number;
  /** The first line break not yet counted, -1 when none is left. */
  private next: number;

  constructor(text: string, firstLine: number) {
    this.text = text;
    this.line = firstLine;
    this.next = text.indexOf('\n');
  }

  at(offset: number): number {
    while (this.next !== -1 && this.next < offset) {
      this.line++;
      this.next = this.text.indexOf('\n', this.next + 1);
    }
    return this.line;
  }
}

/** Line of `offset`, given that `later` (>= offset) is on line `line`. */
function lineBefore(text: string, offset: number, later: number, line: number): number {
  let n = line;
  for (let q = offset; q < later; q++) if (text.charCodeAt(q) === LF) n--;
  return n;
}

/**
 * The items' spans. Block items: text from the line of each `-` to the next one's (the
 * last to the line after the sequence); flow items: from each item to the next (the
 * last to the `]`), read by `yaml` inside `[...]`. Undefined when an end is not found.
 */
function itemSpans(text: string, scan: Scan, cursor: LineCursor): ItemSpan[] | undefined {
  const starts = scan.itemStarts;
  const spans: ItemSpan[] = [];
  if (scan.itemsStyle === COLLECTION_STYLE.FLOW) {
    const close = starts.length === 0 ? -1 : flowClose(text, scan.lastEnd, scan.open);
    if (starts.length > 0 && close < 0) return undefined;
    starts.forEach((start, i) => {
      const line = cursor.at(start);
      const from = scan.itemCuts[i] as number;
      spans.push({ line, from, to: scan.itemCuts[i + 1] ?? close, flow: true, firstLine: lineBefore(text, from, start, line) });
    });
    return spans;
  }
  // A block sequence: every `-` is at the column of the first one.
  const column = scan.itemsStart - lineStartOf(text, scan.itemsStart);
  const lines: number[] = [];
  const dashes: number[] = [];
  const dashLines: number[] = [];
  for (const start of starts) {
    const line = cursor.at(start);
    // The `-` is on the item's first line, or on a line above it with only comments between.
    let ls = lineStartOf(text, start);
    let dashLine = line;
    while (text.charCodeAt(ls + column) !== 0x2d /* - */ || !startsLine(text, ls + column)) {
      if (ls === 0) return undefined;
      ls = lineStartOf(text, ls - 1);
      dashLine--;
    }
    lines.push(line);
    dashes.push(ls);
    dashLines.push(dashLine);
  }
  const end = scan.after >= 0 ? lineStartOf(text, scan.after) : text.length;
  dashes.forEach((from, i) => {
    spans.push({ line: lines[i] as number, from, to: dashes[i + 1] ?? end, flow: false, firstLine: dashLines[i] as number });
  });
  return spans;
}

/**
 * Reads one document (`text`: from its `---` line, if any, to the next document's);
 * its first line is line `firstLine` of the file.
 */
export function readWithJsYaml(text: string, firstLine: number): JsYamlRead {
  // A carriage return not before LF (parse-text.ts turns CRLF into LF) breaks lines for
  // js-yaml only; js-yaml lets tabs through where `yaml` rejects them (block scalars,
  // indentation): both are left to `yaml`.
  if (text.includes('\r') || text.includes('\t')) return { kind: 'unsupported' };
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return { kind: 'unsupported' };
  }
  const [doc, root] = events;
  if (doc === undefined) return { kind: 'empty' };
  if (doc.type !== EVENT_ID.DOCUMENT || root === undefined) return { kind: 'unsupported' };
  // The text holds no `...` line and at most a `---` at its start; js-yaml also takes
  // indented ones for markers.
  if (doc.explicitEnd || (doc.explicitStart && !text.startsWith('---'))) return { kind: 'unsupported' };
  if (root.type === EVENT_ID.SCALAR && root.valueStart < 0 && root.anchorStart < 0 && root.tagStart < 0 && events.length === 3) return { kind: 'empty' };
  if (root.type !== EVENT_ID.MAPPING) return { kind: 'unsupported' };
  const scan = scanEvents(text, events);
  if (scan.diverges || scan.nonMapItem) return { kind: 'unsupported' };
  const cursor = new LineCursor(text, firstLine);
  const line = cursor.at(root.start);
  const spans = scan.itemsStart >= 0 ? itemSpans(text, scan, cursor) : undefined;
  if (scan.itemsStart >= 0 && spans === undefined) return { kind: 'unsupported' };
  // Flagged items: `yaml` reads each alone; js-yaml sees an empty item in their place.
  let toConstruct = events;
  const reads = new Map<number, ItemRead>();
  if (scan.flagged.size > 0) {
    toConstruct = [];
    let from = 0;
    for (const i of [...scan.flagged].sort((a, b) => a - b)) {
      const span = spans?.[i];
      const read = span === undefined ? undefined : readItemWithYaml(itemText(text, span), span.firstLine);
      if (read === undefined) return { kind: 'unsupported' };
      reads.set(i, read);
      const [a, b] = scan.itemEvents[i] as [number, number];
      for (let k = from; k < a; k++) toConstruct.push(events[k] as Event);
      toConstruct.push({ type: EVENT_ID.SCALAR, valueStart: -1, valueEnd: -1, anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1, style: SCALAR_STYLE.PLAIN, chomping: 1, indent: -1, fast: false });
      from = b;
    }
    for (let k = from; k < events.length; k++) toConstruct.push(events[k] as Event);
  }
  let value: unknown;
  try {
    [value] = constructFromEvents(toConstruct, { source: text, schema: SCHEMA });
  } catch {
    return { kind: 'unsupported' };
  }
  if (reads.size > 0) {
    const items = (value as { items: unknown[] }).items;
    for (const [i, read] of reads) items[i] = read.value;
  }
  const items = spans?.map((s, i) => {
    const read = reads.get(i);
    return read === undefined ? s : { ...s, line: read.line, read };
  });
  return { kind: 'value', value, line, ...(items === undefined ? {} : { items }) };
}
