// The string form of label selectors, as labels.Parse reads it
// (k8s.io/apimachinery/pkg/labels/selector_test.go TestSelectorParse, TestLexer,
// TestRequirementConstructor, TestToString) and as `kubectl get -l` sends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Requirement } from './parse-selector-string.ts';
import { matchesRequirements, parseSelectorString } from './parse-selector-string.ts';
import { StoreError } from './store-errors.ts';

const parseCases: ReadonlyArray<{ name: string; input: string; want: Requirement[] }> = [
  { name: 'empty selects everything', input: '', want: [] },
  { name: 'whitespace only', input: '  ', want: [] },
  { name: 'equality', input: 'x=a', want: [{ key: 'x', operator: 'In', values: ['a'] }] },
  { name: 'double equals', input: 'x==a', want: [{ key: 'x', operator: 'In', values: ['a'] }] },
  { name: 'inequality', input: 'x!=a', want: [{ key: 'x', operator: 'NotIn', values: ['a'] }] },
  { name: 'empty value', input: 'x=', want: [{ key: 'x', operator: 'In', values: [''] }] },
  { name: 'existence and non-existence', input: 'x,!y', want: [{ key: 'x', operator: 'Exists', values: [] }, { key: 'y', operator: 'DoesNotExist', values: [] }] },
  { name: 'set-based with spaces', input: 'env in ( prod , dev ), tier notin (fe)', want: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'tier', operator: 'NotIn', values: ['fe'] }] },
  { name: 'trailing comma in a set adds the empty value', input: 'x in (a,)', want: [{ key: 'x', operator: 'In', values: ['a', ''] }] },
  { name: 'keywords are values in value position', input: 'x=in,y in (notin)', want: [{ key: 'x', operator: 'In', values: ['in'] }, { key: 'y', operator: 'In', values: ['notin'] }] },
  { name: 'prefixed keys', input: 'app.kubernetes.io/name=web', want: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web'] }] },
  { name: 'greater and less than', input: 'n>5,m<-1', want: [{ key: 'n', operator: 'Gt', values: ['5'] }, { key: 'm', operator: 'Lt', values: ['-1'] }] },
  { name: 'the mixed selector of the brief', input: 'a=b,c!=d,e in (x,y),!f', want: [{ key: 'a', operator: 'In', values: ['b'] }, { key: 'c', operator: 'NotIn', values: ['d'] }, { key: 'e', operator: 'In', values: ['x', 'y'] }, { key: 'f', operator: 'DoesNotExist', values: [] }] },
];

for (const c of parseCases) {
  test(`parse: ${c.name}`, () => assert.deepEqual(parseSelectorString(c.input), c.want));
}

const errorCases: ReadonlyArray<{ name: string; input: string; message: RegExp }> = [
  { name: 'in without parentheses', input: 'x in a', message: /found 'a', expected: '\('/ },
  { name: 'empty set', input: 'x in ()', message: /values set can't be empty/ },
  { name: 'missing key', input: '=a', message: /expected: identifier/ },
  { name: 'two operators', input: 'x=a=b', message: /found '=', expected: ',' or end of string/ },
  { name: 'invalid key', input: '-x=a', message: /invalid label key "-x"/ },
  { name: 'invalid value', input: 'x=a b', message: /found 'b', expected: ','/ },
  { name: 'value too long', input: `x=${'a'.repeat(64)}`, message: /invalid label value/ },
  { name: 'unclosed set', input: 'x in (a', message: /expected: ',' or '\)'/ },
  { name: 'non-integer gt', input: 'x>a', message: /must be an integer/ },
  { name: 'dangling bang', input: '!', message: /expected: identifier/ },
];

for (const c of errorCases) {
  test(`parse error: ${c.name}`, () => {
    assert.throws(() => parseSelectorString(c.input), (e: unknown) => e instanceof StoreError && e.reason === 'BadRequest' && c.message.test(e.message));
  });
}

const matchCases: ReadonlyArray<{ name: string; selector: string; labels: Record<string, string>; want: boolean }> = [
  { name: 'empty matches anything', selector: '', labels: {}, want: true },
  { name: '= needs the key', selector: 'x=a', labels: {}, want: false },
  { name: '!= matches a missing key', selector: 'x!=a', labels: {}, want: true },
  { name: '!= rejects the value', selector: 'x!=a', labels: { x: 'a' }, want: false },
  { name: 'notin matches a missing key', selector: 'x notin (a)', labels: { y: 'a' }, want: true },
  { name: 'in', selector: 'x in (a,b)', labels: { x: 'b' }, want: true },
  { name: 'exists', selector: 'x', labels: { x: '' }, want: true },
  { name: '!exists', selector: '!x', labels: { x: '' }, want: false },
  { name: 'all requirements AND', selector: 'x=a,y=b', labels: { x: 'a' }, want: false },
  { name: 'gt compares integers', selector: 'n>5', labels: { n: '10' }, want: true },
  { name: 'gt on a non-integer label is false', selector: 'n>5', labels: { n: 'ten' }, want: false },
  { name: 'lt', selector: 'n<5', labels: { n: '10' }, want: false },
];

for (const c of matchCases) {
  test(`match: ${c.name}`, () => assert.equal(matchesRequirements(parseSelectorString(c.selector), c.labels), c.want));
}
