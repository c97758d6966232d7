// Human rendering of a Verdict (`palisade eval`): the answer first, then for each
// direction the tiers that had a say, the policies that selected the endpoint and the
// rule that decided (with its field path), or why nothing did. Pure, golden-tested.
import { policyDisplayName } from '../../model/policy.ts';
import { endpointText } from '../../engine/flow.ts';
import type { Flow } from '../../engine/flow.ts';
import type { DirectionVerdict, RuleMatch, TierOutcome, TierTrace, Verdict } from '../../engine/verdict.ts';

const OUTCOME_TEXT: Readonly<Record<TierOutcome, string>> = {
  'not-selected': 'no policy selects the endpoint',
  allow: 'allowed',
  deny: 'denied',
  pass: 'passed on to the next tier',
  'no-match-next': 'no rule matched; on to the next tier',
  'no-match-deny': 'no rule matched; denied by the tier default',
};

/** `demo/client -> demo/server TCP/80`, with the port name when the user gave one. */
export function flowText(flow: Flow, portName?: string): string {
  const port = portName === undefined ? `${flow.port}` : `${flow.port} (${portName})`;
  return `${endpointText(flow.src)} -> ${endpointText(flow.dst)} ${flow.protocol}/${port}`;
}

/** `allow: NetworkPolicy demo/p spec.ingress[0] (peer spec.ingress[0].from[0]; port spec.ingress[0].ports[0])` */
export function ruleMatchText(m: RuleMatch): string {
  const name = m.ruleName === undefined ? '' : ` "${m.ruleName}"`;
  const peer = m.peerPath === undefined ? 'any peer' : `peer ${m.peerPath}`;
  const port = m.portPath === undefined ? 'any port' : `port ${m.portPath}`;
  return `${m.action}: ${policyDisplayName(m.policy)} ${m.rulePath}${name} (${peer}; ${port})`;
}

function tierLines(t: TierTrace): string[] {
  // One object can stand for several IR policies (a Cilium policy's deny rules): name it once.
  const names = [...new Set(t.selectedBy.map(policyDisplayName))];
  const selected = names.length === 0 ? '' : `selected by ${names.join(', ')}; `;
  return [`  tier ${t.tier}: ${selected}${OUTCOME_TEXT[t.outcome]}`, ...t.matches.map((m) => `    ${ruleMatchText(m)}`)];
}

function directionLines(d: DirectionVerdict, fallbackEndpoint: string): string[] {
  const endpoint = d.endpoint ?? fallbackEndpoint;
  const lines = [`${d.direction} (${endpoint}): ${d.allowed ? 'allowed' : 'denied'}`, `  ${d.message}`];
  // Tiers that selected nothing and matched nothing add no information.
  for (const t of d.tiers) {
    if (t.outcome !== 'not-selected' || t.selectedBy.length > 0 || t.matches.length > 0) lines.push(...tierLines(t));
  }
  return lines;
}

/** What the verdict would be with staged policies enforced, when there are any (Calico staged policies). */
function stagedLines(v: Verdict): string[] {
  if (v.staged === undefined) return [];
  const s = v.staged;
  const same = s.allowed === v.allowed ? 'same as enforced' : 'differs from enforced';
  const side = (d: DirectionVerdict): string[] => {
    const decided = d.decidedBy === undefined ? [] : [`    ${ruleMatchText(d.decidedBy)}`];
    return [`  ${d.direction}: ${d.allowed ? 'allowed' : 'denied'}: ${d.message}`, ...decided];
  };
  const head = `staged (with staged policies enforced): ${s.allowed ? 'ALLOWED' : 'DENIED'} (${same})`;
  // The sides are worth reading only when staging would change the answer.
  return s.allowed === v.allowed ? [head] : [head, ...side(s.egress), ...side(s.ingress)];
}

/** The whole explanation; the first word is ALLOWED or DENIED. */
export function renderVerdict(v: Verdict, portName?: string): string {
  const lines = [
    `${v.allowed ? 'ALLOWED' : 'DENIED'} ${flowText(v.flow, portName)}`,
    ...directionLines(v.egress, endpointText(v.flow.src)),
    ...directionLines(v.ingress, endpointText(v.flow.dst)),
    ...v.notes.map((n) => `note: ${n}`),
    ...stagedLines(v),
  ];
  return `${lines.join('\n')}\n`;
}
