// The lab's address plan: per-node pod subnets, lowest-free allocation, and which pinned
// addresses a pod may take (DESIGN.md "The lab": IP from the node's pod CIDR, or pinned).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, checkPinned, hostAddress, mustCidr, subnet } from './addressing.ts';
import { formatCidr } from '../model/ip.ts';
import { LabError } from './errors.ts';

describe('addressing', () => {
  it('node i gets the i-th /24 of 10.240.0.0/12 and the i-th /64 of fd00:10:240::/48', () => {
    assert.equal(formatCidr(subnet(mustCidr('10.240.0.0/12', 4, 'x'), 24, 0, 'x')), '10.240.0.0/24');
    assert.equal(formatCidr(subnet(mustCidr('10.240.0.0/12', 4, 'x'), 24, 257, 'x')), '10.241.1.0/24');
    assert.equal(formatCidr(subnet(mustCidr('fd00:10:240::/48', 6, 'x'), 64, 3, 'x')), 'fd00:10:240:3::/64');
  });
  it('rejects a subnet index beyond the range', () => {
    assert.throws(() => subnet(mustCidr('10.240.0.0/23', 4, 'x'), 24, 2, 'x'), LabError);
  });
  it('allocates the lowest free address from .2 and never the broadcast', () => {
    const c = mustCidr('10.240.0.0/30', 4, 'x');
    assert.equal(allocate(c, new Set()), '10.240.0.2');
    assert.throws(() => allocate(c, new Set(['10.240.0.2'])), /no free address/);
    assert.equal(allocate(mustCidr('fd00::/64', 6, 'x'), new Set(['fd00::2'])), 'fd00::3');
  });
  it('hostAddress', () => assert.equal(hostAddress(mustCidr('10.239.255.0/24', 4, 'x'), 1), '10.239.255.1'));
  const node = mustCidr('10.239.255.0/24', 4, 'x');
  const pinned: [string, 4 | 6, string | RegExp][] = [
    ['10.0.0.5', 4, '10.0.0.5'],
    ['192.168.1.10', 4, '192.168.1.10'],
    ['fd00:0:0:0::7', 6, 'fd00::7'],
    ['127.0.0.1', 4, /reserved range 127\.0\.0\.0\/8/],
    ['169.254.1.1', 4, /reserved range/],
    ['224.0.0.1', 4, /reserved range/],
    ['10.239.255.9', 4, /node range/],
    ['fe80::1', 6, /reserved range/],
    ['10.0.0.256', 4, /not an IPv4 address/],
    ['fd00::1', 4, /not an IPv4 address/],
  ];
  for (const [text, family, want] of pinned) {
    it(`pinned ${text}`, () => {
      if (typeof want === 'string') assert.equal(checkPinned(text, family, node, 'ip'), want);
      else assert.throws(() => checkPinned(text, family, node, 'ip'), want);
    });
  }
});
