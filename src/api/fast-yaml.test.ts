// The fast reader against the `yaml` library, its reference: on the forms manifests use
// it must give `yaml`'s value (YAML 1.2.2, https://yaml.org/spec/1.2.2/, core schema
// 10.3), on everything else give up; and whatever it reads, `yaml` reads the same
// value without error (properties on generated and mutated text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ToStringOptions } from 'yaml';
import { parseAllDocuments, stringify } from 'yaml';
import { readFastDocument, readLines, resolvePlain } from './fast-yaml.ts';

/** `yaml`'s value of a one-document text, or undefined when it reports an error. */
function yamlValue(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const [doc] = docs;
  if (doc === undefined || doc.errors.length > 0) return undefined;
  return { value: doc.toJS({ maxAliasCount: 1000 }) };
}

function fastValue(text: string): unknown {
  const r = readFastDocument(text, 1);
  assert.equal(r.kind, 'value', `gave up on ${JSON.stringify(text)}`);
  return r.kind === 'value' ? r.value : undefined;
}

// Each case: text the reader must read, with the value `yaml` gives (checked against it too).
const readCases: Array<[string, string, unknown]> = [
  ['block mapping and nested mapping (spec 8.2.2)', 'a: 1\nb:\n  c: x\n', { a: 1, b: { c: 'x' } }],
  ['block sequence, indented and not (spec 8.2.1, example 8.22)', 'a:\n  - 1\n  - 2\nb:\n- x\n- y\n', { a: [1, 2], b: ['x', 'y'] }],
  ['compact nested sequence and mapping in items (example 8.15)', '- - a\n  - b\n- k: v\n  l: w\n-\n', [['a', 'b'], { k: 'v', l: 'w' }, null]],
  ['comments everywhere (spec 6.6)', '# head\na: 1 # one\n\n  # indented\nb: x#y\n', { a: 1, b: 'x#y' }],
  ['core schema scalars (spec 10.3.2)', 'a: ~\nb: Null\nc: true\nd: FALSE\ne: 0o17\nf: -12\ng: 0x1F\nh: .inf\ni: -.Inf\nj: 1.5e3\nk: .5\nl: 1_000\nm: 010\nn: +1\n', {
    a: null, b: null, c: true, d: false, e: 15, f: -12, g: 31, h: Infinity, i: -Infinity, j: 1500, k: 0.5, l: '1_000', m: 10, n: 1,
  }],
  ['plain scalars with indicators inside: CIDRs, ports, URLs', 'a: ::/0\nb: -1\nc: :8080\nd: http://x:80/y\ne: a, b [c] {d}\nf: ?q\n', { a: '::/0', b: -1, c: ':8080', d: 'http://x:80/y', e: 'a, b [c] {d}', f: '?q' }],
  ['NaN', 'a: .nan\n', { a: NaN }],
  ['quoted scalars and escapes (spec 7.3)', 'a: "x\\ty\\u00e9\\x41\\"\\\\\\/\\U0001F600"\nb: \'it\'\'s\'\n"c d": 1\n\'e\': 2\n', { a: 'x\ty\u00e9A"\\/\u{1F600}', b: "it's", 'c d': 1, e: 2 }],
  ['multi-line plain scalar folded (spec 7.3.3, example 7.12)', 'a: one\n  two\n\n  three\nb: x\n', { a: 'one two\nthree', b: 'x' }],
  ['literal block scalars, clip and strip (spec 8.1.2, 8.1.1.2)', 'a: |\n  x\n\n   y\n\nb: |-\n  z\n', { a: 'x\n\n y\n', b: 'z' }],
  ['folded block scalar (spec 8.1.3, example 8.10)', 'a: >\n  one\n  two\n\n  three\n    more\n  four\n', { a: 'one two\nthree\n  more\nfour\n' }],
  ['block scalar holding a comment sign and JSON', 'a: |\n  # not a comment\n  {"k": [1]}\nb: 1\n', { a: '# not a comment\n{"k": [1]}\n', b: 1 }],
  ['empty block scalar', 'a: |\nb: 1\n', { a: '', b: 1 }],
  ['flow collections (spec 7.4, 7.5)', 'a: {b: 1, "c": [x, "y", {}], d: []}\ne: [1, 2,]\n', { a: { b: 1, c: ['x', 'y', {}], d: [] }, e: [1, 2] }],
  ['JSON, pretty-printed', '{\n  "a": [\n    1,\n    {"b": null}\n  ],\n  "c": "d"\n}\n', { a: [1, { b: null }], c: 'd' }],
  ['JSON, tab-indented', '{\n\t"a": [\n\t\t1\n\t]\n}\n', { a: [1] }],
  ['JSON-like keys may touch their value in flow', '{"a":1,"b":"c"}', { a: 1, b: 'c' }],
  ['a key named __proto__ is an own property', '__proto__: 1\n', JSON.parse('{"__proto__": 1}')],
  ['directives-end marker and a comment after it', '--- # first\na: 1\n', { a: 1 }],
  ['mapping indented as a whole', '  a: 1\n  b: 2\n', { a: 1, b: 2 }],
];

for (const [name, text, expected] of readCases) {
  test(`reads like yaml: ${name}`, () => {
    assert.deepEqual(yamlValue(text), { value: expected }, 'the case itself must match yaml');
    assert.deepEqual(fastValue(text), expected);
  });
}

// Text the reader leaves to `yaml`: outside the subset, or errors `yaml` must word.
const giveUpCases: Array<[string, string]> = [
  ['anchor and alias', 'a: &x 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['merge key', 'a: {x: 1}\n<<: {y: 2}\n'],
  ['duplicate key (an error in yaml)', 'a: 1\na: 2\n'],
  ['duplicate key in flow', '{"a": 1, "a": 2}'],
  ['tab indentation', 'a:\n\tb: 1\n'],
  ['multi-line double-quoted scalar', 'a: "x\n  y"\n'],
  ['keep chomping', 'a: |+\n  x\n\n'],
  ['indentation indicator', 'a: |2\n   x\n'],
  ['explicit key', '? a\n: 1\n'],
  ['value on the --- line', '--- {a: 1}\n'],
  ['a scalar document', 'hello\n'],
  ['nested mapping on one line (an error)', 'a: b: c\n'],
  ['bad indentation (an error)', 'a: 1\n b: 2\n'],
  ['comment touching a quoted scalar (an error)', 'a: "x"#c\n'],
  ['flow collection not indented enough (an error)', 'x:\n  a: [\n  1]\n'],
  ['unterminated flow collection', '{"a": 1\n'],
  ['non-string key', '1: a\n'],
  ['implicit key over 1000 characters', `${'k'.repeat(1001)}: 1\n`],
  ['carriage return', 'a: 1\r\n'],
];

for (const [name, text] of giveUpCases) {
  test(`gives up: ${name}`, () => {
    assert.equal(readFastDocument(text, 1).kind, 'unsupported');
  });
}

test('empty documents: only comments and blank lines', () => {
  for (const text of ['', '\n', '# c\n\n  # d\n', '---\n', '--- # c\n']) assert.deepEqual(readFastDocument(text, 1), { kind: 'empty' });
});

test('document line: the line of its first content, counted from firstLine', () => {
  assert.deepEqual(readFastDocument('---\n# c\n\na: 1\n', 10), { kind: 'value', value: { a: 1 }, line: 13 });
});

test('items of a root `items` sequence are tracked with their lines, block and flow', () => {
  const block = readFastDocument('kind: List\nitems:\n- a: 1\n-\n  b: 2\n', 1);
  assert.equal(block.kind, 'value');
  assert.deepEqual(block.kind === 'value' ? block.items?.map((i) => i.line) : undefined, [3, 5]);
  const flow = readFastDocument('{"kind": "List",\n "items": [\n  {"a": 1},\n  {"b": 2}]}\n', 1);
  assert.deepEqual(flow.kind === 'value' ? flow.items?.map((i) => i.line) : undefined, [3, 4]);
});

test('an item the reader gives up on goes to the fallback; the others stay fast', () => {
  const seen: string[] = [];
  const r = readFastDocument('kind: List\nitems:\n- a: &x 1\n  b: *x\n- c: 2\n', 1, (text, firstLine) => {
    seen.push(text);
    return { value: { a: 1, b: 1 }, line: firstLine, lines: new Map([['a', firstLine]]) };
  });
  assert.deepEqual(seen, ['- a: &x 1\n  b: *x\n']);
  assert.deepEqual(r.kind === 'value' ? r.value : undefined, { kind: 'List', items: [{ a: 1, b: 1 }, { c: 2 }] });
  assert.deepEqual(r.kind === 'value' ? r.items?.map((i) => [i.line, i.at === undefined]) : undefined, [[3, true], [5, false]]);
});

test('readLines: field paths to lines, for a document and for one List item', () => {
  const text = 'kind: List\nitems:\n- metadata:\n    name: a\n    labels: {app.kubernetes.io/name: x}\n  spec:\n    ports: [80,\n      443]\n';
  const r = readFastDocument(text, 1);
  const at = r.kind === 'value' ? r.items?.[0]?.at : undefined;
  assert.ok(at !== undefined);
  assert.deepEqual([...(readLines(text, at) ?? [])], [
    ['metadata', 3], ['metadata.name', 4], ['metadata.labels', 5], ['metadata.labels[app.kubernetes.io/name]', 5], ['spec', 6], ['spec.ports', 7], ['spec.ports[0]', 7], ['spec.ports[1]', 8],
  ]);
  const lines = readLines(text, { kind: 'doc', pos: 0, line: 1, lineStart: 0, parent: -1 });
  assert.equal(lines?.get('items[0].metadata.name'), 4);
});

test('resolvePlain: strings that only look like numbers stay strings', () => {
  assert.deepEqual(['10.0.0.1', '1.2.3', '0x', '1e', '12:30', '1_0', 'nan', '+', '-'].map(resolvePlain), ['10.0.0.1', '1.2.3', '0x', '1e', '12:30', '1_0', 'nan', '+', '-']);
  assert.deepEqual(['0', '-0', '1.', '1e3', '0o7', '0xff', '12345678901234567890'].map(resolvePlain), [0, -0, 1, 1000, 7, 255, Number('12345678901234567890')]);
});

// --- properties ---

const word = fc.constantFrom('a', 'app', 'web-1', 'x:y', 'k8s.io/name', "it's", 'é', '1', 'true', 'a b', '#c', '- x', 'null', '0x1F', '10.0.0.0/8', '::/0', ':8080', '?q', '-v', '', ' a', 'a ', '"q"', '[x]', '{y}', 'a\nb', 'a\tb', '|', '>', '*a', '&a', '!t', '%p', '@x', '---', '...');
const str = fc.oneof(word, fc.array(word, { minLength: 2, maxLength: 12 }).map((w) => w.join(' ')), fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join('\n')), fc.string({ maxLength: 10 }));
const scalar = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(word, tie('value'), { maxKeys: 4 }),
}));
const root = fc.oneof(fc.dictionary(word, value, { minKeys: 1, maxKeys: 5 }), fc.array(value, { minLength: 1, maxLength: 4 }));
const STYLES: ToStringOptions[] = [
  {}, { lineWidth: 20, minContentWidth: 0 }, { indentSeq: false }, { collectionStyle: 'flow' }, { defaultStringType: 'QUOTE_DOUBLE' },
  { defaultStringType: 'QUOTE_SINGLE' }, { defaultStringType: 'BLOCK_LITERAL' }, { defaultStringType: 'BLOCK_FOLDED', lineWidth: 15, minContentWidth: 0 }, { indent: 4 },
];
const rendered = fc.tuple(root, fc.nat(STYLES.length + 2)).map(([v, s]) => {
  if (s < STYLES.length) return stringify(v, STYLES[s]);
  return s === STYLES.length ? JSON.stringify(v) : JSON.stringify(v, null, s === STYLES.length + 1 ? 2 : '\t');
});
const EDITS = [' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '\t', 'a', '1', '?', '&', '*', '!', '\\', '.', '  ', '\n  ', ': ', '- ', '|-', '>-', '\r'];
const mutated = fc.tuple(rendered, fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...EDITS)), { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
  let s = text;
  for (const [at, op, insert] of edits) {
    const i = at % (s.length + 1);
    s = op === 0 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + insert + s.slice(i);
  }
  return s;
});
/** One document: no `---`/`...` lines or directives, which parse-text.ts handles before this reader. */
const oneDocument = (text: string): boolean => !/(^|\n)(---|\.\.\.)([ \t\r\n]|$)|(^|\n)%/.test(text);

function sameAsYaml(text: string): void {
  const r = readFastDocument(text, 1);
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

test('property: on mutated text, whatever the reader reads, yaml reads the same without error', () => {
  fc.assert(fc.property(mutated.filter(oneDocument), sameAsYaml), { numRuns: 3000 });
});

test('property: plain manifests never make the reader give up', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  const plain = fc.oneof(name, fc.integer({ min: 0, max: 65535 }), fc.constantFrom('10.0.0.0/8', '::/0', 'TCP', 'In', 'app.kubernetes.io/name'));
  const manifest = fc.record({
    apiVersion: fc.constantFrom('v1', 'networking.k8s.io/v1'), kind: fc.constantFrom('Pod', 'NetworkPolicy'),
    metadata: fc.record({ name, namespace: name, labels: fc.dictionary(name, name, { maxKeys: 3 }) }),
    spec: fc.dictionary(name, fc.oneof(plain, fc.array(fc.dictionary(name, plain, { maxKeys: 3 }), { maxLength: 3 })), { maxKeys: 4 }),
  });
  fc.assert(fc.property(manifest, fc.nat(STYLES.length), (m, s) => {
    const text = s < STYLES.length ? stringify(m, STYLES[s]) : JSON.stringify(m, null, 2);
    assert.deepEqual(fastValue(text), JSON.parse(JSON.stringify(m)));
  }), { numRuns: 300 });
});
