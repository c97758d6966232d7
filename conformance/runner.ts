// Runs a case against a target: replays the steps on an ObjectState, syncs the target
// after each, and checks every expectation, collecting all failures (a step's later
// expectations still run after one fails) with a readable explanation of each.
import type { ConformanceCase, Expectation, Step } from './case.ts';
import { isTableExpectation } from './case.ts';
import { ObjectState } from './object-state.ts';
import type { Target, TargetAnswers } from './target.ts';
import { describeMismatch, compareTruthTables, parseTruthTable } from './truth-table.ts';

export interface ExpectationOutcome {
  readonly label: string;
  readonly ok: boolean;
  /** For failures: the cell diff or the flow and the target's explanation. */
  readonly detail?: string;
}

/** e.g. `TCP/80 matrix` or `x/a -> 203.0.113.10 TCP/443`. */
export function expectationLabel(e: Expectation): string {
  if (isTableExpectation(e)) return `${e.protocol}/${e.port} matrix`;
  return `${e.flow.from} -> ${e.flow.to} ${e.flow.protocol}/${e.flow.port}`;
}

export function stepLabel(step: Step, index: number): string {
  return `step ${index + 1}${step.description === undefined ? '' : `: ${step.description}`}`;
}

/** Checks one expectation against a target's answers. */
export async function checkExpectation(answers: TargetAnswers, e: Expectation): Promise<ExpectationOutcome> {
  const label = expectationLabel(e);
  if (isTableExpectation(e)) {
    const expected = parseTruthTable(e.table);
    const actual = await answers.matrix({ pods: expected.pods, port: e.port, protocol: e.protocol });
    const options = { ignoreLoopback: e.ignoreLoopback ?? true };
    const ok = compareTruthTables(expected, actual, options).length === 0;
    return ok ? { label, ok } : { label, ok, detail: describeMismatch(expected, actual, options) };
  }
  const answer = await answers.flow(e.flow);
  if (answer.allowed === e.allowed) return { label, ok: true };
  const want = e.allowed ? 'allowed' : 'denied';
  const got = answer.allowed ? 'allowed' : 'denied';
  const lines = [`${label}: expected ${want}${e.because === undefined ? '' : ` (${e.because})`}, target says ${got}`];
  if (answer.explanation !== undefined) lines.push(answer.explanation);
  return { label, ok: false, detail: lines.join('\n') };
}

export interface StepRun {
  readonly step: Step;
  readonly index: number;
  readonly answers: TargetAnswers;
}

/**
 * Yields each step after its changes are synced to the target, so callers decide how to
 * report (node:test subtests, a CLI table). The initial cluster is synced first.
 */
export async function* replay(target: Target, c: ConformanceCase): AsyncGenerator<StepRun> {
  const state = new ObjectState(c.cluster);
  await target.sync(state.manifests(), undefined, { caseName: c.name, step: 0 });
  for (const [index, step] of c.steps.entries()) {
    state.step(step);
    const answers = await target.sync(
      state.manifests(),
      { delete: step.delete ?? [], apply: step.apply ?? [], label: step.label ?? [] },
      { caseName: c.name, step: index + 1 },
    );
    yield { step, index, answers };
  }
}

export interface CaseReport {
  readonly name: string;
  readonly steps: ReadonlyArray<{ readonly label: string; readonly outcomes: readonly ExpectationOutcome[] }>;
  readonly ok: boolean;
}

/** Runs every step and expectation of a case; never stops at the first failure. */
export async function runCase(target: Target, c: ConformanceCase): Promise<CaseReport> {
  const steps: Array<{ label: string; outcomes: ExpectationOutcome[] }> = [];
  try {
    for await (const run of replay(target, c)) {
      const outcomes: ExpectationOutcome[] = [];
      for (const e of run.step.expect) outcomes.push(await checkExpectation(run.answers, e));
      steps.push({ label: stepLabel(run.step, run.index), outcomes });
    }
  } finally {
    await target.reset?.();
  }
  return { name: c.name, steps, ok: steps.every((s) => s.outcomes.every((o) => o.ok)) };
}
