// The perf attribution's pure parts: which kernel symbols count as netfilter (and which
// part), reading perf report lines, per-connection arithmetic and the modelled ratio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, classifySymbol, isIdleSymbol, modelledRatio, perConnection } from './perf-attribution.ts';

const symbols: ReadonlyArray<readonly [string, string | undefined]> = [
  ['nft_do_chain', 'nftables'], ['nft_do_chain_inet', 'nftables'], ['__nft_set_do_lookup', 'nftables'], ['nft_rhash_lookup', 'nftables'], ['nf_tables_core_module_init', 'nftables'],
  ['nf_conntrack_in', 'conntrack'], ['__nf_conntrack_find_get', 'conntrack'], ['nf_conntrack_tcp_packet', 'conntrack'], ['nf_ct_get_tuple', 'conntrack'],
  ['__nf_ct_refresh_acct', 'conntrack'], ['ipv4_conntrack_in', 'conntrack'], ['ipv4_conntrack_defrag', 'conntrack'], ['nf_confirm', 'conntrack'], ['hash_conntrack_raw', 'conntrack'],
  ['nf_hook_slow', 'hooks'],
  ['tcp_v4_rcv', undefined], ['ip_forward', undefined], ['nfs_read', undefined], ['nf_hookless', undefined], ['Builtins_LoadIC', undefined],
];
for (const [sym, want] of symbols) {
  test(`classifySymbol: ${sym} → ${want ?? 'not netfilter'}`, () => assert.equal(classifySymbol(sym), want));
}

test('isIdleSymbol: the idle loop, not the scheduler', () => {
  assert.equal(isIdleSymbol('pv_native_safe_halt'), true);
  assert.equal(isIdleSymbol('default_idle'), true);
  assert.equal(isIdleSymbol('finish_task_switch.isra.0'), false);
});

const REPORT = `
    12.75%   1000  [k] pv_native_safe_halt
     3.08%    300  [k] _raw_spin_unlock_irqrestore
     1.28%    120  [k] nft_do_chain
     0.77%     70  [k] nf_conntrack_tcp_packet
     0.56%     50  [k] nft_rhash_lookup
     0.20%     20  [k] nf_hook_slow
     0.67%     60  [.] Builtins_LoadIC
`;

test('attribute: sums the samples of each part, the idle loop and all lines', () => {
  const a = attribute(REPORT);
  assert.deepEqual(a.samples, { nftables: 170, conntrack: 70, hooks: 20 });
  assert.equal(a.idle, 1000);
  assert.equal(a.total, 1620);
});

test('perConnection and modelledRatio: samples at hz per CPU → µs per connection; the model adds only the extra netfilter time', () => {
  const a = attribute(REPORT);
  const p = perConnection(a, 1000, 100);
  // 170 samples at 1000 Hz = 0.17 s over 100 connections = 1700 µs each.
  const near = (x: number, want: number): void => assert.ok(Math.abs(x - want) < 1e-6, `${x} ≈ ${want}`);
  near(p.parts.nftables, 1700);
  near(p.netfilter, 2600);
  near(p.busy, 6200);
  const base = { parts: { nftables: 0, conntrack: 0, hooks: 0 }, netfilter: 0, busy: 100 };
  const scen = { parts: { nftables: 5, conntrack: 0, hooks: 0 }, netfilter: 5, busy: 105 };
  assert.equal(modelledRatio(scen, base), 100 / 105);
  assert.ok(Number.isNaN(perConnection(a, 1000, 0).busy), 'no connections: no figure');
});
