// The parts of a PodSpec the engine relies on: container ports (named ports resolve
// against them), host networking, node, service account, node selector. Other PodSpec
// fields are not checked (unknown fields inside pod specs are fine), but ports are
// validated as validateContainerPorts does (pkg/apis/core/validation).
import type { ContainerPort } from '../../model/cluster.ts';
import type { Protocol } from '../../model/protocol.ts';
import { readProtocol } from '../validation/protocol.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain, isValidPortName, isValidPortNum } from '../validation/names.ts';
import { readArray, readBoolean, readInt, readObject, readString, readStringMap } from '../validation/shape.ts';
import { validateLabels } from './labels.ts';

export interface PodSpecInfo {
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly nodeName?: string;
  readonly serviceAccount?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

export function readPodSpec(value: unknown, path: string, issues: Issues): PodSpecInfo {
  const spec = readObject(value, path, issues) ?? {};
  const ports: ContainerPort[] = [];
  const names = new Map<string, string>();
  for (const field of ['containers', 'initContainers'] as const) {
    const listPath = childPath(path, field);
    (readArray(spec[field], listPath, issues) ?? []).forEach((raw, i) => {
      const cPath = indexPath(listPath, i);
      const c = readObject(raw, cPath, issues);
      if (c === undefined) return;
      // Init containers run to completion, except sidecars (restartPolicy: Always) that keep serving.
      if (field === 'initContainers' && c['restartPolicy'] !== 'Always') return;
      const portsPath = childPath(cPath, 'ports');
      (readArray(c['ports'], portsPath, issues) ?? []).forEach((rp, j) => {
        const p = readContainerPort(rp, indexPath(portsPath, j), issues, names);
        if (p !== undefined) ports.push(p);
      });
    });
  }
  const hostNetwork = readBoolean(spec['hostNetwork'], childPath(path, 'hostNetwork'), issues) ?? false;
  const nodePath = childPath(path, 'nodeName');
  const nodeName = readString(spec['nodeName'], nodePath, issues);
  if (nodeName !== undefined && nodeName !== '') issues.each(nodePath, nodeName, isDns1123Subdomain(nodeName));
  const serviceAccount = readString(spec['serviceAccountName'], childPath(path, 'serviceAccountName'), issues)
    ?? readString(spec['serviceAccount'], childPath(path, 'serviceAccount'), issues);
  const selPath = childPath(path, 'nodeSelector');
  const nodeSelector = readStringMap(spec['nodeSelector'], selPath, issues);
  if (nodeSelector !== undefined) validateLabels(nodeSelector, selPath, issues);
  return {
    ports,
    hostNetwork,
    ...(nodeName === undefined || nodeName === '' ? {} : { nodeName }),
    ...(serviceAccount === undefined || serviceAccount === '' ? {} : { serviceAccount }),
    ...(nodeSelector === undefined ? {} : { nodeSelector }),
  };
}

function readContainerPort(raw: unknown, path: string, issues: Issues, names: Map<string, string>): ContainerPort | undefined {
  const obj = readObject(raw, path, issues);
  if (obj === undefined) return undefined;
  const before = issues.list.length;
  const portPath = childPath(path, 'containerPort');
  const port = readInt(obj['containerPort'], portPath, issues);
  if (port === undefined) {
    if (obj['containerPort'] == null) issues.required(portPath, 'a containerPort is required');
  } else {
    issues.each(portPath, port, isValidPortNum(port));
  }
  const namePath = childPath(path, 'name');
  const name = readString(obj['name'], namePath, issues);
  if (name !== undefined && name !== '') {
    issues.each(namePath, name, isValidPortName(name));
    const first = names.get(name);
    if (first !== undefined) issues.duplicate(namePath, name);
    else names.set(name, path);
  }
  const protoPath = childPath(path, 'protocol');
  const protocol: Protocol = readProtocol(obj['protocol'], protoPath, issues) ?? 'TCP';
  if (issues.list.length > before || port === undefined) return undefined;
  return { ...(name === undefined || name === '' ? {} : { name }), port, protocol };
}
