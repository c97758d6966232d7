// One parsed manifest before validation: the raw object and where it came from.

export interface SourceDocument {
  /** File path, or `<stdin>`. */
  readonly source: string;
  /** 0-based document index in that source; items of a `kind: List` share the List's index. */
  readonly index: number;
  /** 1-based line where the document (or List item) starts. */
  readonly line?: number;
  /** `items[2]` when this document is an item of a List, for messages. */
  readonly itemPath?: string;
  /** Line of each field path inside `object` (paths as in problems), for precise messages; parseText fills it on first use. */
  readonly lines?: ReadonlyMap<string, number>;
  readonly object: unknown;
}
