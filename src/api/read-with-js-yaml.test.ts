// js-yaml as the fast reader, against the `yaml` library, its reference: what it reads it
// must read as `yaml` does (YAML 1.2.2, https://yaml.org/spec/1.2.2/, core schema 10.3.2;
// js-yaml's CORE_SCHEMA, https://github.com/nodeca/js-yaml#api), and where the two can
// differ it must hand the document to `yaml`; properties on generated and mutated text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ToStringOptions } from 'yaml';
import { parseAllDocuments, stringify } from 'yaml';
import { itemText, readWithJsYaml } from './read-with-js-yaml.ts';
import { readItemWithYaml } from './read-with-yaml.ts';
import { mutatedText } from './text-mutations.ts';

/** `yaml`'s value of a one-document text, or undefined when it reports an error. */
function yamlValue(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const [doc] = docs;
  if (doc === undefined || doc.errors.length > 0) return undefined;
  return { value: doc.toJS({ maxAliasCount: 1000 }) };
}

function jsYamlValue(text: string): unknown {
  const r = readWithJsYaml(text, 1);
  assert.equal(r.kind, 'value', `handed to yaml: ${JSON.stringify(text)}`);
  return r.kind === 'value' ? r.value : undefined;
}

// Each case: text js-yaml reads, with the value `yaml` gives (checked against it too).
const readCases: Array<[string, string, unknown]> = [
  ['block mapping and nested mapping (spec 8.2.2)', 'a: 1\nb:\n  c: x\n', { a: 1, b: { c: 'x' } }],
  ['block sequence, indented and not (spec 8.2.1, example 8.22)', 'a:\n  - 1\n  - 2\nb:\n- x\n- y\n', { a: [1, 2], b: ['x', 'y'] }],
  ['comments everywhere (spec 6.6)', '# head\na: 1 # one\n\n  # indented\nb: x#y\n', { a: 1, b: 'x#y' }],
  ['core schema scalars (spec 10.3.2)', 'a: ~\nb: Null\nc: true\nd: FALSE\ne: 0o17\nf: -12\ng: 0x1F\nh: .inf\ni: -.Inf\nj: 1.5e3\nk: .5\nl: 010\nm: +1\nn: -0\n', {
    a: null, b: null, c: true, d: false, e: 15, f: -12, g: 31, h: Infinity, i: -Infinity, j: 1500, k: 0.5, l: 10, m: 1, n: -0,
  }],
  ['YAML 1.1 booleans stay strings (core schema: only true/false)', 'a: yes\nb: on\nc: Off\nd: y\ne: NO\n', { a: 'yes', b: 'on', c: 'Off', d: 'y', e: 'NO' }],
  ['timestamps stay strings (no !!timestamp in the core schema)', 'a: 2021-01-01\nb: 2001-12-14t21:59:43.10-05:00\n', { a: '2021-01-01', b: '2001-12-14t21:59:43.10-05:00' }],
  ['YAML 1.1 numbers stay strings: binary, underscores, sexagesimal, signed hex', 'a: 0b101\nb: 1_000\nc: 12:30\nd: -0x1F\ne: 0o8\n', { a: '0b101', b: '1_000', c: '12:30', d: '-0x1F', e: '0o8' }],
  ['`<<` is an ordinary key (no merge keys in the 1.2 core schema)', 'a: {x: 1}\nb:\n  <<: {y: 2}\n', { a: { x: 1 }, b: { '<<': { y: 2 } } }],
  ['numbers and booleans as keys become their text', '1: a\n0x10: b\ntrue: c\n', { 1: 'a', 16: 'b', true: 'c' }],
  ['a key named __proto__ is an own property', '__proto__: 1\n', JSON.parse('{"__proto__": 1}')],
  ['plain scalars with indicators inside: CIDRs, ports, URLs', 'a: ::/0\nb: -1\nc: :8080\nd: http://x:80/y\ne: a, b [c] {d}\nf: ?q\n', { a: '::/0', b: -1, c: ':8080', d: 'http://x:80/y', e: 'a, b [c] {d}', f: '?q' }],
  ['NaN', 'a: .nan\n', { a: NaN }],
  ['quoted scalars and escapes (spec 7.3)', 'a: "x\\ty\\u00e9\\x41\\"\\\\\\/\\U0001F600"\nb: \'it\'\'s\'\n"c d": 1\n\'e\': 2\n', { a: 'x\ty\u00e9A"\\/\u{1F600}', b: "it's", 'c d': 1, e: 2 }],
  ['multi-line scalars folded (spec 7.3.3, example 7.12)', 'a: one\n  two\n\n  three\nb: "x\n  y"\n', { a: 'one two\nthree', b: 'x y' }],
  ['literal block scalars, clip, strip and keep (spec 8.1.1.2)', 'a: |\n  x\n\n   y\n\nb: |-\n  z\nc: |+\n  w\n\n', { a: 'x\n\n y\n', b: 'z', c: 'w\n\n' }],
  ['folded block scalar (spec 8.1.3, example 8.10)', 'a: >\n  one\n  two\n\n  three\n    more\n  four\n', { a: 'one two\nthree\n  more\nfour\n' }],
  ['flow collections (spec 7.4, 7.5), pairs in a flow sequence', 'a: {b: 1, "c": [x, "y", {}], d: []}\ne: [1, 2,]\nf: [k: v]\n', { a: { b: 1, c: ['x', 'y', {}], d: [] }, e: [1, 2], f: [{ k: 'v' }] }],
  ['explicit keys (spec 8.2.2, example 8.18)', '? a\n: 1\n', { a: 1 }],
  ['JSON, pretty-printed and on one line', '{\n  "a": [\n    1,\n    {"b": null}\n  ],\n  "c": "d"\n}\n', { a: [1, { b: null }], c: 'd' }],
  ['directives-end marker with a flow mapping on its line', '--- {a: 1}\n', { a: 1 }],
  ['mapping indented as a whole', '  a: 1\n  b: 2\n', { a: 1, b: 2 }],
];

for (const [name, text, expected] of readCases) {
  test(`reads like yaml: ${name}`, () => {
    assert.deepEqual(yamlValue(text), { value: expected }, 'the case itself must match yaml');
    assert.deepEqual(jsYamlValue(text), expected);
  });
}

// Text handed to `yaml`: where the two read differently, errors `yaml` must word, documents
// that are not mappings. Each case says what `yaml` makes of it.
const handedCases: Array<[string, string]> = [
  ['anchor and alias (yaml limits aliases: alias bombs)', 'a: &x 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['custom tag', 'a: !thing 1\n'],
  ['null key (yaml: "", js-yaml: "null")', '~: 1\n'],
  ['empty key in a flow mapping (yaml: "")', '{: 1}\n'],
  ['integer too big for a double (yaml: Infinity, js-yaml: the digits)', `a: ${'9'.repeat(400)}\n`],
  ['float too big for a double (yaml: Infinity, js-yaml: "1e400")', 'a: 1e400\n'],
  ['duplicate key (an error in yaml)', 'a: 1\na: 2\n'],
  ['duplicate key in flow', '{"a": 1, "a": 2}'],
  ['tab indentation', 'a:\n\tb: 1\n'],
  ['tab in JSON (yaml reads it, js-yaml lets more tabs through than yaml)', '{\n\t"a": 1\n}\n'],
  ['lone carriage return (a line break for js-yaml only)', 'a: 1\rb: 2\n'],
  ['indented --- (a marker for js-yaml only)', ' ---\na: 1\n'],
  ['key after a flow node ending a sequence item (an error in yaml)', 'a:\n- {x: 1}c: 1\n'],
  ['quoted key over two lines (an error in yaml)', '{"a\n b": 1}\n'],
  ['implicit key over 1024 characters (an error in yaml)', `${'k'.repeat(1025)}: 1\n`],
  ['block scalar with an indentation indicator (yaml drops a trailing more-indented line)', 'a: |2-\n   x\n   \nb: 1\n'],
  ['directive', '%YAML 1.2\n---\na: 1\n'],
  ['block mapping on the --- line (an error in yaml)', '--- a: 1\n'],
  ['nested mapping on one line (an error)', 'a: b: c\n'],
  ['bad indentation (an error)', 'a: 1\n b: 2\n'],
  ['comment touching a quoted scalar (an error)', 'a: "x"#c\n'],
  ['flow collection not indented enough (an error)', 'x:\n  a: [\n  1]\n'],
  ['unterminated flow collection', '{"a": 1\n'],
  ['a scalar document', 'hello\n'],
  ['a sequence document', '- a\n'],
  ['nesting deeper than js-yaml allows (100)', `a: ${'['.repeat(101)}${']'.repeat(101)}\n`],
];

for (const [name, text] of handedCases) {
  test(`handed to yaml: ${name}`, () => {
    assert.equal(readWithJsYaml(text, 1).kind, 'unsupported');
  });
}

test('empty documents: only comments and blank lines', () => {
  for (const text of ['', '\n', '# c\n\n  # d\n', '---\n', '--- # c\n']) assert.deepEqual(readWithJsYaml(text, 1), { kind: 'empty' });
});

test('document line: the line of its first content, counted from firstLine', () => {
  assert.deepEqual(readWithJsYaml('---\n# c\n\na: 1\n', 10), { kind: 'value', value: { a: 1 }, line: 13 });
});

/** Lines of a List's items, and the line maps `yaml` reads from each item's own text. */
function itemLines(text: string): Array<[number, Array<[string, number]>]> | undefined {
  const r = readWithJsYaml(text, 1);
  assert.equal(r.kind, 'value');
  return r.kind === 'value' ? r.items?.map((s) => [s.line, [...(s.read?.lines ?? readItemWithYaml(itemText(text, s), s.firstLine)?.lines ?? [])]]) : undefined;
}

test('items of a root `items` sequence: their lines and their own text, block', () => {
  const text = 'kind: List\nitems:\n- a: 1\n-\n  # c\n  b: 2\n  c: [x,\n    y]\n# after\nmetadata: {}\n';
  assert.deepEqual(itemLines(text), [[3, [['a', 3]]], [6, [['b', 6], ['c', 7], ['c[0]', 7], ['c[1]', 8]]]]);
});

test('items of a root `items` sequence: their lines and their own text, flow (JSON, pairs, the last one up to the `]`)', () => {
  const json = '{"kind": "List",\n "items": [\n  {"a": 1},\n  {"b": [\n   2]}  ],\n "x": {}}\n';
  assert.deepEqual(itemLines(json), [[3, [['a', 3]]], [4, [['b', 4], ['b[0]', 5]]]]);
  const pairs = '{kind: List, items: [a: 1, b: {c: 2}\n]}\n';
  assert.deepEqual(itemLines(pairs), [[1, [['a', 1]]], [1, [['b', 1], ['b.c', 1]]]]);
});

test('an item with an anchor or tag is read by yaml alone; the others stay with js-yaml', () => {
  const text = 'kind: List\nitems:\n- a: &x 1\n  b: *x\n- !!map\n  c: 2\n- d: 3\n';
  const r = readWithJsYaml(text, 1);
  assert.equal(r.kind, 'value');
  if (r.kind !== 'value') return;
  assert.deepEqual(r.value, { kind: 'List', items: [{ a: 1, b: 1 }, { c: 2 }, { d: 3 }] });
  assert.deepEqual(r.items?.map((s) => [s.line, s.read === undefined, itemText(text, s)]), [[3, false, '- a: &x 1\n  b: *x\n'], [6, false, '- !!map\n  c: 2\n'], [7, true, '- d: 3\n']]);
  assert.deepEqual([...(r.items?.[0]?.read?.lines ?? [])], [['a', 3], ['b', 4]]);
});

test('an alias to another item, or an item that is not a mapping: the whole List goes to yaml', () => {
  assert.equal(readWithJsYaml('kind: List\nitems:\n- a: &x 1\n- b: *x\n', 1).kind, 'unsupported');
  assert.equal(readWithJsYaml('kind: List\nitems:\n- a: 1\n- 42\n', 1).kind, 'unsupported');
});

// --- properties ---

const word = fc.constantFrom('a', 'app', 'web-1', 'x:y', 'k8s.io/name', "it's", 'é', '1', 'true', 'a b', '#c', '- x', 'null', '0x1F', '10.0.0.0/8', '::/0', ':8080', '?q', '-v', '', ' a', 'a ', '"q"', '[x]', '{y}', 'a\nb', 'a\tb', '|', '>', '*a', '&a', '!t', '%p', '@x', '---', '...', 'items');
const str = fc.oneof(word, fc.array(word, { minLength: 2, maxLength: 12 }).map((w) => w.join(' ')), fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join('\n')), fc.string({ maxLength: 10 }));
const scalar = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(word, tie('value'), { maxKeys: 4 }),
}));
const root = fc.oneof(fc.dictionary(word, value, { minKeys: 1, maxKeys: 5 }), fc.record({ kind: fc.constant('List'), items: fc.array(fc.dictionary(word, value, { maxKeys: 3 }), { maxLength: 3 }) }));
const STYLES: ToStringOptions[] = [
  {}, { lineWidth: 20, minContentWidth: 0 }, { indentSeq: false }, { collectionStyle: 'flow' }, { defaultStringType: 'QUOTE_DOUBLE' },
  { defaultStringType: 'QUOTE_SINGLE' }, { defaultStringType: 'BLOCK_LITERAL' }, { defaultStringType: 'BLOCK_FOLDED', lineWidth: 15, minContentWidth: 0 }, { indent: 4 },
];
const rendered = fc.tuple(root, fc.nat(STYLES.length + 2)).map(([v, s]) => {
  if (s < STYLES.length) return stringify(v, STYLES[s]);
  return s === STYLES.length ? JSON.stringify(v) : JSON.stringify(v, null, s === STYLES.length + 1 ? 2 : '\t');
});
const EDITS = [' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '\t', 'a', '1', '?', '&', '*', '!', '\\', '.', '  ', '\n  ', ': ', '- ', '|-', '>-', '|2', '\r', '~'];
const mutated = mutatedText(rendered, EDITS, 4);
/** One document: no `---`/`...` lines or directives, which parse-text.ts handles before this reader. */
const oneDocument = (text: string): boolean => !/(^|\n)(---|\.\.\.)([ \t\r\n]|$)|(^|\n)%/.test(text);

function sameAsYaml(text: string): void {
  const r = readWithJsYaml(text, 1);
  if (r.kind === 'unsupported') return;
  if (r.kind === 'empty') {
    const docs = parseAllDocuments(text);
    assert.ok(Array.isArray(docs) && docs.every((d) => d.errors.length === 0 && d.toJS() === null), JSON.stringify(text));
    return;
  }
  const y = yamlValue(text);
  assert.ok(y !== undefined, `read what yaml rejects: ${JSON.stringify(text)}`);
  assert.deepEqual(r.value, y.value, JSON.stringify(text));
}

test('property: text yaml writes reads back as yaml reads it', () => {
  fc.assert(fc.property(rendered.filter(oneDocument), sameAsYaml), { numRuns: 600 });
});

test('property: on mutated text, whatever js-yaml reads, yaml reads the same without error', () => {
  fc.assert(fc.property(mutated.filter(oneDocument), sameAsYaml), { numRuns: 3000 });
});

test('property: plain manifests and Lists of them always stay with js-yaml', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  const plain = fc.oneof(name, fc.integer({ min: 0, max: 65535 }), fc.constantFrom('10.0.0.0/8', '::/0', 'TCP', 'In', 'app.kubernetes.io/name'));
  const manifest = fc.record({
    apiVersion: fc.constantFrom('v1', 'networking.k8s.io/v1'), kind: fc.constantFrom('Pod', 'NetworkPolicy'),
    metadata: fc.record({ name, namespace: name, labels: fc.dictionary(name, name, { maxKeys: 3 }) }),
    spec: fc.dictionary(name, fc.oneof(plain, fc.array(fc.dictionary(name, plain, { maxKeys: 3 }), { maxLength: 3 })), { maxKeys: 4 }),
  });
  const doc = fc.oneof(manifest, fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(manifest, { maxLength: 3 }) }));
  fc.assert(fc.property(doc, fc.nat(STYLES.length), (m, s) => {
    const text = s < STYLES.length ? stringify(m, STYLES[s]) : JSON.stringify(m, null, 2);
    assert.deepEqual(jsYamlValue(text), JSON.parse(JSON.stringify(m)));
  }), { numRuns: 300 });
});
