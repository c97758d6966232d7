// Field selectors as fields.ParseSelector reads them
// (k8s.io/apimachinery/pkg/fields/selector_test.go TestSelectorParse, TestSelectorMatches,
// escaping in TestEscapeValue) and the API server's "field label not supported" refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldValue, matchesFields, parseFieldSelector } from './field-selector.ts';
import { StoreError } from './store-errors.ts';

const obj = { metadata: { name: 'a,b', namespace: 'demo' }, spec: { nodeName: 'n1', hostNetwork: false } };

const cases: ReadonlyArray<{ name: string; selector: string; want: boolean }> = [
  { name: 'empty matches', selector: '', want: true },
  { name: 'equality', selector: 'metadata.namespace=demo', want: true },
  { name: 'double equals', selector: 'metadata.namespace==demo', want: true },
  { name: 'inequality', selector: 'metadata.namespace!=demo', want: false },
  { name: 'escaped comma in a value', selector: 'metadata.name=a\\,b', want: true },
  { name: 'AND of terms', selector: 'metadata.namespace=demo,spec.nodeName=n2', want: false },
  { name: 'booleans compare as strings', selector: 'spec.hostNetwork=false', want: true },
  { name: 'absent field reads as empty', selector: 'status.phase=', want: true },
];

for (const c of cases) {
  test(`field selector: ${c.name}`, () => {
    const reqs = parseFieldSelector(c.selector, ['spec.nodeName', 'spec.hostNetwork', 'status.phase']);
    assert.equal(matchesFields(reqs, obj), c.want);
  });
}

test('field selector: unsupported fields and malformed terms are BadRequest', () => {
  const bad = (s: string, m: RegExp): void => {
    assert.throws(() => parseFieldSelector(s, []), (e: unknown) => e instanceof StoreError && e.reason === 'BadRequest' && m.test(e.message));
  };
  bad('spec.nodeName=n1', /^field label not supported: spec.nodeName$/);
  bad('metadata.name', /not of the form/);
  bad('metadata.name=a\\b', /invalid escape sequence/);
});

test('fieldValue: nested paths, non-strings, missing', () => {
  assert.equal(fieldValue(obj, 'spec.nodeName'), 'n1');
  assert.equal(fieldValue(obj, 'spec.hostNetwork'), 'false');
  assert.equal(fieldValue(obj, 'spec.nodeName.x'), '');
});
