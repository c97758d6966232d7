// Name/value checks against cases of kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go
// (TestIsQualifiedName, TestIsValidLabelValue, TestIsDNS1123Label, TestIsDNS1123Subdomain,
// TestIsValidPortName), plus property tests over generated valid names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from './names.ts';

const cases: Array<[string, (v: string) => string[], string[], string[]]> = [
  ['IsQualifiedName', isQualifiedName,
    ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes',
      'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123',
      'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), `${'a'.repeat(253)}/a`],
    ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc',
      'example.com/', '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`, '']],
  ['IsValidLabelValue', isValidLabelValue,
    ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), '', 'Uppercase_Is_OK_123', 'dots.are.ok'],
    ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-',
      '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64), 'spaces are bad']],
  ['IsDNS1123Label', isDns1123Label,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)],
    ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a.b', 'a'.repeat(64)]],
  ['IsDNS1123Subdomain', isDns1123Subdomain,
    ['a', 'ab', 'a-1', 'a.a', 'a.b.c', 'a--1--2--b', '0.a', '1.2.3', `${'a'.repeat(63)}.${'b'.repeat(63)}`, 'a'.repeat(253)],
    ['', 'A', 'aBc', '-', 'a-', '-a', '_', 'a_b', '.', 'a.', '.a', 'a..b', 'a.-a', 'a-.a', 'a'.repeat(254)]],
  ['IsDNS1035Label', isDns1035Label, ['a', 'ab', 'a-1', 'a'.repeat(63)], ['', '1a', 'A', 'a-', 'a.b', 'a'.repeat(64)]],
  ['IsValidPortName', isValidPortName,
    ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3', 'http', 'dns-tcp'],
    ['longerthan15characters', '', 'a'.repeat(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++', 'Upper']],
];

for (const [name, fn, valid, invalid] of cases) {
  for (const v of valid) test(`${name} accepts ${JSON.stringify(v.length > 20 ? `${v.slice(0, 12)}…(${v.length})` : v)}`, () => assert.deepEqual(fn(v), []));
  for (const v of invalid) test(`${name} rejects ${JSON.stringify(v.length > 20 ? `${v.slice(0, 12)}…(${v.length})` : v)}`, () => assert.ok(fn(v).length > 0));
}

test('IsValidPortNum: 1..65535', () => {
  assert.deepEqual([0, 1, 65535, 65536, -1, 1.5].map((n) => isValidPortNum(n).length === 0), [false, true, true, false, false, false]);
});

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const dnsLabel = fc.tuple(alnum, fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { maxLength: 40 }), alnum)
  .map(([a, mid, b]) => `${a}${mid.join('')}${b}`);
const nameChar = fc.constantFrom(...'abcXYZ019');
const qualifiedName = fc.tuple(nameChar, fc.array(fc.constantFrom(...'abcXYZ019-_.'), { maxLength: 50 }), nameChar)
  .map(([a, mid, b]) => `${a}${mid.join('')}${b}`);

test('property: DNS subdomain prefix + qualified name is a valid label key', () => {
  fc.assert(fc.property(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), qualifiedName, (labels, name) => {
    assert.deepEqual(isQualifiedName(`${labels.join('.')}/${name}`), []);
    assert.deepEqual(isValidLabelValue(name), []);
  }));
});

test('property: a key with a character outside the allowed set is rejected', () => {
  fc.assert(fc.property(qualifiedName, fc.constantFrom(...' !@#$%^&*()=+,;:'), fc.nat(), (name, bad, at) => {
    const i = at % (name.length + 1);
    assert.ok(isQualifiedName(name.slice(0, i) + bad + name.slice(i)).length > 0);
  }));
});
