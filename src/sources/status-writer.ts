// How the agent reports what it cannot enforce, on the object itself so `kubectl
// describe` shows it. Where: the annotation `palisade.io/enforcement`, not status.
// networking.k8s.io/v1 NetworkPolicy has no status in current Kubernetes (its
// status.conditions was alpha 1.24–1.26 and removed), the API server drops it, and the
// embedded store's validator treats it as an unknown field; an annotation works on every
// kind of every dialect, on the embedded store and on a real cluster alike. Every agent
// writes the same cluster-wide facts, so concurrent agents converge on one value and
// rewrite nothing (an update that changes nothing is skipped).

/** The object a report is about. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export type EnforcementState =
  /** Enforced as written; the messages are warnings. */
  | 'Enforced'
  /** Enforced at L3/L4 only: L7 rules are not enforced, FQDN peers match nothing. */
  | 'Partial'
  /** Staged: evaluated for reports, never enforced. */
  | 'NotEnforced'
  /** Invalid: skipped entirely; the cluster is enforced as if the object did not exist. */
  | 'Rejected';

export interface EnforcementReport {
  readonly state: EnforcementState;
  readonly messages: readonly string[];
}

export const ENFORCEMENT_ANNOTATION = 'palisade.io/enforcement';

export interface StatusWriter {
  /** Sets (report) or clears (null) the object's enforcement report. Missing objects are not an error. */
  write(ref: ObjectRef, report: EnforcementReport | null): Promise<void>;
}

/** The annotation's value: compact JSON, `{"state":"Partial","messages":[…]}`. */
export function formatReport(report: EnforcementReport): string {
  return JSON.stringify({ state: report.state, messages: report.messages });
}

export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}
