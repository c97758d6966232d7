// The three-way merge of client-side apply (kubectl's apply.go: additions from
// live→config, deletions from last-applied→config), as JSON merge patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_APPLIED, applyPatch, contains, withLastApplied } from './apply-patch.ts';

const config = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', labels: { a: '1' } }, spec: { ports: [{ port: 80 }] } };
const recorded = (c: object): string => `${JSON.stringify(c)}\n`;

test('created objects carry their own configuration in the annotation', () => {
  const o = withLastApplied(config) as { metadata: { annotations: Record<string, string> } };
  assert.equal(o.metadata.annotations[LAST_APPLIED], recorded(config));
});

const cases: ReadonlyArray<{ name: string; config: Record<string, unknown>; live: Record<string, unknown>; want: Record<string, unknown> }> = [
  {
    name: 'unchanged: the live object holds the configuration plus server defaults and others\' labels',
    config,
    live: { ...config, metadata: { ...config.metadata, uid: 'u', labels: { a: '1', b: 'set-by-label' }, annotations: { [LAST_APPLIED]: recorded(config) } }, spec: { ports: [{ port: 80, protocol: 'TCP' }] }, status: {} },
    want: {},
  },
  {
    name: 'a key dropped from a map is deleted; a key others added is left alone',
    config: { ...config, metadata: { name: 'p', namespace: 'x', labels: { c: '3' } } },
    live: { ...config, metadata: { ...config.metadata, labels: { a: '1', b: '2', c: '3' }, annotations: { [LAST_APPLIED]: recorded(config) } } },
    want: { metadata: { labels: { a: null }, annotations: { [LAST_APPLIED]: recorded({ ...config, metadata: { name: 'p', namespace: 'x', labels: { c: '3' } } }) } } },
  },
  {
    name: 'a changed value is set; a list is replaced whole',
    config: { ...config, spec: { ports: [{ port: 81 }] } },
    live: { ...config, metadata: { ...config.metadata, annotations: { [LAST_APPLIED]: recorded(config) } } },
    want: { metadata: { annotations: { [LAST_APPLIED]: recorded({ ...config, spec: { ports: [{ port: 81 }] } }) } }, spec: { ports: [{ port: 81 }] } },
  },
  {
    // As kubectl: a map dropped whole is deleted whole, even keys others added to it.
    name: 'a field dropped from the configuration is deleted',
    config: { ...config, metadata: { name: 'p', namespace: 'x' } },
    live: { ...config, metadata: { ...config.metadata, labels: { a: '1', b: '2' }, annotations: { [LAST_APPLIED]: recorded(config) } } },
    want: { metadata: { labels: null, annotations: { [LAST_APPLIED]: recorded({ ...config, metadata: { name: 'p', namespace: 'x' } }) } } },
  },
];

for (const c of cases) test(c.name, () => assert.deepEqual(applyPatch(c.config, c.live), c.want));

test('contains: extra live fields are fine, different list lengths are not', () => {
  assert.equal(contains({ a: 1, b: 2 }, { a: 1 }), true);
  assert.equal(contains([{ a: 1 }], [{ a: 1 }, { a: 2 }]), false);
  assert.equal(contains(undefined, {}), false);
});
