// Known divergence, kept as a skipped repro: upstream CNPAdminTierHairpin
// (kubernetes-sigs/network-policy-api conformance/tests/admin-network-policy-hairpin-rules.go,
// feature SupportClusterNetworkPolicyHairpin) expects harry-potter-0 → ClusterIP of a service
// whose backend is harry-potter-0 itself to be DENIED by an Admin Deny from its own namespace.
// The engine has no services and treats pod → itself as loopback, always allowed, so the
// self-backend of a hairpin cannot be expressed. Unskip when service hairpin is modelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineTarget } from './engine-target.ts';
import { checkExpectation, replay } from './runner.ts';
import type { ConformanceCase } from './case.ts';
import { cnpCases } from './cases/cnp.ts';

test('CNPAdminTierHairpin: service hairpin to the client itself is denied', { skip: 'engine treats pod→itself as loopback (always allowed); no service hairpin model' }, async () => {
  const base = cnpCases.find((c) => c.name === 'CNPAdminTierHairpin');
  assert.ok(base);
  const step = base.steps[0];
  assert.ok(step);
  const selfCase: ConformanceCase = {
    ...base,
    steps: [{ ...step, expect: [{ flow: { from: 'network-policy-conformance-gryffindor/harry-potter-0', to: 'network-policy-conformance-gryffindor/harry-potter-0', port: 80, protocol: 'TCP' }, allowed: false }] }],
  };
  for await (const run of replay(engineTarget, selfCase)) {
    for (const e of run.step.expect) {
      const outcome = await checkExpectation(run.answers, e);
      assert.ok(outcome.ok, outcome.detail);
    }
  }
});
