// The logging interface the agent writes structured logs to: the subset of pino's Logger
// it uses (a pino instance satisfies it), passed in so main/ chooses the destination and
// tests can record what was logged.

export interface LogFn {
  (obj: object, msg?: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Discards everything (for callers that do not care). */
export const SILENT_LOGGER: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Plain-data view of an error for a log record. */
export function errorFields(err: unknown): { err: { message: string; name?: string } } {
  return err instanceof Error ? { err: { name: err.name, message: err.message } } : { err: { message: String(err) } };
}

/** `l` with `fields` in every record (as pino's child() does), e.g. the node of one of several agents sharing a log. */
export function withFields(l: Logger, fields: Readonly<Record<string, unknown>>): Logger {
  // Called as methods of `l`: pino's need their `this`.
  const wrap = (level: keyof Logger): LogFn => (obj, msg) => { l[level]({ ...fields, ...obj }, msg); };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
