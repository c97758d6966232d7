// Resource words as kubectl accepts them (plural, singular, short name, Kind, plural.group)
// and the REST paths of the Kubernetes API conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceArgs, resolveResourceWord, resourcePath, typeName } from './resources.ts';

const cases = [
  ['po', 'pods'], ['pod', 'pods'], ['Pod', 'pods'], ['ns', 'namespaces'], ['netpol', 'networkpolicies'],
  ['networkpolicies.networking.k8s.io', 'networkpolicies'], ['no', 'nodes'], ['svc', 'services'],
] as const;

for (const [word, resource] of cases) {
  test(`${word} is ${resource}`, () => assert.equal(resolveResourceWord(word)?.resource, resource));
}

test('unknown words and wrong groups are not resources', () => {
  assert.equal(resolveResourceWord('deployments'), undefined);
  assert.equal(resolveResourceWord('pods.networking.k8s.io'), undefined);
});

test('paths and type names', () => {
  const np = resolveResourceWord('netpol');
  const ns = resolveResourceWord('ns');
  assert.ok(np !== undefined && ns !== undefined);
  assert.equal(resourcePath(np, 'demo', 'p'), '/apis/networking.k8s.io/v1/namespaces/demo/networkpolicies/p');
  assert.equal(resourcePath(np, undefined), '/apis/networking.k8s.io/v1/networkpolicies');
  assert.equal(resourcePath(ns, 'ignored', 'demo'), '/api/v1/namespaces/demo');
  assert.equal(typeName(np), 'networkpolicy.networking.k8s.io');
  assert.equal(typeName(ns), 'namespace');
});

test('TYPE NAME... and TYPE/NAME... forms', async () => {
  const err = (m: string): Error => new Error(m);
  assert.deepEqual((await parseResourceArgs(['pod', 'a', 'b'], err)).map((r) => r.name), ['a', 'b']);
  assert.deepEqual((await parseResourceArgs(['pod/a', 'ns/b'], err)).map((r) => `${r.info.resource}/${r.name}`), ['pods/a', 'namespaces/b']);
  await assert.rejects(parseResourceArgs(['pod/a', 'b'], err), /resource\/name form/);
  await assert.rejects(parseResourceArgs(['widgets', 'a'], err), /doesn't have a resource type "widgets"/);
});
