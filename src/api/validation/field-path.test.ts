// Field path rendering (Kubernetes field.Path style) and line lookup by nearest ancestor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childPath, indexPath, lineOf } from './field-path.ts';

test('paths: dotted fields, indexes, bracketed keys', () => {
  assert.equal(childPath('', 'spec'), 'spec');
  assert.equal(indexPath(childPath('spec', 'ingress'), 0), 'spec.ingress[0]');
  assert.equal(childPath('metadata.labels', 'app.kubernetes.io/name'), 'metadata.labels[app.kubernetes.io/name]');
  assert.equal(childPath('metadata.labels', 'app'), 'metadata.labels.app');
});

test('lineOf falls back to the closest ancestor with a line', () => {
  const lines = new Map([['spec', 3], ['spec.ingress[0]', 5], ['metadata.labels[a.b/c]', 9]]);
  assert.equal(lineOf(lines, 'spec.ingress[0].ports[1].endPort'), 5);
  assert.equal(lineOf(lines, 'spec.egress'), 3);
  assert.equal(lineOf(lines, 'metadata.labels[a.b/c]'), 9);
  assert.equal(lineOf(lines, 'metadata.labels[x.y/z]'), undefined);
  assert.equal(lineOf(undefined, 'spec'), undefined);
});
