// One scenario's model, built and planned with phase timings: documents → buildSnapshot →
// compile → plan for one node. planInWorker() runs the same in a worker thread, so the
// two lab nodes' big tables are planned in parallel (each worker regenerates the cluster
// from the same seed; the Ruleset comes back by structured clone, Maps and bigints intact).
import { lapTimer } from '../bench/measure.ts';
import { Worker } from 'node:worker_threads';
import { buildSnapshot } from '../../src/api/snapshot.ts';
import type { Snapshot } from '../../src/api/snapshot.ts';
import { compile } from '../../src/engine/compile.ts';
import type { CompiledCluster } from '../../src/engine/compile.ts';
import { plan } from '../../src/dataplane/plan.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { benchCluster } from './bench-cluster.ts';
import type { BenchCluster, ClusterSpec, LabEndpoint, LabNode } from './bench-cluster.ts';

export interface BuiltModel {
  readonly cluster: BenchCluster;
  readonly snapshot: Snapshot;
  readonly compiled: CompiledCluster;
  readonly ms: { readonly generate: number; readonly snapshot: number; readonly compile: number };
}

export function buildModel(spec: ClusterSpec, nodes: readonly LabNode[], endpoints: readonly LabEndpoint[]): BuiltModel {
  const lap = lapTimer();
  const cluster = benchCluster(spec, nodes, endpoints);
  const generate = lap();
  const snapshot = buildSnapshot(cluster.documents);
  if (snapshot.problems.length > 0) throw new Error(`the generated cluster has problems: ${snapshot.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  const snapshotMs = lap();
  const compiled = compile(snapshot.cluster, snapshot.policies);
  return { cluster, snapshot, compiled, ms: { generate, snapshot: snapshotMs, compile: lap() } };
}

export interface PlannedNode {
  readonly node: string;
  readonly ruleset: Ruleset;
  readonly planMs: number;
  readonly buildMs: { readonly generate: number; readonly snapshot: number; readonly compile: number };
}

export interface PlanJob {
  readonly spec: ClusterSpec;
  readonly nodes: readonly LabNode[];
  readonly endpoints: readonly LabEndpoint[];
  readonly node: string;
}

export function planNode(job: PlanJob): PlannedNode {
  const m = buildModel(job.spec, job.nodes, job.endpoints);
  const t0 = performance.now();
  const ruleset = plan(m.compiled, { node: job.node });
  return { node: job.node, ruleset, planMs: performance.now() - t0, buildMs: m.ms };
}

export function planInWorker(job: PlanJob): Promise<PlannedNode> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./plan-worker.ts', import.meta.url), { workerData: job });
    let done = false;
    w.once('message', (m: PlannedNode) => {
      done = true;
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!done) reject(new Error(`plan worker for ${job.node} exited with ${code}`));
    });
  });
}
