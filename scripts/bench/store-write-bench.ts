// Write latency of the embedded store's disk persistence at cluster scale: loads a
// generated cluster (generate-cluster.ts; 100k pods + 10k policies ≈ 116k objects) into a
// store directory, reopens it as `palisade up` does, then makes single-object updates
// (pod label changes and pod status updates, alternating) and reports how long each write
// took from being scheduled on the event loop to being acknowledged — so a write that
// waits behind a compaction, whether inside the write or in an event-loop turn before it,
// counts. Compactions are counted from the snapshot file being replaced.
// Disk and CPU heavy (a ~100 MB snapshot per compaction): run it alone.
//
//   node --max-old-space-size=8192 scripts/bench/store-write-bench.ts [--size 100k|10k|1k] [--writes 3000]
//     [--compact-min-bytes N] [--compact-ratio R]   (size trigger of the disk store; defaults: its own)
import { deferredPersistence } from './deferred-persistence.ts';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { systemClock } from '../../src/store/clock.ts';
import { DiskPersistence } from '../../src/store/disk-persistence.ts';
import type { DiskPersistenceOptions } from '../../src/store/disk-persistence.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { ObjectInput, StoredObject } from '../../src/store/store-object.ts';
import { isStoreError } from '../../src/store/store-errors.ts';
import { generateCluster } from './generate-cluster.ts';
import type { ClusterShape } from './generate-cluster.ts';
import { createRng } from './prng.ts';
import { percentile } from './stats.ts';

const SHAPES: Record<string, ClusterShape> = {
  '1k': { name: '1k', pods: 1_000, namespaces: 70, policies: 100, seed: 1001, dualStackFraction: 0.1 },
  '10k': { name: '10k', pods: 10_000, namespaces: 700, policies: 1_000, seed: 10_001, dualStackFraction: 0.1 },
  '100k': { name: '100k', pods: 100_000, namespaces: 7_000, policies: 10_000, seed: 100_001, dualStackFraction: 0.1 },
};

const { values } = parseArgs({
  options: {
    size: { type: 'string' }, writes: { type: 'string' },
    'compact-min-bytes': { type: 'string' }, 'compact-ratio': { type: 'string' },
  },
  strict: true,
});
const shape = SHAPES[values.size ?? '100k'];
if (shape === undefined) {
  process.stderr.write(`store-write-bench: unknown size ${values.size ?? ''} (known: ${Object.keys(SHAPES).join(', ')})\n`);
  process.exit(2);
}
const writes = Number(values.writes ?? '3000');
const diskOpts: DiskPersistenceOptions = {
  ...(values['compact-min-bytes'] === undefined ? {} : { compactMinBytes: Number(values['compact-min-bytes']) }),
  ...(values['compact-ratio'] === undefined ? {} : { compactRatio: Number(values['compact-ratio']) }),
  onCompactionError: (err) => { throw err; },
};

const POD = { group: '', version: 'v1', resource: 'pods' } as const;
const clock = systemClock();
let ids = 0;
const idGenerator = (): string => `bench-${++ids}`;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function summary(label: string, ms: readonly number[]): string {
  const s = Float64Array.from(ms).sort();
  return `${label}: p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms, p99.9 ${percentile(s, 99.9).toFixed(2)} ms, max ${(s[s.length - 1] ?? Number.NaN).toFixed(2)} ms`;
}

/**
 * Writes the objects through the store's own create with the log's fsyncs deferred to one
 * snapshot at the end (one fsynced record per object would take minutes), as
 * scripts/bench-dataplane/agent-latency-part.ts loads its store.
 */
function bulkLoad(dir: string, objects: readonly ObjectInput[]): void {
  const disk = new DiskPersistence(dir);
  const deferred = deferredPersistence(disk);
  const loader = new ObjectStore({ clock, idGenerator, systemNamespaces: [], persistence: deferred });
  try {
    const namespacesFirst = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
    for (const o of namespacesFirst) {
      try {
        loader.create(o);
      } catch (e) {
        if (!isStoreError(e, 'AlreadyExists')) throw e;
      }
    }
    loader.compact();
  } finally {
    loader.close();
  }
}

function snapshotId(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}`;
  } catch {
    return '';
  }
}

function segmentCount(dir: string): number {
  return fs.readdirSync(dir).filter((f) => /^wal\.\d+\.log$/.test(f)).length;
}

async function main(): Promise<void> {
  if (shape === undefined) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-store-bench-'));
  try {
    let t = performance.now();
    const objects = generateCluster(shape).documents.map((d) => d.object as ObjectInput);
    process.stdout.write(`generated ${objects.length} objects (${shape.name}) in ${(performance.now() - t).toFixed(0)} ms\n`);
    t = performance.now();
    bulkLoad(dir, objects);
    const snapshotFile = path.join(dir, 'snapshot.json');
    process.stdout.write(`bulk load + snapshot in ${(performance.now() - t).toFixed(0)} ms; snapshot ${mb(fs.statSync(snapshotFile).size)}\n`);
    t = performance.now();
    const store = openStore({ dir, clock, idGenerator, systemNamespaces: [], ...diskOpts });
    process.stdout.write(`open (load snapshot + log) in ${(performance.now() - t).toFixed(0)} ms\n`);

    const pods: readonly StoredObject[] = store.list(POD).items;
    const rng = createRng(4242);
    const latency: number[] = [];
    const inCall: number[] = [];
    let compactions = 0;
    let snapshotBytes = 0;
    let duringCompaction = 0;
    let seen = snapshotId(snapshotFile);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const started = performance.now();
    for (let i = 0; i < writes; i++) {
      const target = pods[rng.int(pods.length)];
      if (target === undefined) throw new Error('no pods');
      const name = target.metadata.name;
      const namespace = target.metadata.namespace;
      if (segmentCount(dir) > 0) duringCompaction++;
      const scheduled = performance.now();
      await nextTurn();
      const callStart = performance.now();
      const old = store.get(POD, name, namespace);
      if (i % 2 === 0) {
        store.update({ ...old, metadata: { ...old.metadata, labels: { ...old.metadata.labels, 'bench-gen': String(i) } } });
      } else {
        const conditions = [{ type: 'Ready', status: i % 4 === 1 ? 'False' : 'True', lastTransitionTime: new Date(clock.now()).toISOString() }];
        store.update({ ...old, status: { ...(old.status as object | undefined), conditions } }, { subresource: 'status' });
      }
      const done = performance.now();
      latency.push(done - scheduled);
      inCall.push(done - callStart);
      const id = snapshotId(snapshotFile);
      if (id !== seen) {
        compactions++;
        snapshotBytes += fs.statSync(snapshotFile).size;
        seen = id;
      }
    }
    const elapsed = performance.now() - started;
    loop.disable();
    const stillCompacting = segmentCount(dir) > 0;
    store.close();
    process.stdout.write(`${writes} single-object updates in ${(elapsed / 1000).toFixed(1)} s (${(writes / (elapsed / 1000)).toFixed(0)} writes/s)\n`);
    process.stdout.write(`${summary('write latency (scheduled -> acknowledged)', latency)}\n`);
    process.stdout.write(`${summary('time inside the write call', inCall)}\n`);
    process.stdout.write(`event loop delay: p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms\n`);
    process.stdout.write(`compactions finished: ${compactions} (${mb(snapshotBytes)} of snapshots written); writes made while one ran: ${duringCompaction}; one still running at the end: ${stillCompacting}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
