// Shared by the tests of sources/ and agent/: timers that fire only when the test says
// so, and a SourceHandler that records what it is told.
import type { Timers } from './backoff.ts';
import type { SourceEvent, SourceHandler, SourceObject } from './object-source.ts';

export interface ManualTimers extends Timers {
  /** Delays of the timers armed and not yet fired or cleared, in arming order. */
  pending(): number[];
  /** Fires every pending timer (timers armed while firing wait for the next call). */
  fireAll(): void;
}

export function manualTimers(): ManualTimers {
  let next = 1;
  const armed = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimeout(fn, ms) {
      const id = next++;
      armed.set(id, { fn, ms });
      return id;
    },
    clearTimeout(handle) {
      armed.delete(handle as number);
    },
    pending: () => [...armed.values()].map((t) => t.ms),
    fireAll() {
      const due = [...armed.entries()];
      armed.clear();
      for (const [, t] of due) t.fn();
    },
  };
}

export interface Recorded {
  readonly log: string[];
  readonly errors: unknown[];
  readonly handler: SourceHandler;
  /** Makes the next onEvent throw (a broken consumer: the watch ends and is resumed). */
  throwOnNextEvent(): void;
}

function name(o: SourceObject): string {
  return `${o.metadata.namespace === undefined ? '' : `${o.metadata.namespace}/`}${o.metadata.name}`;
}

/** `replace <resource> [names]`, `<TYPE> <resource> ns/name@rv`, `synced` lines. */
export function recordingHandler(): Recorded {
  const log: string[] = [];
  const errors: unknown[] = [];
  let throwNext = false;
  return {
    log,
    errors,
    throwOnNextEvent: () => { throwNext = true; },
    handler: {
      onReplace: (resource, objects) => log.push(`replace ${resource} [${objects.map(name).join(' ')}]`),
      onEvent: (ev: SourceEvent) => {
        if (throwNext) {
          throwNext = false;
          throw new Error('consumer failed');
        }
        log.push(`${ev.type} ${ev.resource} ${name(ev.object)}@${ev.object.metadata.resourceVersion}`);
      },
      onSynced: () => log.push('synced'),
      onError: (err) => errors.push(err),
    },
  };
}
