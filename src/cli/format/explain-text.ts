// Rendering of `palisade explain`: each policy in plain words, then the analyzer's
// findings with the policy and field path they are about. Pure, golden-tested.
import type { Policy, PolicyRef } from '../../model/policy.ts';
import { policyDisplayName } from '../../model/policy.ts';

export interface PolicyDescription {
  readonly policy: Policy;
  /** describePolicy's sentences. */
  readonly lines: readonly string[];
}

/** What the renderer needs of an analyzer Finding (engine/analyze.ts satisfies it). */
export interface FindingView {
  readonly severity: 'warning' | 'info';
  readonly code: string;
  readonly policy: PolicyRef;
  readonly path?: string;
  readonly message: string;
}

export function findingText(f: FindingView): string {
  const where = f.path === undefined || f.path === '' ? policyDisplayName(f.policy) : `${policyDisplayName(f.policy)} ${f.path}`;
  return `${f.severity}: ${where}: ${f.message} [${f.code}]`;
}

export function renderExplain(descriptions: readonly PolicyDescription[], findings: readonly FindingView[]): string {
  const out: string[] = [];
  if (descriptions.length === 0) out.push('No policies in the input.');
  for (const d of descriptions) {
    // Tier and order are left to the description, which says them in words.
    out.push(`${policyDisplayName(d.policy.ref)}${d.policy.staged ? ' (staged: not enforced)' : ''}`);
    out.push(...d.lines.map((l) => `  ${l}`));
    out.push('');
  }
  if (descriptions.length === 0) out.push('');
  if (findings.length === 0) {
    out.push('Findings: none');
  } else {
    out.push(`Findings (${findings.length}):`);
    out.push(...findings.map((f) => `  ${findingText(f)}`));
  }
  return `${out.join('\n')}\n`;
}
