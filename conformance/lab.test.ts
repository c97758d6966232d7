// The upstream NetworkPolicy e2e scenarios with REAL traffic: every case runs in one
// two-node lab through the embedded control plane (store → agents → nftables), and
// every cell of every truth table must match what upstream expects. SCTP is probed by raw
// INITs (no SCTP sockets here); without python3 its expectations are skipped with the
// reason. Flows from or to an address outside the cluster run against an external host of
// the lab holding that address (lab-target.ts). Root only; skipped elsewhere.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamNetpolCases } from './cases/upstream-netpol.ts';
import { CNP_LAB_SKIPS, cnpCases } from './cases/cnp.ts';
import { mixedCases } from './cases/mixed.ts';
import { CILIUM_LAB_SKIPS, ciliumCases } from './cases/cilium.ts';
import { calicoCases } from './cases/calico.ts';
import { labTarget, sctpSkipReason } from './lab-target.ts';
import { checkExpectation, replay, stepLabel } from './runner.ts';
import { isTableExpectation } from './case.ts';
import { assertNoNetnsLeft, labSkipReason } from '../src/lab/test-support.ts';

const skip = await labSkipReason();
const sctpSkip = sctpSkipReason();
// PALISADE_CONFORMANCE_FILTER: run only the cases whose name contains it (while developing).
const filter = process.env['PALISADE_CONFORMANCE_FILTER'] ?? '';
const LAB_SKIPS: ReadonlyMap<string, string> = new Map([...CNP_LAB_SKIPS, ...CILIUM_LAB_SKIPS]);
const LAB_CASES = [...upstreamNetpolCases, ...cnpCases, ...ciliumCases, ...calicoCases, ...mixedCases].filter((c) => c.name.includes(filter));

describe('conformance: upstream NetworkPolicy e2e with real traffic in the lab', { skip, concurrency: false }, () => {
  const target = labTarget({ nodes: 2 });
  let prefix = '';
  const started = Date.now();

  after(async () => {
    prefix = target.cluster?.lab?.prefix ?? prefix;
    await target.close();
    if (prefix !== '') await assertNoNetnsLeft(prefix);
    process.stderr.write(`# lab conformance: ${LAB_CASES.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  for (const c of LAB_CASES) {
    // A case the lab cannot reproduce is skipped with its reason (the engine still checks it).
    test(c.name, { skip: LAB_SKIPS.get(c.name) ?? false }, async (t) => {
      t.diagnostic(c.cite);
      for await (const run of replay(target, c)) {
        prefix = target.cluster?.lab?.prefix ?? prefix;
        await t.test(stepLabel(run.step, run.index), async (st) => {
          for (const e of run.step.expect) {
            const protocol = isTableExpectation(e) ? e.protocol : e.flow.protocol;
            if (protocol === 'SCTP' && sctpSkip !== false) {
              await st.test(`${isTableExpectation(e) ? `${e.protocol}/${e.port} matrix` : 'flow'}`, { skip: sctpSkip }, () => undefined);
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
