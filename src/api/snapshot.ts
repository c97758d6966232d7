// Turns parsed documents into the model: validates every document (all problems of all
// documents, not just the first), converts the valid ones through the dispatch table of
// handlers.ts, expands workloads into pods, creates referenced namespaces, assigns
// missing pod IPs (pod-ips.ts), and reports duplicates naming both places.
import type { Cluster, Namespace, NetworkSet, Node, Pod, Service } from '../model/cluster.ts';
import type { Policy } from '../model/policy.ts';
import type { PolicySet, Tier } from '../model/tier.ts';
import { STANDARD_TIERS } from '../model/tier.ts';
import type { Decoded } from './dialect.ts';
import { apiGroup, handlerKey } from './dialect.ts';
import type { HandlerTable } from './handlers.ts';
import { DEFAULT_HANDLERS } from './handlers.ts';
import { makeNamespace } from './k8s/namespace.ts';
import { rawObjectName } from './k8s/object-meta.ts';
import type { Workload } from './k8s/workload.ts';
import { workloadPods } from './k8s/workload-pods.ts';
import { assignPodIps } from './pod-ips.ts';
import type { Problem } from './problem.ts';
import type { SourceDocument } from './source-document.ts';
import { lineOf } from './validation/field-path.ts';
import { Issues } from './validation/issues.ts';
import { isObject } from './validation/shape.ts';

export interface Snapshot {
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  /** Errors: the objects they are about were skipped. */
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

interface Located<T> {
  readonly value: T;
  readonly doc: SourceDocument;
}

function where(doc: SourceDocument): string {
  const line = doc.line === undefined ? '' : `:${doc.line}`;
  return `${doc.source}${line}`;
}

function objectLabel(doc: SourceDocument): string {
  return rawObjectName(doc.object) ?? `#${doc.index + 1}${doc.itemPath === undefined ? '' : ` ${doc.itemPath}`}`;
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

export function buildSnapshot(documents: readonly SourceDocument[], handlers: HandlerTable = DEFAULT_HANDLERS): Snapshot {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const report = (doc: SourceDocument, severity: 'error' | 'warning', message: string, path?: string): void => {
    const line = (path === undefined ? undefined : lineOf(doc.lines, path)) ?? doc.line;
    const p: Problem = {
      source: doc.source,
      ...(line === undefined ? {} : { line }),
      object: objectLabel(doc),
      ...(path === undefined || path === '' ? {} : { path }),
      message,
      severity,
    };
    (severity === 'error' ? problems : warnings).push(p);
  };

  const seen = new Map<string, SourceDocument>();
  const decoded: Array<Located<Decoded>> = [];
  for (const doc of documents) {
    const obj = doc.object;
    if (!isObject(obj)) {
      report(doc, 'error', `expected a Kubernetes object, got ${Array.isArray(obj) ? 'a list' : typeof obj}`);
      continue;
    }
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      report(doc, 'error', 'apiVersion and kind are required (strings)', typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind');
      continue;
    }
    const handler = handlers.get(handlerKey(apiVersion, kind));
    if (handler === undefined) {
      const others = [...handlers.values()].filter((h) => h.kind === kind).map((h) => h.apiVersion);
      report(doc, 'warning', others.length > 0
        ? `${kind} ${apiVersion} is not supported (supported: ${others.join(', ')}): ignored`
        : `unsupported kind ${kind} (${apiVersion}): ignored`);
      continue;
    }
    const issues = new Issues();
    let result;
    try {
      result = handler.decode(obj, issues);
    } catch (err) {
      // A handler bug must not hide the other documents' problems.
      report(doc, 'error', `internal error while reading ${kind}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    for (const i of issues.list) report(doc, i.severity, i.message, i.path);
    if (result.objects.length === 0 || result.name === undefined) continue;
    const id = `${apiGroup(apiVersion)}/${kind}/${result.namespace ?? ''}/${result.name}`;
    const first = seen.get(id);
    if (first !== undefined) {
      report(doc, 'error', `duplicate ${kind} ${result.namespace === undefined ? '' : `${result.namespace}/`}${result.name}: already defined at ${where(first)}; this one is ignored`);
      continue;
    }
    seen.set(id, doc);
    for (const d of result.objects) decoded.push({ value: d, doc });
  }

  const namespaces = new Map<string, Namespace>();
  const pods: Array<Located<Pod>> = [];
  const nodes: Node[] = [];
  const services: Service[] = [];
  const networkSets: NetworkSet[] = [];
  const policies: Policy[] = [];
  const tiers: Tier[] = [...STANDARD_TIERS];
  const workloads: Array<Located<Workload>> = [];
  for (const { value: d, doc } of decoded) {
    switch (d.type) {
      case 'namespace': namespaces.set(d.namespace.name, d.namespace); break;
      case 'pod': pods.push({ value: d.pod, doc }); break;
      case 'node': nodes.push(d.node); break;
      case 'service': services.push(d.service); break;
      case 'networkSet': networkSets.push(d.networkSet); break;
      case 'policy': policies.push(d.policy); break;
      case 'workload': workloads.push({ value: d.workload, doc }); break;
      case 'tier': {
        const clash = tiers.find((t) => t.name === d.tier.name);
        if (clash !== undefined) report(doc, 'error', `tier ${d.tier.name} is already defined`);
        else tiers.push(d.tier);
        break;
      }
    }
  }

  nodes.sort(byKey((n) => n.name));
  const podDoc = new Map<string, SourceDocument>(pods.map((p) => [p.value.key, p.doc]));
  for (const { value: w, doc } of workloads) {
    for (const pod of workloadPods(w, nodes)) {
      const other = podDoc.get(pod.key);
      if (other !== undefined) {
        report(doc, 'error', `${w.kind} ${w.namespace}/${w.name} would create pod ${pod.key}, which is already defined at ${where(other)}; the generated pod is skipped`);
        continue;
      }
      podDoc.set(pod.key, doc);
      pods.push({ value: pod, doc });
    }
  }

  const referenced = [
    ...pods.map((p) => p.value.namespace),
    ...services.map((s) => s.namespace),
    ...networkSets.flatMap((s) => (s.namespace === undefined ? [] : [s.namespace])),
    ...policies.flatMap((p) => (p.ref.namespace === undefined ? [] : [p.ref.namespace])),
  ];
  for (const ns of referenced) if (!namespaces.has(ns)) namespaces.set(ns, makeNamespace(ns));

  const { pods: withIps, notes } = assignPodIps(pods.map((p) => p.value), nodes);
  for (const n of notes) {
    const doc = podDoc.get(n.podKey);
    if (doc !== undefined) report(doc, 'warning', `pod ${n.podKey}: ${n.message}`);
  }

  const cluster: Cluster = {
    namespaces: [...namespaces.values()].sort(byKey((n) => n.name)),
    pods: withIps.sort(byKey((p) => p.key)),
    nodes,
    services: services.sort(byKey((s) => s.key)),
    networkSets: networkSets.sort(byKey((s) => s.key)),
  };
  return {
    cluster,
    policies: { tiers: tiers.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : 1)), policies: policies.sort(byKey((p) => p.id)) },
    problems,
    warnings,
  };
}
