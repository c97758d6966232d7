// Command-line flags parsed the way agnhost's (cobra/pflag) are: `--name=value`,
// `--name value`, bare `--bool` or `--bool=false`, `--` ends flags; Go duration syntax
// for durations. Errors carry pflag's wording so scripts see familiar messages.

export type FlagKind = 'bool' | 'int' | 'string' | 'duration';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly default: boolean | number | string;
}

export type FlagValues = Record<string, boolean | number | string>;

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

// Nanoseconds per unit; sums stay in ns so `100ns` is exactly 0.0001 ms.
const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };

/** Go's time.ParseDuration, in milliseconds (fractions allowed). */
export function parseGoDuration(text: string): number {
  const bad = (): FlagError => new FlagError(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) { sign = s.startsWith('-') ? -1 : 1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  const part = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = part.exec(s);
    if (m === null || m[1] === undefined || m[2] === undefined || m[1] === '' || m[1] === '.') {
      if (/^[0-9.]+$/.test(s)) throw new FlagError(`time: missing unit in duration ${JSON.stringify(text)}`);
      throw bad();
    }
    total += Number(m[1]) * (UNIT_NS[m[2]] ?? 0);
    s = s.slice(m[0].length);
  }
  return (sign * total) / 1e6;
}

function convert(name: string, spec: FlagSpec, raw: string): boolean | number | string {
  const invalid = (why: string): FlagError => new FlagError(`invalid argument ${JSON.stringify(raw)} for "--${name}" flag: ${why}`);
  switch (spec.kind) {
    case 'bool':
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
      if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
      throw invalid(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
    case 'int':
      if (!/^[+-]?[0-9]+$/.test(raw)) throw invalid(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
      return Number(raw);
    case 'duration':
      try { return parseGoDuration(raw); } catch (e) { throw invalid((e as Error).message); }
    case 'string':
      return raw;
  }
}

/** Parses `args` against `specs`; returns every flag's value (defaults filled) and the positionals. */
export function parseFlags(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>): { values: FlagValues; positional: string[] } {
  const values: FlagValues = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.default;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') { positional.push(...args.slice(i + 1)); break; }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new FlagError(`unknown shorthand flag: ${JSON.stringify(arg.slice(1, 2))} in ${arg}`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = specs[name];
    if (spec === undefined) throw new FlagError(`unknown flag: --${name}`);
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.kind === 'bool') raw = 'true';
    else {
      const next = args[i + 1];
      if (next === undefined) throw new FlagError(`flag needs an argument: --${name}`);
      raw = next;
      i++;
    }
    values[name] = convert(name, spec, raw);
  }
  return { values, positional };
}

export function flagBool(v: FlagValues, name: string): boolean {
  return v[name] === true;
}

export function flagNumber(v: FlagValues, name: string): number {
  const x = v[name];
  return typeof x === 'number' ? x : 0;
}

export function flagString(v: FlagValues, name: string): string {
  const x = v[name];
  return typeof x === 'string' ? x : '';
}
