// What changes between two snapshots (cluster and/or policies): for each queried port,
// the cells of the connectivity matrix over the pods both snapshots have that flip,
// each with the before and after verdicts that explain it.
import type { Protocol } from '../model/protocol.ts';
import type { CompiledCluster } from './compile.ts';
import { cmp, internals } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { computeMatrix } from './matrix.ts';
import type { MatrixQuery } from './matrix.ts';
import { resolveQueryPort } from './pod-classes.ts';
import type { Verdict } from './verdict.ts';

export interface VerdictChange {
  readonly src: string;
  readonly dst: string;
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly before: boolean;
  readonly after: boolean;
  /** null when a named port does not resolve on the destination in that snapshot. */
  readonly beforeVerdict: Verdict | null;
  readonly afterVerdict: Verdict | null;
}

export interface ConnectivityDiff {
  changes: VerdictChange[];
  podsOnlyBefore: string[];
  podsOnlyAfter: string[];
}

function verdictFor(compiled: CompiledCluster, src: string, dst: string, q: MatrixQuery): Verdict | null {
  const c = internals(compiled);
  const port = resolveQueryPort(c, c.podIndex(dst) ?? -1, q.port, q.protocol);
  if (port < 0) return null;
  return evaluate(compiled, { src: { kind: 'pod', pod: src }, dst: { kind: 'pod', pod: dst }, port, protocol: q.protocol });
}

/**
 * `onProgress(done, total)` reports the matrices computed so far (two per query, each
 * counted in thousandths), for a progress bar on long diffs.
 */
export function diffConnectivity(
  before: CompiledCluster, after: CompiledCluster, queries: readonly MatrixQuery[],
  onProgress?: (done: number, total: number) => void,
): ConnectivityDiff {
  const beforeKeys = new Set(before.cluster.pods.map((p) => p.key));
  const afterKeys = new Set(after.cluster.pods.map((p) => p.key));
  const podsOnlyBefore = [...beforeKeys].filter((k) => !afterKeys.has(k)).sort(cmp);
  const podsOnlyAfter = [...afterKeys].filter((k) => !beforeKeys.has(k)).sort(cmp);
  const changes: VerdictChange[] = [];
  const total = queries.length * 2 * 1000;
  const slice = (k: number) => onProgress === undefined ? undefined
    : (done: number, of: number) => onProgress(k * 1000 + Math.floor((done / Math.max(of, 1)) * 1000), total);
  for (const [qi, q] of queries.entries()) {
    const wanted = q.pods ?? [...beforeKeys].sort(cmp);
    const common = wanted.filter((k) => beforeKeys.has(k) && afterKeys.has(k));
    const mb = computeMatrix(before, { port: q.port, protocol: q.protocol, pods: common }, slice(qi * 2));
    const ma = computeMatrix(after, { port: q.port, protocol: q.protocol, pods: common }, slice(qi * 2 + 1));
    onProgress?.((qi * 2 + 2) * 1000, total);
    common.forEach((src, i) => common.forEach((dst, j) => {
      const b = mb.allowed(i, j);
      const a = ma.allowed(i, j);
      if (a === b) return;
      changes.push({
        src, dst, port: q.port, protocol: q.protocol, before: b, after: a,
        beforeVerdict: verdictFor(before, src, dst, q), afterVerdict: verdictFor(after, src, dst, q),
      });
    }));
  }
  return { changes, podsOnlyBefore, podsOnlyAfter };
}
