// Tests for replaying steps on the desired state: replace keeps identity, labels merge and
// null removes, unknown objects are errors (a case that deletes nothing is a broken case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaseStateError, ObjectState, manifestRef } from './object-state.ts';
import { namespace, networkPolicy, pod } from './manifests.ts';

const base = [
  namespace('x', { ns: 'x' }),
  pod({ namespace: 'x', name: 'a', labels: { pod: 'a' }, ips: ['10.0.0.1'], containers: [] }),
];

test('apply replaces an object of the same kind/namespace/name in place', () => {
  const s = new ObjectState(base);
  s.apply(networkPolicy('x', 'p', { podSelector: {} }));
  s.apply(networkPolicy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } } }));
  const objects = s.manifests();
  assert.equal(objects.length, 3);
  assert.deepEqual(objects[2]?.['spec'], { podSelector: { matchLabels: { pod: 'a' } } });
});

test('a step deletes, then applies, then labels', () => {
  const s = new ObjectState([...base, networkPolicy('x', 'p', { podSelector: {} })]);
  s.step({
    delete: [{ kind: 'NetworkPolicy', namespace: 'x', name: 'p' }],
    apply: [networkPolicy('x', 'p', { podSelector: {}, policyTypes: ['Egress'] })],
    label: [
      { kind: 'Pod', namespace: 'x', name: 'a', labels: { pod: null, target: 'isolated' } },
      { kind: 'Namespace', name: 'x', labels: { ns2: 'updated' } },
    ],
    expect: [],
  });
  const [ns, a, p] = s.manifests();
  assert.deepEqual((a?.['metadata'] as { labels: unknown }).labels, { target: 'isolated' });
  assert.deepEqual((ns?.['metadata'] as { labels: unknown }).labels, { ns: 'x', ns2: 'updated' });
  assert.deepEqual((p?.['spec'] as { policyTypes: unknown }).policyTypes, ['Egress']);
});

test('state is isolated from the case data it was built from', () => {
  const s = new ObjectState(base);
  s.label({ kind: 'Pod', namespace: 'x', name: 'a', labels: { extra: '1' } });
  assert.deepEqual((base[1]?.['metadata'] as { labels: unknown }).labels, { pod: 'a' });
});

test('deleting or labelling a missing object is an error', () => {
  const s = new ObjectState(base);
  assert.throws(() => s.delete({ kind: 'NetworkPolicy', namespace: 'x', name: 'nope' }), CaseStateError);
  assert.throws(() => s.label({ kind: 'Pod', namespace: 'y', name: 'a', labels: {} }), CaseStateError);
  assert.throws(() => manifestRef({ kind: 'Pod' }), CaseStateError);
});
