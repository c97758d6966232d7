// The cilium-agent settings Palisade honours, read from the text users have at hand: the
// agent flag (`--policy-cidr-match-mode=nodes`, a comma list), the cilium-config ConfigMap
// value (a space list) or Palisade's own flag and environment variable, which take either.
// Every caller (CLI, agent, `palisade up`) reads through here, so they accept the same.
import type { CiliumAgentOptions } from './cilium-policy.ts';

/** The values of `policy-cidr-match-mode` Cilium supports ("Supported values: 'nodes'"). */
export const POLICY_CIDR_MATCH_MODES = ['nodes'] as const;
export type PolicyCidrMatchMode = (typeof POLICY_CIDR_MATCH_MODES)[number];

export type PolicyCidrMatchModeRead =
  | { readonly ok: true; readonly modes: readonly PolicyCidrMatchMode[] }
  | { readonly ok: false; readonly message: string };

function isMode(word: string): word is PolicyCidrMatchMode {
  return (POLICY_CIDR_MATCH_MODES as readonly string[]).includes(word);
}

/**
 * Reads `policy-cidr-match-mode` values, each a list separated by commas or spaces; empty
 * entries are ignored, so "" (and no value at all) is Cilium's default: CIDR selectors
 * match neither pods nor nodes. Duplicates collapse. An unsupported word fails the whole
 * read, since running with a mode Cilium would not apply gives verdicts nobody gets.
 */
export function readPolicyCidrMatchMode(values: readonly string[]): PolicyCidrMatchModeRead {
  const modes: PolicyCidrMatchMode[] = [];
  for (const word of values.flatMap((v) => v.split(/[\s,]+/)).filter((w) => w !== '')) {
    if (!isMode(word)) {
      return { ok: false, message: `unsupported value ${JSON.stringify(word)}: supported values: ${POLICY_CIDR_MATCH_MODES.map((m) => JSON.stringify(m)).join(', ')} (a comma- or space-separated list; empty for Cilium's default)` };
    }
    if (!modes.includes(word)) modes.push(word);
  }
  return { ok: true, modes };
}

/** The agent options of a successful read (empty modes: the defaults, so no field). */
export function ciliumAgentOptions(modes: readonly PolicyCidrMatchMode[]): CiliumAgentOptions {
  return modes.length === 0 ? {} : { policyCidrMatchMode: modes };
}
