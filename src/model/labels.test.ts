// labelsKey: one canonical text per label set, so pods with equal labels group together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsKey } from './labels.ts';

test('labelsKey: equal for equal sets in any key order, different otherwise', () => {
  assert.equal(labelsKey({ a: '1', b: '2' }), labelsKey({ b: '2', a: '1' }));
  assert.equal(labelsKey({}), '');
  const distinct: Array<Record<string, string>> = [{}, { a: '' }, { a: '1' }, { a: '1', b: '' }, { 'a\u00011': '' }, { ab: '1' }, { a: 'b1' }];
  assert.equal(new Set(distinct.map((l) => labelsKey(l))).size, distinct.length);
});
