// What the agent cannot enforce, per object: invalid objects (skipped: Rejected), staged
// policies (NotEnforced), L7 rules, Log rules and FQDN peers (Partial: enforced at L3/L4
// only, Log rules do not log, FQDN peers match nothing without DNS learning), and
// validation warnings (Enforced, with the warnings). The Reporter logs each report when it
// appears or changes and writes it through the StatusWriter; a report that goes away is
// cleared. Writes happen only on change, so the agent's own write (which comes back as a
// watch event) settles at once.
import type { Finding } from '../engine/analyze.ts';
import type { PolicySet } from '../model/tier.ts';
import type { EnforcementReport, EnforcementState, ObjectRef, StatusWriter } from '../sources/status-writer.ts';
import { formatReport, refText } from '../sources/status-writer.ts';
import type { ModelBuild } from './cluster-model.ts';
import { sourceName } from './cluster-model.ts';
import type { Logger } from './logger.ts';
import { errorFields } from './logger.ts';

export interface ObjectReport {
  readonly ref: ObjectRef;
  readonly report: EnforcementReport;
}

const RANK: Readonly<Record<EnforcementState, number>> = { Enforced: 0, Partial: 1, NotEnforced: 2, Rejected: 3 };

/** Finding codes that mean part of a policy is not enforced by the dataplane. */
export const NOT_ENFORCED_FINDINGS: ReadonlySet<string> = new Set(['l7-not-enforced', 'log-not-enforced', 'fqdn-needs-dns']);

export function enforcementReports(build: ModelBuild, policies: PolicySet, findings: readonly Finding[]): Map<string, ObjectReport> {
  const acc = new Map<string, { ref: ObjectRef; state: EnforcementState; messages: string[] }>();
  const add = (ref: ObjectRef, state: EnforcementState, message: string): void => {
    const key = sourceName(ref);
    let e = acc.get(key);
    if (e === undefined) {
      e = { ref, state, messages: [] };
      acc.set(key, e);
    }
    if (RANK[state] > RANK[e.state]) e.state = state;
    if (!e.messages.includes(message)) e.messages.push(message);
  };
  for (const p of [...build.snapshot.problems, ...build.snapshot.warnings]) {
    const ref = p.source === undefined ? undefined : build.refs.get(p.source);
    if (ref === undefined) continue;
    add(ref, p.severity === 'error' ? 'Rejected' : 'Enforced', p.path === undefined || p.path === '' ? p.message : `${p.path}: ${p.message}`);
  }
  for (const p of policies.policies) {
    if (p.staged) add(p.ref, 'NotEnforced', 'staged: evaluated for reports only, never enforced');
  }
  for (const f of findings) {
    if (NOT_ENFORCED_FINDINGS.has(f.code)) add(f.policy, 'Partial', f.message);
  }
  const out = new Map<string, ObjectReport>();
  for (const [key, e] of [...acc].sort(([a], [b]) => (a < b ? -1 : 1))) out.set(key, { ref: e.ref, report: { state: e.state, messages: e.messages } });
  return out;
}

/** Keeps the written reports in step with the latest ones; writes are serialised. */
export class Reporter {
  readonly #writer: StatusWriter | undefined;
  readonly #logger: Logger;
  /** Key → formatted report, as last written (or logged, without a writer). */
  readonly #written = new Map<string, { ref: ObjectRef; text: string }>();
  #chain: Promise<void> = Promise.resolve();

  constructor(writer: StatusWriter | undefined, logger: Logger) {
    this.#writer = writer;
    this.#logger = logger;
  }

  /** Logs and writes what changed; returns at once, the writes go on in order (see settled()). */
  update(reports: ReadonlyMap<string, ObjectReport>): void {
    for (const [key, { ref, report }] of reports) {
      const text = formatReport(report);
      if (this.#written.get(key)?.text === text) continue;
      const level = report.state === 'Enforced' ? 'info' : 'warn';
      this.#logger[level]({ object: refText(ref), state: report.state, messages: report.messages }, `${refText(ref)}: ${report.state === 'Enforced' ? 'enforced, with warnings' : report.state}: ${report.messages.join('; ')}`);
      this.#written.set(key, { ref, text });
      this.#enqueue(key, ref, report, text);
    }
    for (const [key, { ref }] of [...this.#written]) {
      if (reports.has(key)) continue;
      this.#logger.info({ object: refText(ref) }, `${refText(ref)}: nothing to report any more`);
      this.#written.delete(key);
      this.#enqueue(key, ref, null, undefined);
    }
  }

  /** Resolves when every write queued so far has finished. */
  settled(): Promise<void> {
    return this.#chain;
  }

  #enqueue(key: string, ref: ObjectRef, report: EnforcementReport | null, text: string | undefined): void {
    const writer = this.#writer;
    if (writer === undefined) return;
    this.#chain = this.#chain.then(async () => {
      try {
        await writer.write(ref, report);
      } catch (err) {
        this.#logger.error({ object: refText(ref), ...errorFields(err) }, `could not write the enforcement report of ${refText(ref)}`);
        // Forget it so the next reconcile tries again.
        if (this.#written.get(key)?.text === text) this.#written.delete(key);
      }
    });
  }
}
