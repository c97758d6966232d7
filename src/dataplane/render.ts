// render(): the ruleset model → `nft -f` text. A full resync is one transaction that
// creates the table if missing, deletes it and declares it anew: nft applies the file
// atomically, so there is never a moment without rules. The fixed chains come from here;
// everything that grows with the cluster is a set or map element (layout.ts), which
// delta.ts derives the same way, so that a full load and a delta always agree.
//
// The packet path touches only the conntrack mark, and only on new connections: the
// skb mark (`meta mark`) is never read or written, so kube-proxy's masquerade (0x4000)
// and drop (0x8000) bits pass through untouched.
import { CLASS_BITS, cellsSet, checkedSet, classBitMark, classChainName, defaultSet, DIRECT_CLASSES, DIRECTIONS, dropChainName, elementsOf, elementText, FAMILIES, IDENTITY_LIMIT, markText, nonPortDefaultSet, portBitsChainName, portBitSet, portClassMap, SETS } from './layout.ts';
import type { Direction } from './layout.ts';
import type { IpFamily } from '../model/ip.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import { TABLE_NAME } from './ruleset.ts';
import { DROP_LOG_GROUP, DROP_LOG_SNAPLEN } from './nflog.ts';
import type { DropTarget, Ruleset } from './ruleset.ts';

export { dropChainName, elementsOf, elementText, SETS, verdictText } from './layout.ts';
export type { Elements } from './layout.ts';

export const FAMILY_TABLE = `inet ${TABLE_NAME}`;

/** The log prefix names the policy; nft allows 127 characters and no quotes. */
export function logPrefix(t: DropTarget): string {
  const text = `palisade drop ${t.label}: `.replace(/["\\\n]/g, '');
  return text.length <= 127 ? text : `${text.slice(0, 124)}.: `;
}

/**
 * The rules of a drop chain: count, log at most 10 a second per policy, drop. The log goes
 * to nflog group DROP_LOG_GROUP, read by the node's agent (drop-log.ts), not to syslog,
 * which the kernel keeps off in every namespace but the host's.
 */
export function dropChainRules(t: DropTarget): string[] {
  return [
    `counter name "${dropChainName(t.index)}"`,
    `limit rate 10/second burst 20 packets log prefix "${logPrefix(t)}" group ${DROP_LOG_GROUP} snaplen ${DROP_LOG_SNAPLEN}`,
    'drop',
  ];
}

const PORT_PROTOCOLS = '{ tcp, udp, sctp }';

export function checkChainName(dir: Direction, family: IpFamily): string {
  return `${dir}_check${family}`;
}

export interface FixedChain {
  readonly name: string;
  readonly head?: string;
  readonly rules: readonly string[];
}

/** The fixed chains: they never change with pods or policies. */
export function fixedChains(): FixedChain[] {
  // The remote's identity (region first, then the exact address, whose miss leaves the
  // region's), then the port class's bits, then one exact lookup by local address and
  // mark. Each check computes its own mark: traffic between two local pods runs both.
  const check = (dir: Direction, f: IpFamily): FixedChain => {
    const ip = f === 4 ? 'ip' : 'ip6';
    const local = `${ip} ${dir === 'egress' ? 'saddr' : 'daddr'}`;
    const remote = `${ip} ${dir === 'egress' ? 'daddr' : 'saddr'}`;
    return {
      name: checkChainName(dir, f),
      rules: [
        `ct mark set ${remote} map @region${f}`,
        `ct mark set ${remote} map @addr${f}`,
        ...PROTOCOLS.map((p) => `${p.toLowerCase()} dport vmap @${portClassMap(p)}`),
        `${local} . ct mark vmap @${cellsSet(dir, f)}`,
        `meta l4proto ${PORT_PROTOCOLS} ${local} vmap @${defaultSet(dir, f)}`,
        `meta l4proto ${PORT_PROTOCOLS} return`,
        `${local} vmap @${nonPortDefaultSet(dir, f)}`,
      ],
    };
  };
  // Classes are numbered densely: the class maps jump to one of these fixed chains for
  // classes below DIRECT_CLASSES, to the per-bit rules for larger ones.
  const classes = Array.from({ length: DIRECT_CLASSES - 1 }, (_, k): FixedChain => ({ name: classChainName(k + 1), rules: [`ct mark set ct mark | ${markText((k + 1) * IDENTITY_LIMIT)}`] }));
  const bits = PROTOCOLS.map((p): FixedChain => ({
    name: portBitsChainName(p),
    rules: Array.from({ length: CLASS_BITS }, (_, b) => `${p.toLowerCase()} dport @${portBitSet(p, b)} ct mark set ct mark | ${markText(classBitMark(b))}`),
  }));
  return [
    ...classes,
    ...bits,
    ...DIRECTIONS.flatMap((d) => FAMILIES.map((f) => check(d, f))),
    // Traffic between a pod and its own node never crosses `forward` (it goes through
    // `input` and `output`), and Kubernetes always allows it (engine reason 'own-node'):
    // so the table hooks only `forward`, and kubelet probes, host-network pods and
    // NodePorts on the pod's own node are never filtered.
    {
      name: 'forward_hook',
      head: 'type filter hook forward priority filter; policy accept;',
      // One lookup settles every packet but a connection's first; only local pods whose
      // decisions in a direction are not "allow everything" are checked in it.
      rules: [
        'ct state vmap { established : accept, related : accept, invalid : drop }',
        `ip saddr @${checkedSet('egress', 4)} jump ${checkChainName('egress', 4)}`,
        `ip6 saddr @${checkedSet('egress', 6)} jump ${checkChainName('egress', 6)}`,
        `ip daddr @${checkedSet('ingress', 4)} jump ${checkChainName('ingress', 4)}`,
        `ip6 daddr @${checkedSet('ingress', 6)} jump ${checkChainName('ingress', 6)}`,
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
