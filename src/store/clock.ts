// The store's sources of time and identity, injected so tests are deterministic and no
// module holds a global clock or random source. main/ wires the real ones.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Returns a fresh unique id (metadata.uid); main/ passes crypto.randomUUID. */
export type IdGenerator = () => string;

/** A clock reading the system time; a factory, not a singleton, so callers choose. */
export function systemClock(): Clock {
  return { now: () => Date.now() };
}

/** RFC 3339 at second precision with `Z`, as the API server writes metav1.Time. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
