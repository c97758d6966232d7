// Renderers of a connectivity truth table (`palisade matrix -o table|json|csv|md|dot`).
// Pure: they take the table and return the whole text, so each format is golden-tested.
import type { Protocol } from '../../model/protocol.ts';

/** What a renderer needs of a matrix; the engine's Matrix satisfies it structurally. */
export interface TruthTable {
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly pods: readonly string[];
  /** Whether pods[i] may open a connection to pods[j]. */
  allowed(i: number, j: number): boolean;
}

export const MATRIX_FORMATS = ['table', 'json', 'csv', 'md', 'dot'] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

/** The same table with its pods sorted by key (code-point order), whatever order it came in. */
export function sortedTable(table: TruthTable): TruthTable {
  const order = table.pods.map((pod, i) => ({ pod, i })).sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
  const index = order.map((o) => o.i);
  return {
    port: table.port,
    protocol: table.protocol,
    pods: order.map((o) => o.pod),
    allowed: (i, j) => table.allowed(at(index, i), at(index, j)),
  };
}

function at(index: readonly number[], i: number): number {
  const v = index[i];
  if (v === undefined) throw new RangeError(`pod index ${i} out of range`);
  return v;
}

/**
 * Kubernetes' e2e TruthTable.PrettyPrint (kubernetes/kubernetes
 * test/e2e/network/netpol/truthtable.go): header `-` and the destination pods, then one
 * row per source; `.` allowed, `X` denied; tab-separated.
 */
export function renderTable(t: TruthTable): string {
  const lines = [['-', ...t.pods].join('\t')];
  t.pods.forEach((from, i) => {
    lines.push([from, ...t.pods.map((_, j) => (t.allowed(i, j) ? '.' : 'X'))].join('\t'));
  });
  return `${lines.join('\n')}\n`;
}

/** One line of compact JSON: `{"port","protocol","pods","allowed":{from:{to:bool}}}`. */
export function renderJson(t: TruthTable): string {
  const allowed: Record<string, Record<string, boolean>> = {};
  t.pods.forEach((from, i) => {
    const row: Record<string, boolean> = {};
    t.pods.forEach((to, j) => { row[to] = t.allowed(i, j); });
    allowed[from] = row;
  });
  return `${JSON.stringify({ port: t.port, protocol: t.protocol, pods: t.pods, allowed })}\n`;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: header `from\to` and the destinations; cells 1 (allowed) or 0 (denied). */
export function renderCsv(t: TruthTable): string {
  const lines = [['from\\to', ...t.pods].map(csvField).join(',')];
  t.pods.forEach((from, i) => {
    lines.push([csvField(from), ...t.pods.map((_, j) => (t.allowed(i, j) ? '1' : '0'))].join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** A GitHub-flavoured Markdown table, ✓ allowed, ✗ denied, titled with the port. */
export function renderMarkdown(t: TruthTable): string {
  const lines = [
    `Connectivity on ${t.protocol}/${t.port} (rows: from, columns: to)`,
    '',
    `| from \\ to | ${t.pods.map(mdCell).join(' | ')} |`,
    `|---|${t.pods.map(() => ':-:|').join('')}`,
  ];
  t.pods.forEach((from, i) => {
    lines.push(`| ${mdCell(from)} | ${t.pods.map((_, j) => (t.allowed(i, j) ? '✓' : '✗')).join(' | ')} |`);
  });
  return `${lines.join('\n')}\n`;
}

function dotId(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * A Graphviz digraph: pods grouped in one cluster per namespace, an edge per allowed
 * pair; a pod's connection to itself is left out (loopback never leaves the pod).
 */
export function renderDot(t: TruthTable): string {
  const lines = [`digraph ${dotId(`${t.protocol}/${t.port}`)} {`, '  node [shape=box];'];
  const byNamespace = new Map<string, string[]>();
  for (const pod of t.pods) {
    const ns = pod.includes('/') ? pod.slice(0, pod.indexOf('/')) : '';
    const list = byNamespace.get(ns) ?? [];
    list.push(pod);
    byNamespace.set(ns, list);
  }
  for (const [ns, pods] of byNamespace) {
    lines.push(`  subgraph ${dotId(`cluster_${ns}`)} {`, `    label=${dotId(ns)};`);
    for (const pod of pods) lines.push(`    ${dotId(pod)} [label=${dotId(pod.slice(pod.indexOf('/') + 1))}];`);
    lines.push('  }');
  }
  t.pods.forEach((from, i) => {
    t.pods.forEach((to, j) => {
      if (i !== j && t.allowed(i, j)) lines.push(`  ${dotId(from)} -> ${dotId(to)};`);
    });
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function renderTruthTable(t: TruthTable, format: MatrixFormat): string {
  switch (format) {
    case 'table': return renderTable(t);
    case 'json': return renderJson(t);
    case 'csv': return renderCsv(t);
    case 'md': return renderMarkdown(t);
    case 'dot': return renderDot(t);
  }
}
