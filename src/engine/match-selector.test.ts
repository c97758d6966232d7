// Label selector semantics (kubernetes.io/docs/concepts/overview/working-with-objects/labels/
// "Set-based requirement": NotIn and DoesNotExist match objects without the key) and the
// canonical keys compile uses to dedupe selectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Selector } from '../model/selector.ts';
import { matchSelector, selectorKey } from './match-selector.ts';

const L = { app: 'web', tier: 'front', version: 'v1.2' };
const cases: Array<[string, Selector, boolean]> = [
  ['all matches anything', { op: 'all' }, true],
  ['none matches nothing', { op: 'none' }, false],
  ['In with the value', { op: 'in', key: 'app', values: ['db', 'web'] }, true],
  ['In without the key', { op: 'in', key: 'env', values: ['prod'] }, false],
  ['NotIn: absent key matches', { op: 'notIn', key: 'env', values: ['prod'] }, true],
  ['NotIn: listed value does not match', { op: 'notIn', key: 'app', values: ['web'] }, false],
  ['Exists', { op: 'exists', key: 'tier' }, true],
  ['DoesNotExist: absent key matches', { op: 'notExists', key: 'env' }, true],
  ['DoesNotExist: present key does not match', { op: 'notExists', key: 'app' }, false],
  ['and of requirements (matchLabels + matchExpressions AND)', { op: 'and', of: [{ op: 'in', key: 'app', values: ['web'] }, { op: 'notExists', key: 'env' }] }, true],
  ['empty and is all', { op: 'and', of: [] }, true],
  ['or (Calico ||)', { op: 'or', of: [{ op: 'in', key: 'app', values: ['db'] }, { op: 'exists', key: 'tier' }] }, true],
  ['not (Calico !)', { op: 'not', of: { op: 'exists', key: 'tier' } }, false],
  ['Calico contains', { op: 'contains', key: 'version', value: '1.' }, true],
  ['Calico starts with', { op: 'startsWith', key: 'version', value: 'v2' }, false],
  ['Calico ends with on an absent key', { op: 'endsWith', key: 'env', value: 'x' }, false],
  ['label named like an Object method is not inherited', { op: 'exists', key: 'toString' }, false],
];
for (const [name, s, want] of cases) {
  test(`matchSelector: ${name}`, () => assert.equal(matchSelector(s, L), want));
}

test('selectorKey: order of requirements and values does not matter', () => {
  const a: Selector = { op: 'and', of: [{ op: 'in', key: 'a', values: ['1', '2'] }, { op: 'exists', key: 'b' }] };
  const b: Selector = { op: 'and', of: [{ op: 'exists', key: 'b' }, { op: 'in', key: 'a', values: ['2', '1'] }] };
  assert.equal(selectorKey(a), selectorKey(b));
  assert.equal(selectorKey({ op: 'and', of: [] }), selectorKey({ op: 'all' }));
  assert.notEqual(selectorKey({ op: 'in', key: 'a', values: ['1'] }), selectorKey({ op: 'notIn', key: 'a', values: ['1'] }));
});
