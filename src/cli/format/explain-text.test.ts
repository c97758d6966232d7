// Golden text of `palisade explain`: header per policy, its sentences, then findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingText, renderExplain } from './explain-text.ts';
import type { Policy } from '../../model/policy.ts';
import { SELECT_ALL } from '../../model/selector.ts';

const policy: Policy = {
  id: 'networking.k8s.io/v1/NetworkPolicy/demo/demo-policy',
  ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'demo-policy' },
  tier: 'default',
  order: 1000,
  subject: { namespaces: { kind: 'names', names: ['demo'] }, pods: SELECT_ALL },
  ingress: { isolates: true, rules: [] },
  staged: false,
};

test('findingText: severity, policy, path, message, code', () => {
  assert.equal(findingText({ severity: 'warning', code: 'selects-nothing', policy: policy.ref, path: 'spec.podSelector', message: 'selects no pod' }),
    'warning: NetworkPolicy demo/demo-policy spec.podSelector: selects no pod [selects-nothing]');
  assert.equal(findingText({ severity: 'info', code: 'x', policy: { apiVersion: 'v', kind: 'ClusterNetworkPolicy', name: 'c' }, message: 'm' }),
    'info: ClusterNetworkPolicy c: m [x]');
});

test('policies with their sentences, staged marked, then findings', () => {
  const staged: Policy = { ...policy, id: `${policy.id}-2`, ref: { ...policy.ref, name: 'later' }, staged: true, order: 5 };
  const text = renderExplain(
    [{ policy, lines: ['Applies to every pod in namespace demo.', 'Ingress: denies everything.'] }, { policy: staged, lines: ['Applies to nothing.'] }],
    [{ severity: 'warning', code: 'c1', policy: policy.ref, path: 'spec.ingress', message: 'no rule' }],
  );
  assert.equal(text, [
    'NetworkPolicy demo/demo-policy',
    '  Applies to every pod in namespace demo.',
    '  Ingress: denies everything.',
    '',
    'NetworkPolicy demo/later (staged: not enforced)',
    '  Applies to nothing.',
    '',
    'Findings (1):',
    '  warning: NetworkPolicy demo/demo-policy spec.ingress: no rule [c1]',
    '',
  ].join('\n'));
});

test('nothing to explain', () => {
  assert.equal(renderExplain([], []), 'No policies in the input.\n\nFindings: none\n');
});
