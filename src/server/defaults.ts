// What the API server's defaulting and create strategies set that the store does not
// (k8s.io/kubernetes pkg/apis/{core,networking}/v1/defaults.go, pkg/registry/core/pod/
// strategy.go): NetworkPolicy policyTypes and port protocols (kubectl describe and the
// engine read them), the common Pod and Service spec defaults, a new pod's Pending status
// with its QoS class, and `metadata.generateName`. The lab's kubelet sets pod status later.
import { randomInt } from 'node:crypto';

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function maps(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isMap) : [];
}

function setDefault(o: Json, field: string, value: unknown): void {
  if (o[field] === undefined || o[field] === null || o[field] === '') o[field] = value;
}

// The alphabet of utilrand.String: no vowels, no confusable characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** pkg/apis/core/helper/qos GetPodQOS, simplified to cpu/memory requests and limits. */
function qosClass(spec: Json): string {
  const containers = [...maps(spec['containers']), ...maps(spec['initContainers'])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isMap(c['resources']) ? c['resources'] : {};
    const requests = isMap(res['requests']) ? res['requests'] : {};
    const limits = isMap(res['limits']) ? res['limits'] : {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** SetDefaults_Container: pull policy from the image tag, termination message, port protocols. */
function defaultContainer(c: Json): void {
  const image = typeof c['image'] === 'string' ? c['image'] : '';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tagged = lastPart.includes(':') && !lastPart.endsWith(':latest');
  setDefault(c, 'imagePullPolicy', image.includes('@') || tagged ? 'IfNotPresent' : 'Always');
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const p of maps(c['ports'])) setDefault(p, 'protocol', 'TCP');
}

function defaultPodSpec(spec: Json): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  for (const c of [...maps(spec['containers']), ...maps(spec['initContainers'])]) defaultContainer(c);
}

function defaultServiceSpec(spec: Json): void {
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  for (const p of maps(spec['ports'])) {
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p['port']);
  }
}

/** SetDefaults_NetworkPolicySpec / SetDefaults_NetworkPolicyPort. */
function defaultNetworkPolicySpec(spec: Json): void {
  for (const rule of [...maps(spec['ingress']), ...maps(spec['egress'])]) {
    for (const p of maps(rule['ports'])) setDefault(p, 'protocol', 'TCP');
  }
  const types = spec['policyTypes'];
  if (!Array.isArray(types) || types.length === 0) {
    spec['policyTypes'] = Array.isArray(spec['egress']) && spec['egress'].length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** Defaults applied to every object written (create, update, patch); changes `obj` in place. */
export function applyDefaults(apiVersion: string, kind: string, obj: Json): void {
  const spec = isMap(obj['spec']) ? obj['spec'] : undefined;
  if (spec === undefined) return;
  if (apiVersion === 'v1' && kind === 'Pod') defaultPodSpec(spec);
  else if (apiVersion === 'v1' && kind === 'Service') defaultServiceSpec(spec);
  else if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') defaultNetworkPolicySpec(spec);
}

/** What create adds on top of the defaults: a generated name, a new pod's status. */
export function prepareForCreate(apiVersion: string, kind: string, obj: Json): void {
  const meta = isMap(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {});
  const generateName = meta['generateName'];
  if ((meta['name'] === undefined || meta['name'] === '') && typeof generateName === 'string' && generateName !== '') {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += ALPHANUMS[randomInt(ALPHANUMS.length)] ?? '';
    meta['name'] = `${generateName}${suffix}`;
  }
  applyDefaults(apiVersion, kind, obj);
  if (apiVersion === 'v1' && kind === 'Pod') {
    obj['status'] = { phase: 'Pending', qosClass: qosClass(isMap(obj['spec']) ? obj['spec'] : {}) };
  }
}
