// Shared by the store's tests: a deterministic clock and id source, objects of the core
// resources, temp directories that are removed afterwards, and a watch event recorder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Clock, IdGenerator } from './clock.ts';
import type { StoreOptions } from './object-store.ts';
import { ObjectStore } from './object-store.ts';
import type { ObjectInput, WatchEvent } from './store-object.ts';

export const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

export function fakeClock(start = T0): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

export function counterIds(prefix = 'uid'): IdGenerator {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export function memoryStore(opts: Partial<StoreOptions> = {}): ObjectStore {
  return new ObjectStore({ clock: fakeClock(), idGenerator: counterIds(), systemNamespaces: [], ...opts });
}

export const POD = { group: '', version: 'v1', resource: 'pods' } as const;
export const NS = { group: '', version: 'v1', resource: 'namespaces' } as const;
export const NETPOL = { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' } as const;
export const NODE = { group: '', version: 'v1', resource: 'nodes' } as const;

export function namespace(name: string, labels?: Record<string, string>): ObjectInput {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels === undefined ? {} : { labels }) } };
}

export function pod(ns: string, name: string, labels?: Record<string, string>, extra: Record<string, unknown> = {}): ObjectInput {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, ...(labels === undefined ? {} : { labels }) },
    spec: { containers: [{ name: 'c', image: 'agnhost' }] },
    ...extra,
  };
}

export function policy(ns: string, name: string, spec: Record<string, unknown> = { podSelector: {} }): ObjectInput {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

/** `TYPE ns/name@rv` per event, for compact assertions. */
export function describeEvent(e: WatchEvent): string {
  const m = e.object.metadata;
  return `${e.type} ${m.namespace === undefined ? '' : `${m.namespace}/`}${m.name ?? ''}@${m.resourceVersion}`;
}

export function tempDir(t: { after(fn: () => void): void }, prefix = 'palisade-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
