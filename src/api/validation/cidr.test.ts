// Strict CIDR validation as the API server applies it to ipBlock (KEP-4858;
// kubernetes apimachinery/pkg/api/validation/ip.go parseCIDR, ip_test.go TestIsValidCIDR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr } from '../../model/ip.ts';
import { checkCidr } from './cidr.ts';

const cases: Array<[string, string | undefined, string | undefined]> = [
  ['10.0.0.0/8', undefined, '10.0.0.0/8'],
  ['0.0.0.0/0', undefined, '0.0.0.0/0'],
  ['192.168.1.1/32', undefined, '192.168.1.1/32'],
  ['2001:db8::/64', undefined, '2001:db8::/64'],
  ['::/0', undefined, '::/0'],
  ['2001:DB8:0:0::/64', undefined, '2001:db8::/64'],
  ['10.0.0.1/8', 'must not have bits set beyond the prefix length', '10.0.0.0/8'],
  ['2001:db8::1/64', 'must not have bits set beyond the prefix length', '2001:db8::/64'],
  ['010.0.0.0/8', 'must not have leading 0s in IP or prefix length', '10.0.0.0/8'],
  ['10.0.0.0/008', 'must not have leading 0s in IP or prefix length', '10.0.0.0/8'],
  ['::ffff:1.2.3.0/120', 'must not have an IPv4-mapped IPv6 address', '::ffff:102:300/120'],
  ['192.168.5.6', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', undefined],
  ['10.0.0.0/33', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', undefined],
  ['', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', undefined],
  [' ', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', undefined],
  ['fd00:192:168::', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', undefined],
];

for (const [input, error, network] of cases) {
  test(`checkCidr(${JSON.stringify(input)})`, () => {
    const r = checkCidr(input);
    assert.deepEqual(r.errors, error === undefined ? [] : [error]);
    assert.equal(r.cidr === undefined ? undefined : formatCidr(r.cidr), network);
  });
}
