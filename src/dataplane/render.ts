// render(): the ruleset model → `nft -f` text. A full resync is one transaction that
// creates the table if missing, deletes it and declares it anew: nft applies the file
// atomically, so there is never a moment without rules. The fixed chains come from here;
// everything that grows with the cluster is a set or map element (elementsOf), which
// delta.ts reuses so that a full load and a delta always agree on element text.
import { formatIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import { TABLE_NAME } from './ruleset.ts';
import type { Decision, DropTarget, Ruleset } from './ruleset.ts';

export const FAMILY_TABLE = `inet ${TABLE_NAME}`;

/** Declarations of the sets and maps, in render order. */
export const SETS: ReadonlyArray<{ readonly name: string; readonly decl: string }> = [
  { name: 'addr4', decl: 'type ipv4_addr : mark' },
  { name: 'addr6', decl: 'type ipv6_addr : mark' },
  { name: 'region4', decl: 'type ipv4_addr : mark; flags interval' },
  { name: 'region6', decl: 'type ipv6_addr : mark; flags interval' },
  { name: 'local4', decl: 'type ipv4_addr' },
  { name: 'local6', decl: 'type ipv6_addr' },
  { name: 'egress_cells', decl: 'type mark . mark . inet_proto . inet_service : verdict; flags interval' },
  { name: 'egress_default', decl: 'type mark : verdict' },
  { name: 'egress_nonport_cells', decl: 'type mark . mark : verdict' },
  { name: 'egress_nonport_default', decl: 'type mark : verdict' },
  { name: 'ingress_cells', decl: 'type mark . mark . inet_proto . inet_service : verdict; flags interval' },
  { name: 'ingress_default', decl: 'type mark : verdict' },
  { name: 'ingress_nonport_cells', decl: 'type mark . mark : verdict' },
  { name: 'ingress_nonport_default', decl: 'type mark : verdict' },
];

/** Set name → element key → value (null in plain sets). Keys and values are nft text. */
export type Elements = ReadonlyMap<string, ReadonlyMap<string, string | null>>;

export function verdictText(d: Decision): string {
  return d.kind === 'allow' ? 'return' : `goto ${dropChainName(d.target)}`;
}

export function dropChainName(index: number): string {
  return `drop_${index}`;
}

export function elementsOf(r: Ruleset): Elements {
  const out = new Map<string, Map<string, string | null>>(SETS.map((s) => [s.name, new Map()]));
  const put = (set: string, key: string, value: string | null): void => {
    out.get(set)?.set(key, value);
  };
  for (const a of r.addresses) put(`addr${a.family}`, a.ip, String(a.identity));
  for (const g of r.regions) put(`region${g.family}`, rangeText(g.family, g.first, g.last), String(g.identity));
  for (const a of r.local) put(`local${a.family}`, a.ip, null);
  for (const dir of ['egress', 'ingress'] as const) {
    const table = r[dir];
    for (const cell of table.cells) {
      // Always a range: nft 1.0.6 cannot delete `. 53` from a concatenated interval map, only `. 53-53`.
      const ports = `${cell.fromPort}-${cell.toPort}`;
      put(`${dir}_cells`, `${cell.local} . ${cell.remote} . ${cell.protocol.toLowerCase()} . ${ports}`, verdictText(cell.decision));
    }
    for (const [local, d] of table.defaults) if (d.kind !== 'allow') put(`${dir}_default`, String(local), verdictText(d));
    for (const cell of table.nonPortCells) put(`${dir}_nonport_cells`, `${cell.local} . ${cell.remote}`, verdictText(cell.decision));
    for (const [local, d] of table.nonPortDefaults) if (d.kind !== 'allow') put(`${dir}_nonport_default`, String(local), verdictText(d));
  }
  return out;
}

function rangeText(family: IpFamily, first: bigint, last: bigint): string {
  const a = formatIp({ family, value: first });
  return first === last ? a : `${a}-${formatIp({ family, value: last })}`;
}

export function elementText(key: string, value: string | null): string {
  return value === null ? key : `${key} : ${value}`;
}

/** The log prefix names the policy; nft allows 127 characters and no quotes. */
export function logPrefix(t: DropTarget): string {
  const text = `palisade drop ${t.label}: `.replace(/["\\\n]/g, '');
  return text.length <= 127 ? text : `${text.slice(0, 124)}.: `;
}

/** The rules of a drop chain: count, log at most 10 a second per policy, drop. */
export function dropChainRules(t: DropTarget): string[] {
  return [
    `counter name "${dropChainName(t.index)}"`,
    `limit rate 10/second burst 20 packets log prefix "${logPrefix(t)}" level info`,
    'drop',
  ];
}

const NON_PORT = 'meta l4proto != { tcp, udp, sctp }';

/** The fixed chains: they never change with pods or policies. */
export function fixedChains(): Array<{ name: string; head?: string; rules: string[] }> {
  const check = (dir: 'egress' | 'ingress', local: string, remote: string): string[] => [
    `${NON_PORT} ${local} . ${remote} vmap @${dir}_nonport_cells`,
    `${NON_PORT} ${local} vmap @${dir}_nonport_default`,
    `${NON_PORT} return`,
    `${local} . ${remote} . meta l4proto . th dport vmap @${dir}_cells`,
    `${local} vmap @${dir}_default`,
  ];
  const conntrack = ['ct state established,related accept', 'ct state invalid drop'];
  // The source identity travels in the packet mark, the destination's in the conntrack
  // mark: nft cannot concatenate two map lookups, and both are scratch space here.
  const marks = [
    'meta mark set ip saddr map @region4',
    'meta mark set ip saddr map @addr4',
    'ct mark set ip daddr map @region4',
    'ct mark set ip daddr map @addr4',
    'meta mark set ip6 saddr map @region6',
    'meta mark set ip6 saddr map @addr6',
    'ct mark set ip6 daddr map @region6',
    'ct mark set ip6 daddr map @addr6',
  ];
  return [
    { name: 'egress_check', rules: check('egress', 'meta mark', 'ct mark') },
    { name: 'ingress_check', rules: check('ingress', 'ct mark', 'meta mark') },
    // Traffic between a pod and its own node never crosses `forward` (it goes through
    // `input` and `output`), and Kubernetes always allows it (engine reason 'own-node'):
    // so the table hooks only `forward`, and kubelet probes, host-network pods and
    // NodePorts on the pod's own node are never filtered.
    {
      name: 'forward_hook',
      head: 'type filter hook forward priority filter; policy accept;',
      rules: [
        ...conntrack,
        ...marks,
        'ip saddr @local4 jump egress_check',
        'ip6 saddr @local6 jump egress_check',
        'ip daddr @local4 jump ingress_check',
        'ip6 daddr @local6 jump ingress_check',
      ],
    },
  ];
}

/** The whole table as one atomic `nft -f` transaction. */
export function renderRuleset(r: Ruleset): string {
  const lines: string[] = [
    `# palisade ruleset for node ${r.node}`,
    `add table ${FAMILY_TABLE}`,
    `delete table ${FAMILY_TABLE}`,
    `table ${FAMILY_TABLE} {`,
  ];
  for (const t of r.dropTargets) lines.push(`\tcounter ${dropChainName(t.index)} {`, '\t}');
  const elements = elementsOf(r);
  for (const s of SETS) {
    const kind = s.decl.includes(' : ') ? 'map' : 'set';
    lines.push(`\t${kind} ${s.name} {`, `\t\t${s.decl.replace('; ', '\n\t\t')}`);
    const els = [...(elements.get(s.name) ?? new Map<string, string | null>())];
    if (els.length > 0) {
      lines.push('\t\telements = {');
      els.forEach(([k, v], i) => lines.push(`\t\t\t${elementText(k, v)}${i + 1 < els.length ? ',' : ''}`));
      lines.push('\t\t}');
    }
    lines.push('\t}');
  }
  for (const t of r.dropTargets) chainBlock(lines, dropChainName(t.index), undefined, dropChainRules(t));
  for (const ch of fixedChains()) chainBlock(lines, ch.name, ch.head, ch.rules);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function chainBlock(lines: string[], name: string, head: string | undefined, rules: readonly string[]): void {
  lines.push(`\tchain ${name} {`);
  if (head !== undefined) lines.push(`\t\t${head}`);
  for (const r of rules) lines.push(`\t\t${r}`);
  lines.push('\t}');
}
