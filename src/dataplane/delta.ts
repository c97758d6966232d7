// delta(): the smallest `nft -f` transaction that turns the table of one plan into the
// table of the next: element deletes and adds (a changed value is a delete plus an add),
// drop chains of new policies added first and those of gone policies removed last, so
// no element ever points at a missing chain. Long element lists are cut into chunks of
// commands; the file is still one transaction. Should a drop chain's number be reused
// for another policy, the answer is a full resync instead (render.ts).
import { dropChainName, dropChainRules, elementText, elementsOf, FAMILY_TABLE, renderRuleset } from './render.ts';
import type { Ruleset } from './ruleset.ts';

export interface Delta {
  /** The transaction text; empty when nothing changes. */
  readonly text: string;
  /** Elements deleted + added, chains added + removed. */
  readonly changes: number;
  /** True when the fixed chains changed and `text` is a full resync. */
  readonly full: boolean;
}

export const DEFAULT_CHUNK = 1000;

export function delta(old: Ruleset, next: Ruleset, chunk = DEFAULT_CHUNK): Delta {
  const lines: string[] = [];
  let changes = 0;
  const oldTargets = new Map(old.dropTargets.map((t) => [t.index, t]));
  const newTargets = new Map(next.dropTargets.map((t) => [t.index, t]));
  for (const t of next.dropTargets) {
    const before = oldTargets.get(t.index);
    if (before !== undefined && before.key === t.key) continue;
    if (before !== undefined) return { text: renderRuleset(next), changes: Number.NaN, full: true };
    const name = dropChainName(t.index);
    lines.push(`add counter ${FAMILY_TABLE} ${name}`, `add chain ${FAMILY_TABLE} ${name}`);
    for (const rule of dropChainRules(t)) lines.push(`add rule ${FAMILY_TABLE} ${name} ${rule}`);
    changes++;
  }
  const a = elementsOf(old);
  const b = elementsOf(next);
  const adds: string[] = [];
  for (const [set, els] of b) {
    const before = a.get(set) ?? new Map<string, string | null>();
    const del: string[] = [];
    const add: string[] = [];
    for (const [k, v] of before) {
      if (!els.has(k) || els.get(k) !== v) del.push(k);
    }
    for (const [k, v] of els) {
      if (!before.has(k) || before.get(k) !== v) add.push(elementText(k, v));
    }
    for (let i = 0; i < del.length; i += chunk) lines.push(`delete element ${FAMILY_TABLE} ${set} { ${del.slice(i, i + chunk).join(', ')} }`);
    for (let i = 0; i < add.length; i += chunk) adds.push(`add element ${FAMILY_TABLE} ${set} { ${add.slice(i, i + chunk).join(', ')} }`);
    changes += del.length + add.length;
  }
  // Every delete precedes every add: an interval split or merge never overlaps itself.
  lines.push(...adds);
  for (const t of old.dropTargets) {
    if (newTargets.get(t.index)?.key === t.key) continue;
    const name = dropChainName(t.index);
    lines.push(`flush chain ${FAMILY_TABLE} ${name}`, `delete chain ${FAMILY_TABLE} ${name}`, `delete counter ${FAMILY_TABLE} ${name}`);
    changes++;
  }
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, changes, full: false };
}
