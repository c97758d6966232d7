// parseText: multi-document YAML, JSON, List flattening, syntax errors with line
// numbers, binary input, empty input and scalar documents — never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from './parse-text.ts';

const nameOf = (o: unknown): unknown => (o as { metadata?: { name?: unknown } }).metadata?.name;

test('multi-document YAML: empty documents skipped, indexes and start lines kept', () => {
  const text = [
    'apiVersion: v1', 'kind: Namespace', 'metadata: {name: a}',
    '---', '# only a comment',
    '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: b', '',
  ].join('\n');
  const r = parseText(text, 'ns.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.documents.map((d) => [d.source, d.index, d.line, nameOf(d.object)]), [['ns.yaml', 0, 1, 'a'], ['ns.yaml', 2, 7, 'b']]);
  assert.equal(r.documents[1]?.lines?.get('metadata.name'), 10);
});

test('JSON object, with line numbers of fields', () => {
  const r = parseText('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"}\n}\n', 'p.json');
  assert.deepEqual(r.problems, []);
  assert.equal(r.documents.length, 1);
  assert.equal(nameOf(r.documents[0]?.object), 'p');
  assert.equal(r.documents[0]?.lines?.get('kind'), 3);
});

test('kind: List is flattened, items keep their own lines and item paths', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n';
  const r = parseText(text, 'l.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.documents.map((d) => [d.index, d.line, d.itemPath, nameOf(d.object)]), [[0, 4, 'items[0]', 'a'], [0, 7, 'items[1]', 'b']]);
  assert.equal(r.documents[1]?.lines?.get('metadata'), 9);
});

test('typed lists (PodList) fill in apiVersion and kind of bare items', () => {
  const r = parseText(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a' } }] }), 'pods.json');
  assert.deepEqual(r.documents[0]?.object, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
});

test('List items that are not objects are problems; the others still come through', () => {
  const r = parseText('apiVersion: v1\nkind: List\nitems:\n- 42\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n', 'l.yaml');
  assert.equal(r.documents.length, 1);
  assert.deepEqual(r.problems.map((p) => [p.line, p.message]), [[4, 'items[0] of List is a number, not a Kubernetes object']]);
});

test('YAML syntax error: a problem with its line, other documents still parsed', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n';
  const r = parseText(text, 'bad.yaml');
  assert.deepEqual(r.documents.map((d) => nameOf(d.object)), ['a', 'c']);
  assert.ok(r.problems.length >= 1);
  assert.ok(r.problems.every((p) => p.source === 'bad.yaml' && p.severity === 'error' && p.message.startsWith('YAML syntax error')));
  assert.ok(r.problems.every((p) => p.line !== undefined && p.line >= 7 && p.line <= 8), JSON.stringify(r.problems));
});

test('invalid JSON reports the line of the error', () => {
  const r = parseText('{\n  "kind": "Pod",\n  "metadata": {"name": "p"\n}\n', 'p.json');
  assert.equal(r.documents.length, 0);
  assert.ok(r.problems.length >= 1);
  assert.ok(r.problems[0]?.line !== undefined && r.problems[0].line >= 3, JSON.stringify(r.problems));
});

test('binary input: one clear problem', () => {
  const r = parseText('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR', 'img.yaml');
  assert.deepEqual(r, { documents: [], problems: [{ source: 'img.yaml', message: 'binary data, not YAML or JSON text', severity: 'error' }] });
});

test('empty and whitespace-only input: nothing, no problems', () => {
  for (const text of ['', '\n\n', '---\n---\n', '# comment only\n']) assert.deepEqual(parseText(text, 'e.yaml'), { documents: [], problems: [] });
});

const scalarCases: Array<[string, string, string]> = [
  ['a string', 'hello', 'document 1 is a string, not a Kubernetes object (a mapping with apiVersion and kind)'],
  ['a number', '42', 'document 1 is a number, not a Kubernetes object (a mapping with apiVersion and kind)'],
  ['a top-level list', '- a\n- b\n', 'document 1 is a list, not a Kubernetes object (a mapping with apiVersion and kind)'],
  ['a JSON array', '[{"kind": "Pod"}]', 'document 1 is a list, not a Kubernetes object (a mapping with apiVersion and kind)'],
];
for (const [name, text, message] of scalarCases) {
  test(`document that is ${name}: one problem`, () => {
    assert.deepEqual(parseText(text, 's.yaml'), { documents: [], problems: [{ source: 's.yaml', line: 1, message, severity: 'error' }] });
  });
}

test('alias bombs are refused, not expanded', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
  const r = parseText(lines.join('\n'), 'bomb.yaml');
  assert.equal(r.documents.length, 0);
  assert.equal(r.problems.length, 1);
});

test('a byte-order mark is ignored', () => {
  const r = parseText('\uFEFFapiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n', 'bom.yaml');
  assert.deepEqual(r.problems, []);
  assert.equal(nameOf(r.documents[0]?.object), 'a');
});
