// Workload controllers whose pod templates become pods for offline analysis:
// Deployment, ReplicaSet, StatefulSet, DaemonSet (apps/v1), Job, CronJob (batch/v1).
// Checked: metadata, selector vs template labels (apps/v1 requires a matching,
// non-empty selector), replica counts, and the template's labels and ports.
import type { KindHandler } from '../dialect.ts';
import { stableJson } from '../hash.ts';
import { childPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readInt, readObject } from '../validation/shape.ts';
import type { LabelSelector } from './label-selector.ts';
import { matchesLabelSelector, readLabelSelector } from './label-selector.ts';
import { readLabels } from './labels.ts';
import type { PodSpecInfo } from './pod-spec.ts';
import { readPodSpec } from './pod-spec.ts';
import { readObjectMeta } from './object-meta.ts';

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

export interface PodTemplate {
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: PodSpecInfo;
  /** Stable text of the raw template, for the pod-template-hash of Deployment pods. */
  readonly fingerprint: string;
}

export interface Workload {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Pods to create (replicas, or Job parallelism); ignored for DaemonSets (one per node). */
  readonly replicas: number;
  readonly template: PodTemplate;
}

function readTemplate(value: unknown, path: string, issues: Issues): PodTemplate | undefined {
  const tpl = readObject(value, path, issues);
  if (tpl === undefined) {
    if (value == null) issues.required(path, 'a pod template is required');
    return undefined;
  }
  const meta = readObject(tpl['metadata'], childPath(path, 'metadata'), issues) ?? {};
  const labels = readLabels(meta['labels'], childPath(path, 'metadata.labels'), issues) ?? {};
  const spec = readPodSpec(tpl['spec'], childPath(path, 'spec'), issues);
  return { labels, spec, fingerprint: stableJson(tpl) };
}

function readCount(value: unknown, path: string, issues: Issues, dflt: number): number {
  const n = readInt(value, path, issues);
  if (n === undefined) return dflt;
  if (n < 0) { issues.invalid(path, n, 'must be greater than or equal to 0'); return dflt; }
  return n;
}

/** apps/v1: the selector is required, non-empty, and must match the template's labels. */
function checkSelector(spec: JsonObject, template: PodTemplate | undefined, issues: Issues): void {
  const raw = spec['selector'];
  const sel: LabelSelector | undefined = readLabelSelector(raw, 'spec.selector', issues);
  if (sel === undefined) {
    if (raw == null) issues.required('spec.selector', 'a selector is required');
    return;
  }
  if (Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0) {
    issues.invalid('spec.selector', raw, 'empty selector is invalid for this workload');
  } else if (template !== undefined && !matchesLabelSelector(sel, template.labels)) {
    issues.invalid('spec.template.metadata.labels', template.labels, '`selector` does not match template `labels`');
  }
}

function appsHandler(kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet'): KindHandler {
  return {
    apiVersion: 'apps/v1',
    kind,
    decode(obj, issues) {
      const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1123Subdomain });
      const spec = readObject(obj['spec'], 'spec', issues) ?? {};
      const template = readTemplate(spec['template'], 'spec.template', issues);
      checkSelector(spec, template, issues);
      const replicas = kind === 'DaemonSet' ? 1 : readCount(spec['replicas'], 'spec.replicas', issues, 1);
      return finish(kind, meta, template, replicas, issues);
    },
  };
}

function jobSpec(spec: JsonObject, path: string, issues: Issues): { template?: PodTemplate; replicas: number } {
  const template = readTemplate(spec['template'], childPath(path, 'template'), issues);
  const parallelism = readCount(spec['parallelism'], childPath(path, 'parallelism'), issues, 1);
  const completionsRaw = readInt(spec['completions'], childPath(path, 'completions'), issues);
  // At most `completions` pods run at once, however high the parallelism.
  const replicas = completionsRaw === undefined || completionsRaw < 0 ? parallelism : Math.min(parallelism, completionsRaw);
  return { ...(template === undefined ? {} : { template }), replicas };
}

export const jobHandler: KindHandler = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  decode(obj, issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1123Subdomain });
    const { template, replicas } = jobSpec(readObject(obj['spec'], 'spec', issues) ?? {}, 'spec', issues);
    return finish('Job', meta, template, replicas, issues);
  },
};

export const cronJobHandler: KindHandler = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  decode(obj, issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1123Subdomain });
    const spec = readObject(obj['spec'], 'spec', issues) ?? {};
    const jobTpl = readObject(spec['jobTemplate'], 'spec.jobTemplate', issues);
    if (jobTpl === undefined && spec['jobTemplate'] == null) issues.required('spec.jobTemplate', 'a job template is required');
    const jspec = readObject(jobTpl?.['spec'], 'spec.jobTemplate.spec', issues) ?? {};
    const { template, replicas } = jobSpec(jspec, 'spec.jobTemplate.spec', issues);
    return finish('CronJob', meta, template, replicas, issues);
  },
};

function finish(kind: WorkloadKind, meta: ReturnType<typeof readObjectMeta>, template: PodTemplate | undefined, replicas: number, issues: Issues) {
  if (meta === undefined || meta.namespace === undefined) return { objects: [] };
  const id = { name: meta.name, namespace: meta.namespace };
  if (issues.hasErrors || template === undefined) return { ...id, objects: [] };
  const workload: Workload = { kind, namespace: meta.namespace, name: meta.name, replicas, template };
  return { ...id, objects: [{ type: 'workload' as const, workload }] };
}

export const WORKLOAD_HANDLERS: readonly KindHandler[] = [
  appsHandler('Deployment'),
  appsHandler('ReplicaSet'),
  appsHandler('StatefulSet'),
  appsHandler('DaemonSet'),
  jobHandler,
  cronJobHandler,
];
