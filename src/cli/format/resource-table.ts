// `get`'s default and `-o wide` output: a meta.k8s.io/v1 Table (from the server, or built
// locally with the server's printers) printed as kubectl's table printer does — headers
// upper-cased, priority-0 columns only unless wide, NAMESPACE first with
// --all-namespaces, cells aligned by kubectl's tabwriter. Pure.
import { GET_TABS, alignTabs } from './tab-writer.ts';

export interface WireTableColumn {
  readonly name: string;
  readonly priority?: number;
}

export interface WireTableRow {
  readonly cells: readonly unknown[];
  readonly object?: unknown;
}

export interface WireTable {
  readonly columnDefinitions: readonly WireTableColumn[];
  readonly rows: readonly WireTableRow[];
}

export interface TableRenderOptions {
  readonly wide: boolean;
  /** Prepend NAMESPACE, taken from each row's object metadata. */
  readonly withNamespace: boolean;
  readonly noHeaders?: boolean;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function rowNamespace(row: WireTableRow): string {
  const meta = (row.object as { metadata?: { namespace?: unknown } } | undefined)?.metadata;
  return typeof meta?.namespace === 'string' ? meta.namespace : '';
}

/** The tables of several requests (e.g. `get pods a b`) as one. */
export function mergeTables(tables: readonly WireTable[]): WireTable | undefined {
  const [first] = tables;
  if (first === undefined) return undefined;
  return { columnDefinitions: first.columnDefinitions, rows: tables.flatMap((t) => t.rows) };
}

export function renderResourceTable(t: WireTable, o: TableRenderOptions): string {
  const shown = t.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || (c.priority ?? 0) === 0);
  const lines: string[] = [];
  if (o.noHeaders !== true) {
    lines.push([...(o.withNamespace ? ['NAMESPACE'] : []), ...shown.map(({ c }) => c.name.toUpperCase())].join('\t'));
  }
  for (const row of t.rows) {
    lines.push([...(o.withNamespace ? [rowNamespace(row)] : []), ...shown.map(({ i }) => cellText(row.cells[i]))].join('\t'));
  }
  return alignTabs(`${lines.join('\n')}\n`, GET_TABS);
}
