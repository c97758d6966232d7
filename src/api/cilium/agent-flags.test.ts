// policy-cidr-match-mode as the agent flag (a pflag StringSlice: comma list, repeatable) and
// a cilium-config string (read as a string slice: space-separated) spell it. Upstream:
// cilium/cilium daemon/cmd InitGlobalFlags (flags.StringSlice(option.PolicyCIDRMatchMode,
// defaults.PolicyCIDRMatchMode, "The entities that can be selected by CIDR policy. Supported
// values: 'nodes'")) and
// https://docs.cilium.io/en/stable/security/policy/language/#selecting-nodes-with-cidr-ipblock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciliumAgentOptions, readPolicyCidrMatchMode } from './agent-flags.ts';

const cases: { name: string; values: string[]; modes?: string[]; error?: RegExp }[] = [
  { name: 'no value: the default (CIDR selectors match no node)', values: [], modes: [] },
  { name: 'an empty value is the default too', values: [''], modes: [] },
  { name: 'nodes', values: ['nodes'], modes: ['nodes'] },
  { name: 'a comma list, as the agent flag takes it', values: ['nodes,'], modes: ['nodes'] },
  { name: 'a space list, as the cilium-config value holds it', values: [' nodes  '], modes: ['nodes'] },
  { name: 'repeated values collapse', values: ['nodes', 'nodes,nodes'], modes: ['nodes'] },
  { name: 'an unknown word names itself and the supported values', values: ['nodes,pods'], error: /^unsupported value "pods": supported values: "nodes" / },
  { name: 'values are case-sensitive, as Cilium compares them', values: ['Nodes'], error: /^unsupported value "Nodes"/ },
];
for (const c of cases) {
  test(`readPolicyCidrMatchMode: ${c.name}`, () => {
    const r = readPolicyCidrMatchMode(c.values);
    if (c.error !== undefined) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, c.error);
    } else {
      assert.deepEqual(r, { ok: true, modes: c.modes });
    }
  });
}

test('ciliumAgentOptions: no mode is the default options object', () => {
  assert.deepEqual(ciliumAgentOptions([]), {});
  assert.deepEqual(ciliumAgentOptions(['nodes']), { policyCidrMatchMode: ['nodes'] });
});
