// v1 Node: name, labels, addresses (InternalIP first, then ExternalIP) and pod CIDRs.
// Node addresses are what host-network pods use and what node peers match.
import type { Node } from '../../model/cluster.ts';
import { canonicalIp, formatCidr } from '../../model/ip.ts';
import type { KindHandler } from '../dialect.ts';
import { checkCidr } from '../validation/cidr.ts';
import { childPath, indexPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readArray, readObject, readString, readStringList } from '../validation/shape.ts';
import { readObjectMeta } from './object-meta.ts';

const ADDRESS_ORDER = ['InternalIP', 'ExternalIP'];

function readAddresses(value: unknown, issues: Issues): string[] {
  const status = readObject(value, 'status', issues) ?? {};
  const found: Array<{ rank: number; ip: string }> = [];
  (readArray(status['addresses'], 'status.addresses', issues) ?? []).forEach((raw, i) => {
    const p = indexPath('status.addresses', i);
    const entry = readObject(raw, p, issues);
    if (entry === undefined) return;
    const type = readString(entry['type'], childPath(p, 'type'), issues);
    const text = readString(entry['address'], childPath(p, 'address'), issues);
    const rank = ADDRESS_ORDER.indexOf(type ?? '');
    if (rank < 0 || text === undefined) return; // Hostname, InternalDNS...: not addresses we route
    const ip = canonicalIp(text);
    if (ip === undefined) issues.invalid(childPath(p, 'address'), text, `must be a valid IP address for type ${type}`);
    else found.push({ rank, ip });
  });
  const ips: string[] = [];
  for (const { ip } of found.sort((a, b) => a.rank - b.rank)) if (!ips.includes(ip)) ips.push(ip);
  return ips;
}

function readPodCidrs(value: unknown, issues: Issues): string[] {
  const spec = readObject(value, 'spec', issues) ?? {};
  const out: string[] = [];
  const add = (text: string, path: string): void => {
    const check = checkCidr(text);
    issues.each(path, text, check.errors);
    if (check.cidr !== undefined && check.errors.length === 0) {
      const c = formatCidr(check.cidr);
      if (!out.includes(c)) out.push(c);
    }
  };
  (readStringList(spec['podCIDRs'], 'spec.podCIDRs', issues) ?? []).forEach((c, i) => add(c, indexPath('spec.podCIDRs', i)));
  const single = readString(spec['podCIDR'], 'spec.podCIDR', issues);
  if (single !== undefined && single !== '') add(single, 'spec.podCIDR');
  return out;
}

export const nodeHandler: KindHandler = {
  apiVersion: 'v1',
  kind: 'Node',
  decode(obj: JsonObject, issues: Issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: false, nameRule: isDns1123Subdomain });
    const ips = readAddresses(obj['status'], issues);
    const podCIDRs = readPodCidrs(obj['spec'], issues);
    if (meta === undefined) return { objects: [] };
    if (issues.hasErrors) return { name: meta.name, objects: [] };
    const node: Node = { name: meta.name, labels: meta.labels, ips, podCIDRs };
    return { name: meta.name, objects: [{ type: 'node', node }] };
  },
};
