// Part 4: one-pod changes at several cluster sizes — add a pod (a new replica of an
// existing app, on another node, so it joins an existing identity), relabel it, remove
// it — each timed through the whole path with its phases, so a phase that grows with the
// cluster shows where incremental work is missing.
import type { Pod } from '../../src/model/cluster.ts';
import { changeLoop } from './change-path.ts';
import type { Change, ChangeTiming, PathState } from './change-path.ts';

export interface PodSizeResult {
  readonly pods: number;
  readonly policies: number;
  readonly timings: readonly ChangeTiming[];
  readonly stoppedByBudget: boolean;
  readonly initialPlanMs: number;
  readonly initialLoadMs: number;
}

/** A tenant pod on a node that is not `node`, to copy labels and ports from. */
export function templatePod(pods: readonly Pod[], node: string): Pod {
  const t = pods.find((p) => !p.hostNetwork && p.node !== node && p.node !== undefined && p.labels['app'] !== undefined && p.namespace !== 'kube-system' && p.ips.length === 1);
  if (t === undefined) throw new Error('no tenant pod to copy');
  return t;
}

export function podObject(t: Pod, name: string, ip: string, labels: Readonly<Record<string, string>>): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: t.namespace, labels: { ...labels } },
    spec: {
      nodeName: t.node,
      containers: [{ name: 'main', image: 'bench', ports: t.ports.map((p) => ({ ...(p.name === undefined ? {} : { name: p.name }), containerPort: p.port, protocol: p.protocol })) }],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/** Change i of the add → relabel → remove cycle. */
export function podChange(i: number, t: Pod): Change {
  const round = Math.floor(i / 3);
  const name = `churn-${round}`;
  const ip = `10.200.${(round >> 8) & 255}.${round & 255}`;
  switch (i % 3) {
    case 0: return { kind: 'upsert', object: podObject(t, name, ip, t.labels) };
    case 1: return { kind: 'upsert', object: podObject(t, name, ip, { ...t.labels, version: 'v9', 'canary-tester': 'true' }) };
    default: return { kind: 'delete-pod', key: `${t.namespace}/${name}` };
  }
}

/** Untimed changes first at each size: V8 compiles the change path's code there (the first few take 10-50 ms). */
export const POD_WARMUP = 6;

export async function runPodSize(start: PathState, count: number, budgetS: number): Promise<{ timings: ChangeTiming[]; warmup: ChangeTiming[]; stoppedByBudget: boolean; state: PathState }> {
  const t = templatePod(start.cluster.pods, start.node);
  const warm = await changeLoop(start, POD_WARMUP, budgetS, POD_WARMUP, (i) => podChange(i, t));
  const r = await changeLoop(warm.state, count, budgetS, 1, (i) => podChange(POD_WARMUP + i, t));
  return { ...r, warmup: warm.timings };
}
