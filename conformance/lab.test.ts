// The upstream NetworkPolicy e2e scenarios with REAL traffic: every case runs in one
// two-node lab through the embedded control plane (store → agents → nftables), and
// every cell of every truth table must match what upstream expects. SCTP expectations
// are skipped with the reason (no SCTP sockets here). Root only; skipped elsewhere.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamNetpolCases } from './cases/upstream-netpol.ts';
import { labTarget, sctpSkipReason } from './lab-target.ts';
import { checkExpectation, replay, stepLabel } from './runner.ts';
import { isTableExpectation } from './case.ts';
import { assertNoNetnsLeft, labSkipReason } from '../src/lab/test-support.ts';

const skip = await labSkipReason();

describe('conformance: upstream NetworkPolicy e2e with real traffic in the lab', { skip, concurrency: false }, () => {
  const target = labTarget({ nodes: 2 });
  let prefix = '';
  const started = Date.now();

  after(async () => {
    prefix = target.cluster?.lab?.prefix ?? prefix;
    await target.close();
    if (prefix !== '') await assertNoNetnsLeft(prefix);
    process.stderr.write(`# lab conformance: ${upstreamNetpolCases.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  for (const c of upstreamNetpolCases) {
    test(c.name, async (t) => {
      t.diagnostic(c.cite);
      for await (const run of replay(target, c)) {
        prefix = target.cluster?.lab?.prefix ?? prefix;
        await t.test(stepLabel(run.step, run.index), async (st) => {
          for (const e of run.step.expect) {
            const protocol = isTableExpectation(e) ? e.protocol : e.flow.protocol;
            if (protocol === 'SCTP') {
              await st.test(`${isTableExpectation(e) ? `${e.protocol}/${e.port} matrix` : 'flow'}`, { skip: sctpSkipReason() }, () => undefined);
              continue;
            }
            const outcome = await checkExpectation(run.answers, e);
            await st.test(outcome.label, () => {
              assert.ok(outcome.ok, outcome.detail);
            });
          }
        });
      }
    });
  }
});
