// Golden tests of `get -o json|yaml|name`: kubectl prints unstructured objects with sorted
// keys, JSON indented by 4 spaces, YAML with sequences at the parent's indentation, and a
// v1 List for anything but one named object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asOutputObject, renderJson, renderNames, renderYaml } from './object-output.ts';

const ns = { metadata: { name: 'demo', labels: { 'kubernetes.io/metadata.name': 'demo' } }, kind: 'Namespace', apiVersion: 'v1', spec: { finalizers: ['kubernetes'] } };

test('json: sorted keys, 4-space indentation', () => {
  assert.equal(renderJson(ns), [
    '{',
    '    "apiVersion": "v1",',
    '    "kind": "Namespace",',
    '    "metadata": {',
    '        "labels": {',
    '            "kubernetes.io/metadata.name": "demo"',
    '        },',
    '        "name": "demo"',
    '    },',
    '    "spec": {',
    '        "finalizers": [',
    '            "kubernetes"',
    '        ]',
    '    }',
    '}',
    '',
  ].join('\n'));
});

test('yaml: sorted keys, block sequences not indented', () => {
  assert.equal(renderYaml(ns), [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  labels:',
    '    kubernetes.io/metadata.name: demo',
    '  name: demo',
    'spec:',
    '  finalizers:',
    '  - kubernetes',
    '',
  ].join('\n'));
});

test('a list (or no object) prints as kind: List with an empty resourceVersion', () => {
  assert.deepEqual(asOutputObject([], false), { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
  assert.deepEqual(asOutputObject([ns], true), ns);
  assert.equal((asOutputObject([ns], false) as { kind: string }).kind, 'List');
});

test('name: TYPE/NAME per line', () => {
  assert.equal(renderNames('networkpolicy.networking.k8s.io', ['a', 'b']), 'networkpolicy.networking.k8s.io/a\nnetworkpolicy.networking.k8s.io/b\n');
});
