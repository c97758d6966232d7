// Shared by the agent's tests: a fake node table that records transactions (and can be
// told to fail), a logger that records, a source driven by hand, store objects with
// addresses, and a wait-until helper.
import type { TableReadback } from '../dataplane/applier.ts';
import type { ObjectSource, SourceHandler } from '../sources/object-source.ts';
import type { ObjectInput } from '../store/store-object.ts';
import type { Logger } from './logger.ts';
import type { NodeTable } from './node-table.ts';

export interface Transaction {
  readonly op: 'apply' | 'replace';
  readonly text: string;
}

export interface FakeTable extends NodeTable {
  readonly transactions: Transaction[];
  /** The next `n` transactions fail (and change nothing). */
  failNext(n: number): void;
  /** What readback() reports as named counters. */
  readonly counters: Map<string, { packets: number; bytes: number }>;
}

export function fakeTable(): FakeTable {
  const transactions: Transaction[] = [];
  const counters = new Map<string, { packets: number; bytes: number }>();
  let failures = 0;
  const run = (op: Transaction['op']) => async (text: string): Promise<void> => {
    await Promise.resolve();
    if (failures > 0) {
      failures--;
      throw new Error(`nft: simulated failure of ${op}`);
    }
    transactions.push({ op, text });
  };
  return {
    description: 'fake table',
    transactions,
    counters,
    failNext: (n) => { failures = n; },
    apply: run('apply'),
    replace: run('replace'),
    readback: (): Promise<TableReadback> => Promise.resolve({ chains: [], elements: new Map(), counters }),
  };
}

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

export function recordingLogger(): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (obj: object, msg?: string): void => { records.push({ level, obj, msg: msg ?? '' }); };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A source the test drives: `handler` is set once the agent has started it. */
export function manualSource(): ObjectSource & { handler: SourceHandler | undefined; stopped: boolean } {
  const s = {
    description: 'manual',
    handler: undefined as SourceHandler | undefined,
    stopped: false,
    start(h: SourceHandler) {
      s.handler = h;
      return { stop: () => { s.stopped = true; } };
    },
  };
  return s;
}

export function runningPod(ns: string, name: string, labels: Record<string, string>, ip: string, o: { node?: string; ports?: Array<{ name?: string; containerPort: number; protocol?: string }> } = {}): ObjectInput {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'agnhost', ...(o.ports === undefined ? {} : { ports: o.ports }) }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
