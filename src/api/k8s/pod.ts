// v1 Pod: metadata, the ports and networking of its spec, and its IPs from
// status.podIPs / status.podIP (canonicalised). Pods without IPs get one in buildSnapshot.
import type { Pod } from '../../model/cluster.ts';
import { canonicalIp } from '../../model/ip.ts';
import type { KindHandler } from '../dialect.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readObject, readString } from '../validation/shape.ts';
import { readObjectMeta } from './object-meta.ts';
import { readPodSpec } from './pod-spec.ts';

/** Canonical IPs of status.podIPs[].ip, then status.podIP if not already listed. */
export function readPodIps(value: unknown, issues: Issues): string[] {
  const status = readObject(value, 'status', issues) ?? {};
  const ips: string[] = [];
  const add = (raw: unknown, path: string): void => {
    const text = readString(raw, path, issues);
    if (text === undefined || text === '') return;
    const ip = canonicalIp(text);
    if (ip === undefined) issues.invalid(path, text, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    else if (!ips.includes(ip)) ips.push(ip);
  };
  (readArray(status['podIPs'], 'status.podIPs', issues) ?? []).forEach((entry, i) => {
    const p = indexPath('status.podIPs', i);
    const obj = readObject(entry, p, issues);
    if (obj !== undefined) add(obj['ip'], childPath(p, 'ip'));
  });
  add(status['podIP'], 'status.podIP');
  return ips;
}

export const podHandler: KindHandler = {
  apiVersion: 'v1',
  kind: 'Pod',
  decode(obj: JsonObject, issues: Issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1123Subdomain });
    const spec = readPodSpec(obj['spec'], 'spec', issues);
    const ips = readPodIps(obj['status'], issues);
    if (meta === undefined || meta.namespace === undefined) return { objects: [] };
    const id = { name: meta.name, namespace: meta.namespace };
    if (issues.hasErrors) return { ...id, objects: [] };
    const pod: Pod = {
      key: `${meta.namespace}/${meta.name}`,
      namespace: meta.namespace,
      name: meta.name,
      labels: meta.labels,
      ips,
      hostNetwork: spec.hostNetwork,
      ...(spec.nodeName === undefined ? {} : { node: spec.nodeName }),
      ports: spec.ports,
      ...(spec.serviceAccount === undefined ? {} : { serviceAccount: spec.serviceAccount }),
    };
    return { ...id, objects: [{ type: 'pod', pod }] };
  },
};
