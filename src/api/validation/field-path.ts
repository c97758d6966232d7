// Field paths in the form Kubernetes prints them: `spec.ingress[0].from[1].ipBlock.cidr`,
// map keys that are not plain identifiers in brackets: `metadata.labels[app.kubernetes.io/name]`.
// The parser (to record line numbers) and the validators (to name fields) share these
// functions, so a problem's path can be looked up to find its line.

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${key}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Line of the closest enclosing field that has one. */
export function lineOf(lines: ReadonlyMap<string, number> | undefined, path: string): number | undefined {
  if (lines === undefined) return undefined;
  let p = path;
  for (;;) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === '') return undefined;
    p = parentPath(p);
  }
}

function parentPath(path: string): string {
  if (path.endsWith(']')) {
    // Brackets may hold keys with dots or slashes: find the matching '['.
    let depth = 0;
    for (let i = path.length - 1; i >= 0; i--) {
      const c = path[i];
      if (c === ']') depth++;
      else if (c === '[' && --depth === 0) return path.slice(0, i);
    }
    return '';
  }
  const dot = path.lastIndexOf('.');
  const bracket = path.lastIndexOf(']');
  return dot > bracket ? path.slice(0, dot) : (bracket >= 0 ? path.slice(0, bracket + 1) : '');
}
