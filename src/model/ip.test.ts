// Tests for IP/CIDR parsing and containment (IPv4 and IPv6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, cidrContainsCidr, cidrContainsIp, formatCidr, parseCidr, parseIp, sameCidrs } from './ip.ts';

const ipCases: Array<[string, string | undefined]> = [
  ['10.0.0.1', '10.0.0.1'],
  ['255.255.255.255', '255.255.255.255'],
  ['256.0.0.1', undefined],
  ['010.0.0.1', undefined],
  ['1.2.3', undefined],
  ['::', '::'],
  ['::1', '::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:DB8::1', '2001:db8::1'],
  ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ['1:2:3:4:5:6:7:8:9', undefined],
  ['1::2::3', undefined],
  ['fe80::1%eth0', undefined],
  ['', undefined],
];

for (const [input, expected] of ipCases) {
  test(`canonicalIp(${JSON.stringify(input)}) = ${expected}`, () => {
    assert.equal(canonicalIp(input), expected);
  });
}

test('parseCidr strict rejects host bits, loose masks them', () => {
  assert.equal(parseCidr('10.0.0.1/8', true), undefined);
  assert.equal(formatCidr(parseCidr('10.0.0.1/8')!), '10.0.0.0/8');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(formatCidr(parseCidr('2001:db8::/32', true)!), '2001:db8::/32');
  assert.equal(parseCidr('2001:db8::/129'), undefined);
});

test('containment never crosses address families', () => {
  const v4 = parseCidr('0.0.0.0/0', true)!;
  const v6 = parseCidr('::/0', true)!;
  assert.ok(cidrContainsIp(v4, parseIp('1.2.3.4')!));
  assert.ok(!cidrContainsIp(v4, parseIp('::1')!));
  assert.ok(cidrContainsIp(v6, parseIp('::1')!));
  assert.ok(cidrContainsCidr(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!));
  assert.ok(!cidrContainsCidr(parseCidr('10.1.0.0/16')!, parseCidr('10.0.0.0/8')!));
});

test('sameCidrs: same prefixes in the same order', () => {
  const c = (t: string) => parseCidr(t) as NonNullable<ReturnType<typeof parseCidr>>;
  const cases: Array<[string, string[], string[], boolean]> = [
    ['both empty', [], [], true],
    ['equal lists', ['10.0.0.0/8', 'fd00::/64'], ['10.0.0.0/8', 'fd00::/64'], true],
    ['other prefix length', ['10.0.0.0/8'], ['10.0.0.0/16'], false],
    ['other order', ['10.0.0.0/8', '192.168.0.0/16'], ['192.168.0.0/16', '10.0.0.0/8'], false],
    ['other length', ['10.0.0.0/8'], [], false],
  ];
  for (const [name, a, b, want] of cases) assert.equal(sameCidrs(a.map(c), b.map(c)), want, name);
});
