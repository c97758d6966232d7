// Label selector validation and conversion. Cases follow
// kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation_test.go
// (TestValidateLabelSelector...) and the selector semantics of
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SELECT_ALL } from '../../model/selector.ts';
import { Issues } from '../validation/issues.ts';
import { matchesLabelSelector, readLabelSelector, toSelector } from './label-selector.ts';

function errors(raw: unknown): string[] {
  const issues = new Issues();
  readLabelSelector(raw, 'sel', issues);
  return issues.list.map((i) => i.path);
}

const validationCases: Array<[string, unknown, string[]]> = [
  ['empty selector', {}, []],
  ['matchLabels with prefixed key and empty value', { matchLabels: { 'example.com/app': '' } }, []],
  ['In with values', { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, []],
  ['DoesNotExist without values', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, []],
  ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, ['sel.matchExpressions[0].values']],
  ['NotIn without values', { matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, ['sel.matchExpressions[0].values']],
  ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }, ['sel.matchExpressions[0].values']],
  ['DoesNotExist with values', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['b'] }] }, ['sel.matchExpressions[0].values']],
  ['bad operator', { matchExpressions: [{ key: 'a', operator: 'in', values: ['b'] }] }, ['sel.matchExpressions[0].operator']],
  ['bad key', { matchExpressions: [{ key: 'a b', operator: 'Exists' }] }, ['sel.matchExpressions[0].key']],
  ['missing key and operator', { matchExpressions: [{}] }, ['sel.matchExpressions[0].key', 'sel.matchExpressions[0].operator']],
  ['bad value in values', { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-bad'] }] }, ['sel.matchExpressions[0].values[1]']],
  ['bad matchLabels value', { matchLabels: { a: 'b c' } }, ['sel.matchLabels.a']],
  ['non-string matchLabels value', { matchLabels: { a: 1 } }, ['sel.matchLabels.a']],
  ['unknown field', { matchLabel: { a: 'b' } }, ['sel.matchLabel']],
  ['not an object', 'a=b', ['sel']],
];

for (const [name, raw, paths] of validationCases) {
  test(`label selector validation: ${name}`, () => assert.deepEqual(errors(raw), paths));
}

test('toSelector: empty selector selects all', () => {
  assert.deepEqual(toSelector({ matchLabels: {}, matchExpressions: [] }), SELECT_ALL);
});

test('toSelector: matchLabels sorted by key, then expressions in order', () => {
  assert.deepEqual(toSelector({
    matchLabels: { z: '1', a: '2' },
    matchExpressions: [
      { key: 'k', operator: 'Exists', values: [] },
      { key: 'k2', operator: 'DoesNotExist', values: [] },
      { key: 'k3', operator: 'In', values: ['x', 'y'] },
      { key: 'k4', operator: 'NotIn', values: ['z'] },
    ],
  }), {
    op: 'and',
    of: [
      { op: 'in', key: 'a', values: ['2'] },
      { op: 'in', key: 'z', values: ['1'] },
      { op: 'exists', key: 'k' },
      { op: 'notExists', key: 'k2' },
      { op: 'in', key: 'k3', values: ['x', 'y'] },
      { op: 'notIn', key: 'k4', values: ['z'] },
    ],
  });
});

const matchCases: Array<[string, unknown, Record<string, string>, boolean]> = [
  ['empty matches anything', {}, { a: 'b' }, true],
  ['matchLabels equal', { matchLabels: { a: 'b' } }, { a: 'b', c: 'd' }, true],
  ['matchLabels differs', { matchLabels: { a: 'b' } }, { a: 'c' }, false],
  ['NotIn matches an absent key', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }, {}, true],
  ['NotIn rejects a listed value', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }, { a: 'b' }, false],
  ['In needs the key', { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, {}, false],
  ['DoesNotExist', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '' }, false],
];
for (const [name, raw, labels, expected] of matchCases) {
  test(`matchesLabelSelector: ${name}`, () => {
    const sel = readLabelSelector(raw, 's', new Issues());
    assert.ok(sel !== undefined);
    assert.equal(matchesLabelSelector(sel, labels), expected);
  });
}
