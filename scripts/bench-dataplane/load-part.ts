// Part 2: the full load of the big table — render time, `nft -f` of the atomic replace
// (into an empty namespace, then replacing itself), the kernel's readback checked against
// the plan, and the counts: set/map elements (grow with the cluster) and rules (must not).
import { readTable, verifyReadback } from '../../src/dataplane/applier.ts';
import { dropChainRules, elementsOf, fixedChains, renderRuleset } from '../../src/dataplane/render.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { loadTable, removeTable } from './bench-lab.ts';

export interface RuleCounts {
  /** Rules of the fixed chains: the packet path. */
  readonly fixed: number;
  /** Rules of the per-policy drop chains (counter, log, drop): reached only by a drop verdict. */
  readonly dropChains: number;
  readonly dropTargets: number;
}

export interface LoadPartResult {
  readonly elements: Readonly<Record<string, number>>;
  readonly totalElements: number;
  readonly rules: RuleCounts;
  readonly emptyRules: RuleCounts;
  readonly renderMs: number;
  readonly textMB: number;
  /** nft -f times: the first into a namespace without the table, then replaces. */
  readonly loadMs: readonly number[];
  readonly readbackMs: number;
  readonly readbackProblems: readonly string[];
}

export function ruleCounts(r: Ruleset): RuleCounts {
  const fixed = fixedChains().reduce((n, ch) => n + ch.rules.length, 0);
  const dropChains = r.dropTargets.reduce((n, t) => n + dropChainRules(t).length, 0);
  return { fixed, dropChains, dropTargets: r.dropTargets.length };
}

export function elementCounts(r: Ruleset): { elements: Record<string, number>; total: number } {
  const elements: Record<string, number> = {};
  let total = 0;
  for (const [set, els] of elementsOf(r)) {
    elements[set] = els.size;
    total += els.size;
  }
  return { elements, total };
}

export async function runLoadPart(netns: string, big: Ruleset, empty: Ruleset, loads: number, log: (m: string) => void): Promise<LoadPartResult> {
  const t0 = performance.now();
  const text = renderRuleset(big);
  const renderMs = performance.now() - t0;
  await removeTable(netns);
  const loadMs: number[] = [];
  for (let i = 0; i < loads; i++) {
    loadMs.push(await loadTable(netns, text));
    log(`  full load ${i + 1}/${loads}: ${loadMs[i]?.toFixed(0)} ms`);
  }
  const r0 = performance.now();
  const back = await readTable(netns);
  const readbackMs = performance.now() - r0;
  const { elements, total } = elementCounts(big);
  return {
    elements, totalElements: total, rules: ruleCounts(big), emptyRules: ruleCounts(empty),
    renderMs, textMB: text.length / 2 ** 20, loadMs, readbackMs, readbackProblems: verifyReadback(big, back),
  };
}
