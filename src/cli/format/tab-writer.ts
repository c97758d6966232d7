// Go's text/tabwriter, which kubectl prints every table and description with: cells are
// tab-terminated, a column block is a run of consecutive lines that have a cell in that
// column, and each cell of a block is padded to the block's widest cell + padding (at
// least minWidth). Text after a line's last tab is not a cell and is never padded. Pure.

export interface TabWriterOptions {
  readonly minWidth: number;
  readonly padding: number;
}

/** kubectl get (k8s.io/cli-runtime/pkg/printers/tabwriter.go). */
export const GET_TABS: TabWriterOptions = { minWidth: 6, padding: 3 };
/** kubectl describe (k8s.io/kubectl/pkg/describe tabbedString). */
export const DESCRIBE_TABS: TabWriterOptions = { minWidth: 0, padding: 2 };

function width(s: string): number {
  return [...s].length;
}

/** Aligns `text` (lines separated by `\n`, cells by `\t`). */
export function alignTabs(text: string, o: TabWriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      let s = '';
      cells.forEach((c, j) => {
        const w = widths[j];
        // The last piece of a line is not a cell: it is written as is.
        s += j < cells.length - 1 && w !== undefined ? c.padEnd(w - width(c) + c.length, ' ') : c;
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i] ?? []).length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = o.minWidth;
      let j = i;
      for (; j < line1; j++) {
        const cells = lines[j] ?? [];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] ?? '') + o.padding);
      }
      widths.push(w);
      format(start, j);
      widths.pop();
      start = j;
      i = j - 1;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
