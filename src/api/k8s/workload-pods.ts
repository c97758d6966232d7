// Pods a workload controller would create, named the way the controller names them,
// but deterministically (hashes instead of random suffixes) so that offline analysis is
// reproducible:
//   Deployment web  -> web-<pod-template-hash>-<5 chars>  (+ label pod-template-hash)
//   ReplicaSet web  -> web-<5 chars>
//   StatefulSet web -> web-0 .. web-N-1  (+ statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index)
//   DaemonSet agent -> agent-<5 chars> per node matching the template's nodeSelector
//                      (one pod without a node when no nodes are given)
//   Job batch       -> batch-<5 chars>  (+ batch.kubernetes.io/job-name, job-name)
//   CronJob nightly -> nightly-<8 digits>-<5 chars>  (one Job's worth of pods)
import type { Node, Pod } from '../../model/cluster.ts';
import { fnv1a32, safeSuffix, templateHash } from '../hash.ts';
import type { Workload } from './workload.ts';

function podOf(w: Workload, name: string, extraLabels: Record<string, string>, node?: string): Pod {
  const spec = w.template.spec;
  const nodeName = node ?? spec.nodeName;
  return {
    key: `${w.namespace}/${name}`,
    namespace: w.namespace,
    name,
    labels: { ...w.template.labels, ...extraLabels },
    ips: [],
    hostNetwork: spec.hostNetwork,
    ...(nodeName === undefined ? {} : { node: nodeName }),
    ports: spec.ports,
    ...(spec.serviceAccount === undefined ? {} : { serviceAccount: spec.serviceAccount }),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function nodeMatches(node: Node, selector: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([k, v]) => node.labels[k] === v);
}

export function workloadPods(w: Workload, nodes: readonly Node[]): Pod[] {
  const seed = `${w.kind}/${w.namespace}/${w.name}`;
  switch (w.kind) {
    case 'Deployment': {
      const hash = templateHash(w.template.fingerprint);
      return range(w.replicas).map((i) => podOf(w, `${w.name}-${hash}-${safeSuffix(`${seed}/${i}`)}`, { 'pod-template-hash': hash }));
    }
    case 'ReplicaSet':
      return range(w.replicas).map((i) => podOf(w, `${w.name}-${safeSuffix(`${seed}/${i}`)}`, {}));
    case 'StatefulSet':
      return range(w.replicas).map((i) => podOf(w, `${w.name}-${i}`, {
        'statefulset.kubernetes.io/pod-name': `${w.name}-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      }));
    case 'DaemonSet': {
      if (w.template.spec.nodeName !== undefined || nodes.length === 0) return [podOf(w, `${w.name}-${safeSuffix(`${seed}/0`)}`, {})];
      return nodes
        .filter((n) => nodeMatches(n, w.template.spec.nodeSelector))
        .map((n) => podOf(w, `${w.name}-${safeSuffix(`${seed}/${n.name}`)}`, {}, n.name));
    }
    case 'Job':
      return range(w.replicas).map((i) => podOf(w, `${w.name}-${safeSuffix(`${seed}/${i}`)}`, jobLabels(w.name)));
    case 'CronJob': {
      const job = `${w.name}-${String(fnv1a32(seed) % 100_000_000).padStart(8, '0')}`;
      return range(w.replicas).map((i) => podOf(w, `${job}-${safeSuffix(`${seed}/${i}`)}`, jobLabels(job)));
    }
  }
  return [];
}

function jobLabels(job: string): Record<string, string> {
  return { 'batch.kubernetes.io/job-name': job, 'job-name': job };
}
