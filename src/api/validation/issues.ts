// Collects validation findings of one object with their field paths, phrased like the
// API server's field errors (Invalid, Required, Forbidden, NotSupported, Duplicate) so
// users recognise them, but always naming the bad value.

export interface Issue {
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Short, single-line rendering of a bad value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** JSON-ish type name for "expected X, got Y" messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export class Issues {
  readonly list: Issue[] = [];

  get hasErrors(): boolean {
    return this.list.some((i) => i.severity === 'error');
  }

  invalid(path: string, value: unknown, detail: string): void {
    this.list.push({ path, message: `invalid value ${show(value)}: ${detail}`, severity: 'error' });
  }

  required(path: string, detail = 'is required'): void {
    this.list.push({ path, message: `required: ${detail}`, severity: 'error' });
  }

  forbidden(path: string, detail: string): void {
    this.list.push({ path, message: `forbidden: ${detail}`, severity: 'error' });
  }

  notSupported(path: string, value: unknown, supported: readonly string[]): void {
    this.list.push({ path, message: `unsupported value ${show(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`, severity: 'error' });
  }

  duplicate(path: string, value: unknown): void {
    this.list.push({ path, message: `duplicate value ${show(value)}`, severity: 'error' });
  }

  unknownField(path: string): void {
    this.list.push({ path, message: 'unknown field', severity: 'error' });
  }

  wrongType(path: string, expected: string, value: unknown): void {
    this.list.push({ path, message: `expected ${expected}, got ${typeName(value)}${isScalar(value) ? ` ${show(value)}` : ''}`, severity: 'error' });
  }

  warn(path: string, message: string): void {
    this.list.push({ path, message, severity: 'warning' });
  }

  /** Adds one `invalid` issue per message of a name/value check. */
  each(path: string, value: unknown, messages: readonly string[]): void {
    for (const m of messages) this.invalid(path, value, m);
  }
}

function isScalar(value: unknown): boolean {
  return value !== null && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean');
}
