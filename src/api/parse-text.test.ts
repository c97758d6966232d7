// parseText: multi-document YAML, JSON, List flattening, syntax errors with line
// numbers, binary input, empty input and scalar documents — never a throw; and the
// same result as the `yaml` library reading everything (parseTextWithYaml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ToStringOptions } from 'yaml';
import { stringify } from 'yaml';
import { parseText, parseTextWithYaml } from './parse-text.ts';
import { mutatedText } from './text-mutations.ts';

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

// --- js-yaml behind parseText, against the `yaml` library (parseTextWithYaml) ---

// Where js-yaml and `yaml` could read differently: the values and problems stay `yaml`'s
// (core schema of YAML 1.2.2, https://yaml.org/spec/1.2.2/#1032-tag-resolution; js-yaml
// CORE_SCHEMA, https://github.com/nodeca/js-yaml#api). Each case: text after the
// Namespace header, the object parseText gives (undefined: problems, as yaml words them).
const NS = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
const divergenceCases: Array<[string, string, Record<string, unknown> | undefined]> = [
  ['timestamps stay strings', 'ts: 2021-01-01\n', { ts: '2021-01-01' }],
  ['on/yes/off/no stay strings (YAML 1.1 booleans)', 'b: [on, yes, Off, NO, y]\n', { b: ['on', 'yes', 'Off', 'NO', 'y'] }],
  ['0b101, 1_000, 12:30 stay strings (YAML 1.1 numbers)', 'n: [0b101, 1_000, 12:30]\n', { n: ['0b101', '1_000', '12:30'] }],
  ['octal 0o17 and 010 (decimal in 1.2)', 'n: [0o17, 010]\n', { n: [15, 10] }],
  ['numbers too big for a double are Infinity', `n: [${'9'.repeat(400)}, 1e400, -1e400]\n`, { n: [Infinity, Infinity, -Infinity] }],
  ['`<<` is an ordinary key, not a merge', 'm: &m {x: 1}\no:\n  <<: *m\n', { m: { x: 1 }, o: { '<<': { x: 1 } } }],
  ['anchors and aliases', 'l: &l {app: web}\nk: *l\n', { l: { app: 'web' }, k: { app: 'web' } }],
  ['explicit tags', 's: !!str 80\nt: !custom x\n', { s: '80', t: 'x' }],
  ['a null key is ""', '~: 1\n', { '': 1 }],
  ['numeric and boolean keys are their text', '1: a\ntrue: b\n', { 1: 'a', true: 'b' }],
  ['a key named __proto__ is an own property', '__proto__: {x: 1}\n', JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>],
  ['duplicate keys: the yaml error', 'x: 1\nx: 2\n', undefined],
  ['a key after a flow node on the same line: the yaml error', 'x:\n- {y: 1}z: 2\n', undefined],
  ['a key over 1024 characters: the yaml error', `${'k'.repeat(1025)}: 1\n`, undefined],
  ['tabs as indentation: the yaml error', 'x:\n\ty: 1\n', undefined],
];
for (const [name, body, expected] of divergenceCases) {
  test(`js-yaml and yaml: ${name}`, () => {
    const text = NS + body;
    const r = parseText(text, 'f.yaml');
    assert.deepEqual(view(r), view(parseTextWithYaml(text, 'f.yaml')));
    if (expected === undefined) {
      assert.ok(r.problems.length > 0 && r.problems.every((p) => p.message.startsWith('YAML syntax error: ')), JSON.stringify(r.problems));
    } else {
      assert.deepEqual(r.documents.map((d) => d.object), [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, ...expected }]);
    }
  });
}

test('List items: an item js-yaml and yaml may read differently (an anchor) is read by yaml alone, with its lines; the rest stay with js-yaml', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: &m {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n';
  const r = parseText(text, 'l.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.documents.map((d) => [d.line, d.itemPath, nameOf(d.object), d.lines?.get('metadata.name')]), [[4, 'items[0]', 'a', 6], [7, 'items[1]', 'b', 10]]);
});

test('an error inside one List item: the whole List is reported by yaml, as one document', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  kind: Service\n';
  const r = parseText(text, 'l.yaml');
  assert.deepEqual(r.documents, []);
  assert.deepEqual(r.problems, parseTextWithYaml(text, 'l.yaml').problems);
  assert.deepEqual(r.problems.map((p) => [p.line, p.message]), [[9, 'YAML syntax error: Map keys must be unique']]);
});

test('duplicate keys in JSON: the yaml error, at its line', () => {
  const r = parseText('{\n  "kind": "Pod",\n  "kind": "Service"\n}\n', 'p.json');
  assert.deepEqual(r.problems.map((p) => [p.line, p.message]), [[3, 'JSON syntax error: Map keys must be unique']]);
});

test('documents after a broken one keep their own lines', () => {
  const text = 'a: [\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n';
  const r = parseText(text, 'f.yaml');
  assert.deepEqual(r.documents.map((d) => [d.index, d.line, d.lines?.get('metadata.name')]), [[1, 3, 6]]);
  assert.ok(r.problems.length > 0 && r.problems.every((p) => p.line === 1 || p.line === 2), JSON.stringify(r.problems));
});

test('CRLF line ends: same values and lines as LF', () => {
  const lf = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {x: "y"}\n';
  const crlf = parseText(lf.replace(/\n/g, '\r\n'), 'f.yaml');
  assert.deepEqual(crlf.documents.map((d) => [d.object, d.line, d.lines?.get('metadata.labels.x')]), [[{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { x: 'y' } } }, 1, 5]]);
});

test('JSON List: items keep their own lines and line maps, the last one too', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"apiVersion": "v1", "kind": "Pod",\n     "metadata": {"name": "a"}},\n    {"apiVersion": "v1", "kind": "Pod",\n     "metadata": {"name": "b"}}\n  ]\n}\n';
  const r = parseText(text, 'l.json');
  assert.deepEqual(r.documents.map((d) => [d.line, d.itemPath, d.lines?.get('metadata.name')]), [[5, 'items[0]', 6], [7, 'items[1]', 8]]);
  assert.deepEqual(view(r), view(parseTextWithYaml(text, 'l.json')));
});

test('directives and ... end markers: the text is read whole by yaml', () => {
  const text = '%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n...\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n';
  const r = parseText(text, 'f.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.documents.map((d) => [d.index, d.line, nameOf(d.object)]), [[0, 3, 'a'], [1, 8, 'b']]);
});

/** Documents with their line maps spelled out, to compare two readings. */
function view(r: ReturnType<typeof parseText>): unknown {
  return { problems: r.problems, documents: r.documents.map((d) => ({ ...d, lines: [...(d.lines ?? new Map<string, number>())].sort() })) };
}

const word = fc.constantFrom('a', 'web', 'x:y', 'k8s.io/name', "it's", 'é', '1', 'true', 'a b', '#c', '- x', 'null', '::/0', ':8080', '?q', '', '"q"', '|', 'a\nb', '---');
const str = fc.oneof(word, fc.array(word, { minLength: 2, maxLength: 10 }).map((w) => w.join(' ')), fc.string({ maxLength: 8 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  map: fc.dictionary(fc.oneof(word, fc.constantFrom('name', 'items', 'labels')), tie('value'), { maxKeys: 4 }),
}));
const object = fc.record({ apiVersion: fc.constantFrom('v1', 'networking.k8s.io/v1'), kind: fc.constantFrom('Pod', 'Namespace'), metadata: fc.record({ name: word, labels: fc.dictionary(word, word, { maxKeys: 3 }) }), spec: value });
const doc = fc.oneof(object, object, fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('List', 'PodList'), items: fc.array(fc.oneof(object, value), { maxLength: 3 }) }), value);
const STYLES: ToStringOptions[] = [{}, { lineWidth: 20, minContentWidth: 0 }, { indentSeq: false }, { collectionStyle: 'flow' }, { defaultStringType: 'QUOTE_DOUBLE' }, { defaultStringType: 'BLOCK_LITERAL' }, { defaultStringType: 'BLOCK_FOLDED', lineWidth: 15, minContentWidth: 0 }];
const rendered = fc.tuple(doc, fc.nat(STYLES.length)).map(([v, s]) => (s < STYLES.length ? stringify(v, STYLES[s]) : `${JSON.stringify(v, null, 2)}\n`));
const file = fc.tuple(fc.constantFrom('', '---\n', '# head\n', '\n'), fc.array(fc.tuple(rendered, fc.constantFrom('---\n', '\n---\n', '--- # c\n', '# c\n---\n', '---\n---\n')), { minLength: 1, maxLength: 4 }))
  .map(([head, docs]) => head + docs.map(([t, sep], i) => (i === 0 ? '' : sep) + t).join(''));
const EDITS = [' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '\t', 'a', '&', '*', '!', '\\', '  ', '\n  ', '- ', '---\n', '...\n', '\r\n'];
const mutated = mutatedText(file, EDITS, 3);
const syntaxError = (r: ReturnType<typeof parseText>): boolean => r.problems.some((p) => / syntax error: /.test(p.message));

test('property: on error-free files parseText gives exactly what yaml gives: documents, indexes, lines, line maps, problems', () => {
  fc.assert(fc.property(file, (text) => {
    const reference = parseTextWithYaml(text, 'f.yaml');
    fc.pre(!syntaxError(reference)); // yaml writes a few root scalars it cannot read back (`|1-`)
    assert.deepEqual(view(parseText(text, 'f.yaml')), view(reference));
  }), { numRuns: 400 });
});

test('property: on mutated files, the same as yaml where neither finds a syntax error; a syntax error yaml finds, parseText finds', () => {
  // Where there are syntax errors the two may differ, and parseText is the one that
  // follows YAML: yaml pins an error at the start of a document on the document before
  // it, and counts lines wrong after some errors; parseText reads each document apart.
  fc.assert(fc.property(mutated, (text) => {
    const fast = parseText(text, 'f.yaml');
    const reference = parseTextWithYaml(text, 'f.yaml');
    if (syntaxError(reference)) assert.ok(syntaxError(fast), JSON.stringify(text));
    else if (!syntaxError(fast)) assert.deepEqual(view(fast), view(reference), JSON.stringify(text));
  }), { numRuns: 1500 });
});
