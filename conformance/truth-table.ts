// Truth tables in the text format of the upstream e2e suite (truthtable.go PrettyPrint):
//   -    x/a  x/b
//   x/a  .    X
//   x/b  .    .
// `.` = connected, `X` = blocked; rows are sources, columns destinations. Parsing accepts
// tabs or spaces so tables can be pasted from e2e logs; formatting writes tabs as upstream.

export interface TruthTable {
  /** Row and column labels, in order (tables are square, as upstream's are). */
  readonly pods: readonly string[];
  /** `cells[from][to]`: true when connected. */
  readonly cells: readonly (readonly boolean[])[];
}

export class TruthTableError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `truth table line ${line}: ${message}`);
    this.name = 'TruthTableError';
    this.line = line;
  }
}

const ALLOWED = '.';
const BLOCKED = 'X';

/** Parses a table; blank lines and surrounding indentation are ignored. */
export function parseTruthTable(text: string): TruthTable {
  const lines = text
    .split('\n')
    .map((raw, i) => ({ n: i + 1, tokens: raw.trim().split(/\s+/).filter((t) => t !== '') }))
    .filter((l) => l.tokens.length > 0);
  const header = lines[0];
  if (header === undefined) throw new TruthTableError('empty table');
  if (header.tokens[0] !== '-') throw new TruthTableError(`header must start with "-", got "${header.tokens[0]}"`, header.n);
  const pods = header.tokens.slice(1);
  if (pods.length === 0) throw new TruthTableError('header names no pods', header.n);
  const seen = new Set<string>();
  for (const p of pods) {
    if (seen.has(p)) throw new TruthTableError(`pod "${p}" appears twice in the header`, header.n);
    seen.add(p);
  }
  const rows = lines.slice(1);
  if (rows.length !== pods.length) {
    throw new TruthTableError(`expected ${pods.length} rows (one per header pod), got ${rows.length}`);
  }
  const cells = rows.map((row, i) => {
    const [label, ...marks] = row.tokens;
    if (label !== pods[i]) throw new TruthTableError(`row ${i + 1} must be "${pods[i]}" (rows follow the header order), got "${label}"`, row.n);
    if (marks.length !== pods.length) throw new TruthTableError(`row "${label}" has ${marks.length} cells, expected ${pods.length}`, row.n);
    return marks.map((m, j) => {
      if (m === ALLOWED) return true;
      if (m === BLOCKED) return false;
      throw new TruthTableError(`cell ${label} -> ${pods[j]} is "${m}"; use "." (connected) or "X" (blocked)`, row.n);
    });
  });
  return { pods, cells };
}

/** Upstream's PrettyPrint: tab-separated, header starting with "-". */
export function formatTruthTable(table: TruthTable): string {
  const lines = [['-', ...table.pods].join('\t')];
  table.pods.forEach((from, i) => {
    lines.push([from, ...table.pods.map((_, j) => (cellOf(table, i, j) ? ALLOWED : BLOCKED))].join('\t'));
  });
  return lines.join('\n');
}

/** Builds a table from a verdict function over `pods`. */
export function truthTableOf(pods: readonly string[], allowed: (from: string, to: string) => boolean): TruthTable {
  return { pods: [...pods], cells: pods.map((from) => pods.map((to) => allowed(from, to))) };
}

export interface CellMismatch {
  readonly from: string;
  readonly to: string;
  readonly expected: boolean;
  readonly actual: boolean;
}

export interface CompareOptions {
  /** Skip cells where from === to (upstream's ignoreLoopback). */
  readonly ignoreLoopback: boolean;
}

function cellOf(table: TruthTable, i: number, j: number): boolean {
  const value = table.cells[i]?.[j];
  if (value === undefined) throw new TruthTableError(`table has no cell [${i}][${j}]`);
  return value;
}

/** Cells where `actual` differs from `expected`; both must name the same pods in the same order. */
export function compareTruthTables(expected: TruthTable, actual: TruthTable, options: CompareOptions): CellMismatch[] {
  if (expected.pods.join('\n') !== actual.pods.join('\n')) {
    throw new TruthTableError(`cannot compare tables over different pods: [${expected.pods.join(', ')}] vs [${actual.pods.join(', ')}]`);
  }
  const mismatches: CellMismatch[] = [];
  expected.pods.forEach((from, i) => {
    expected.pods.forEach((to, j) => {
      if (options.ignoreLoopback && i === j) return;
      const e = cellOf(expected, i, j);
      const a = cellOf(actual, i, j);
      if (e !== a) mismatches.push({ from, to, expected: e, actual: a });
    });
  });
  return mismatches;
}

function word(allowed: boolean): string {
  return allowed ? 'connected (.)' : 'blocked (X)';
}

/**
 * A readable report: expected, observed, and a comparison table (upstream's layout, `.` where
 * they agree, `X` where they differ, `~` for ignored loopback cells), then one line per cell.
 */
export function describeMismatch(expected: TruthTable, actual: TruthTable, options: CompareOptions): string {
  const mismatches = compareTruthTables(expected, actual, options);
  if (mismatches.length === 0) return 'tables agree';
  const comparison = [['-', ...expected.pods].join('\t')];
  expected.pods.forEach((from, i) => {
    const marks = expected.pods.map((_, j) => {
      if (options.ignoreLoopback && i === j) return '~';
      return cellOf(expected, i, j) === cellOf(actual, i, j) ? ALLOWED : BLOCKED;
    });
    comparison.push([from, ...marks].join('\t'));
  });
  return [
    `${mismatches.length} cell(s) differ`,
    'expected:',
    formatTruthTable(expected),
    'observed:',
    formatTruthTable(actual),
    'comparison:',
    comparison.join('\n'),
    ...mismatches.map((m) => `  ${m.from} -> ${m.to}: expected ${word(m.expected)}, observed ${word(m.actual)}`),
  ].join('\n');
}
