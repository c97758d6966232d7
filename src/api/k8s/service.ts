// v1 Service: selector, ports (targetPort defaults to port) and cluster IPs. Headless
// services (clusterIP None) have no cluster IPs. Checked as far as the engine uses them.
import type { Service, ServicePort } from '../../model/cluster.ts';
import { canonicalIp } from '../../model/ip.ts';
import type { Protocol } from '../../model/protocol.ts';
import { readProtocol } from '../validation/protocol.ts';
import type { KindHandler } from '../dialect.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1035Label, isValidPortName, isValidPortNum } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readInt, readIntOrString, readObject, readString, readStringList, readStringMap } from '../validation/shape.ts';
import { validateLabels } from './labels.ts';
import { readObjectMeta } from './object-meta.ts';

function readServicePort(raw: unknown, path: string, issues: Issues): ServicePort | undefined {
  const obj = readObject(raw, path, issues);
  if (obj === undefined) return undefined;
  const before = issues.list.length;
  const portPath = childPath(path, 'port');
  const port = readInt(obj['port'], portPath, issues);
  if (port === undefined) { if (obj['port'] == null) issues.required(portPath, 'a port is required'); }
  else issues.each(portPath, port, isValidPortNum(port));
  const name = readString(obj['name'], childPath(path, 'name'), issues);
  const protoPath = childPath(path, 'protocol');
  const protocol: Protocol = readProtocol(obj['protocol'], protoPath, issues) ?? 'TCP';
  const tpPath = childPath(path, 'targetPort');
  const targetPort = readIntOrString(obj['targetPort'], tpPath, issues);
  if (typeof targetPort === 'number') issues.each(tpPath, targetPort, isValidPortNum(targetPort));
  else if (typeof targetPort === 'string' && targetPort !== '') issues.each(tpPath, targetPort, isValidPortName(targetPort));
  if (issues.list.length > before || port === undefined) return undefined;
  return {
    ...(name === undefined || name === '' ? {} : { name }),
    port,
    protocol,
    targetPort: targetPort === undefined || targetPort === '' || targetPort === 0 ? port : targetPort,
  };
}

function readClusterIps(spec: JsonObject, issues: Issues): string[] {
  const ips: string[] = [];
  const add = (text: string, path: string): void => {
    if (text === '' || text === 'None') return;
    const ip = canonicalIp(text);
    if (ip === undefined) issues.invalid(path, text, 'must be a valid IP address or "None"');
    else if (!ips.includes(ip)) ips.push(ip);
  };
  (readStringList(spec['clusterIPs'], 'spec.clusterIPs', issues) ?? []).forEach((t, i) => add(t, indexPath('spec.clusterIPs', i)));
  const single = readString(spec['clusterIP'], 'spec.clusterIP', issues);
  if (single !== undefined) add(single, 'spec.clusterIP');
  return ips;
}

export const serviceHandler: KindHandler = {
  apiVersion: 'v1',
  kind: 'Service',
  decode(obj: JsonObject, issues: Issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: true, nameRule: isDns1035Label });
    const spec = readObject(obj['spec'], 'spec', issues) ?? {};
    const selector = readStringMap(spec['selector'], 'spec.selector', issues);
    if (selector !== undefined) validateLabels(selector, 'spec.selector', issues);
    const ports: ServicePort[] = [];
    (readArray(spec['ports'], 'spec.ports', issues) ?? []).forEach((raw, i) => {
      const p = readServicePort(raw, indexPath('spec.ports', i), issues);
      if (p !== undefined) ports.push(p);
    });
    const clusterIPs = readClusterIps(spec, issues);
    if (meta === undefined || meta.namespace === undefined) return { objects: [] };
    const id = { name: meta.name, namespace: meta.namespace };
    if (issues.hasErrors) return { ...id, objects: [] };
    const service: Service = {
      key: `${meta.namespace}/${meta.name}`,
      namespace: meta.namespace,
      name: meta.name,
      labels: meta.labels,
      // An empty selector selects nothing for a Service; keep it absent like "no selector".
      ...(selector === undefined || Object.keys(selector).length === 0 ? {} : { selector }),
      clusterIPs,
      ports,
    };
    return { ...id, objects: [{ type: 'service', service }] };
  },
};
