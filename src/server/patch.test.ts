// The three patch formats, table-driven. Merge patch cases are RFC 7386 Appendix A;
// JSON patch cases are RFC 6902 Appendix A; strategic merge patch cases follow
// community/contributors/devel/sig-api-machinery/strategic-merge-patch.md and
// k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go (mergeItem cases).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMergePatch } from './json-merge-patch.ts';
import { applyJsonPatch } from './json-patch.ts';
import { PatchError } from './patch-error.ts';
import { patchMetaFor } from './patch-meta.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

const MERGE: ReadonlyArray<readonly [string, unknown, unknown, unknown]> = [
  ['A.1 replace a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
  ['A.2 add a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  ['A.3 null removes', { a: 'b' }, { a: null }, {}],
  ['A.5 nested remove', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  ['A.6 arrays replace', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  ['A.10 non-object target', ['c'], { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

for (const [name, target, patch, want] of MERGE) {
  test(`merge patch: ${name}`, () => assert.deepEqual(applyMergePatch(target, patch), want));
}

const JSON_PATCH: ReadonlyArray<readonly [string, unknown, unknown, unknown]> = [
  ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
  ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  ['A.6 move a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
  ['A.16 add to the end of an array', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ['escaped pointer tokens (label keys with /)', { metadata: { labels: { 'a/b': 'x' } } }, [{ op: 'remove', path: '/metadata/labels/a~1b' }], { metadata: { labels: {} } }],
  ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
  ['A.8 test passes', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/foo', value: ['a', 2, 'c'] }], { baz: 'qux', foo: ['a', 2, 'c'] }],
];

for (const [name, doc, patch, want] of JSON_PATCH) {
  test(`json patch: ${name}`, () => assert.deepEqual(applyJsonPatch(doc, patch), want));
}

const JSON_PATCH_ERRORS: ReadonlyArray<readonly [string, unknown, unknown, 'malformed' | 'unapplicable']> = [
  ['A.9 test fails', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'unapplicable'],
  ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'unapplicable'],
  ['remove a missing member', { foo: 'bar' }, [{ op: 'remove', path: '/nope' }], 'unapplicable'],
  ['unknown op', {}, [{ op: 'frobnicate', path: '/a' }], 'malformed'],
  ['not an array', {}, { op: 'add' }, 'malformed'],
];

for (const [name, doc, patch, kind] of JSON_PATCH_ERRORS) {
  test(`json patch error: ${name}`, () => {
    assert.throws(() => applyJsonPatch(doc, patch), (e: unknown) => e instanceof PatchError && e.kind === kind);
  });
}

const POD = patchMetaFor('v1', 'Pod');
const NETPOL = patchMetaFor('networking.k8s.io/v1', 'NetworkPolicy');
const container = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, image: `${name}:1`, ...extra });

const SMP: ReadonlyArray<readonly [string, unknown, unknown, unknown, typeof POD]> = [
  ['maps merge, null deletes (kubectl label app-)', { metadata: { labels: { app: 'a', run: 'x' } } }, { metadata: { labels: { app: null } } },
    { metadata: { labels: { run: 'x' } } }, POD],
  ['containers merge by name', { spec: { containers: [container('a'), container('b')] } }, { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
    { spec: { containers: [container('a'), { name: 'b', image: 'b:2' }] } }, POD],
  ['a new container is appended', { spec: { containers: [container('a')] } }, { spec: { containers: [container('c')] } },
    { spec: { containers: [container('a'), container('c')] } }, POD],
  ['$patch: delete removes a list item by merge key', { spec: { containers: [container('a'), container('b')] } },
    { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }, { spec: { containers: [container('b')] } }, POD],
  ['ports merge by containerPort inside a container', { spec: { containers: [container('a', { ports: [{ containerPort: 80 }, { containerPort: 81 }] })] } },
    { spec: { containers: [{ name: 'a', ports: [{ containerPort: 81, name: 'alt' }] }] } },
    { spec: { containers: [container('a', { ports: [{ containerPort: 80 }, { containerPort: 81, name: 'alt' }] })] } }, POD],
  ['$patch: replace on a list replaces it', { spec: { containers: [container('a'), container('b')] } },
    { spec: { containers: [container('z'), { $patch: 'replace' }] } }, { spec: { containers: [container('z')] } }, POD],
  ['$patch: replace on a map replaces it', { metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { c: '3', $patch: 'replace' } } },
    { metadata: { labels: { c: '3' } } }, POD],
  ['$patch: delete on a map removes it', { spec: { securityContext: { runAsUser: 1 } } }, { spec: { securityContext: { $patch: 'delete' } } }, { spec: {} }, POD],
  ['$setElementOrder reorders by merge key', { spec: { containers: [container('a'), container('b')] } },
    { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } }, { spec: { containers: [container('b'), container('a')] } }, POD],
  ['finalizers merge as a set', { metadata: { finalizers: ['x'] } }, { metadata: { finalizers: ['y', 'x'] } }, { metadata: { finalizers: ['x', 'y'] } }, POD],
  ['$deleteFromPrimitiveList removes values', { metadata: { finalizers: ['x', 'y'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
    { metadata: { finalizers: ['y'] } }, POD],
  ['$retainKeys clears the fields not kept (volume source switch)', { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] } },
    { spec: { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['emptyDir', 'name'] }] } }, { spec: { volumes: [{ name: 'v', emptyDir: {} }] } }, POD],
  ['NetworkPolicy lists are atomic: ingress replaced (kubectl apply)', { spec: { ingress: [{ ports: [{ port: 80 }] }, { ports: [{ port: 81 }] }] } },
    { spec: { ingress: [{ ports: [{ port: 82 }] }] } }, { spec: { ingress: [{ ports: [{ port: 82 }] }] } }, NETPOL],
];

for (const [name, original, patch, want, meta] of SMP) {
  test(`strategic merge patch: ${name}`, () => assert.deepEqual(applyStrategicMergePatch(original, patch, meta), want));
}

test('strategic merge patch: a merge-key list item without its key is malformed', () => {
  assert.throws(
    () => applyStrategicMergePatch({ spec: { containers: [] } }, { spec: { containers: [{ image: 'x' }] } }, POD),
    (e: unknown) => e instanceof PatchError && e.kind === 'malformed' && /does not contain declared merge key: name/.test(e.message),
  );
});
