// The conformance suite against the engine: one test per case, one subtest per step and
// expectation, failing with the cell diff (or the flow's explanation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CASES } from './cases/index.ts';
import { engineTarget } from './engine-target.ts';
import { checkExpectation, replay, stepLabel } from './runner.ts';

for (const c of ALL_CASES) {
  test(c.name, async (t) => {
    t.diagnostic(c.cite);
    for await (const run of replay(engineTarget, c)) {
      await t.test(stepLabel(run.step, run.index), async (st) => {
        for (const e of run.step.expect) {
          const outcome = await checkExpectation(run.answers, e);
          await st.test(outcome.label, () => {
            assert.ok(outcome.ok, outcome.detail);
          });
        }
      });
    }
  });
}
