// Problems found while reading input: where (source, line, object, field path), what, and
// how bad. Every layer that rejects input reports these instead of throwing, so a user
// sees all mistakes of all files at once.

export interface Problem {
  readonly source?: string;
  readonly line?: number;
  /** `namespace/name`, `name`, or `#3` when the object has no name. */
  readonly object?: string;
  /** Field path inside the object, e.g. `spec.ingress[0].ports[0].endPort`. */
  readonly path?: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** `policy.yaml:12: demo/p: spec.ingress[0].ports[0].endPort: must be >= port (8080)`; absent parts are left out. */
export function formatProblem(p: Problem): string {
  const parts: string[] = [];
  if (p.source !== undefined) parts.push(p.line === undefined ? p.source : `${p.source}:${p.line}`);
  if (p.object !== undefined) parts.push(p.object);
  if (p.path !== undefined && p.path !== '') parts.push(p.path);
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  parts.push(prefix + p.message);
  return parts.join(': ');
}

/** Thrown by callers that cannot go on with invalid input; carries every problem found. */
export class InputError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], message?: string) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(message ?? (errors.length === 1 && errors[0] !== undefined
      ? formatProblem(errors[0])
      : `${errors.length} problems in the input:\n${errors.map(formatProblem).join('\n')}`));
    this.name = 'InputError';
    this.problems = problems;
  }
}
