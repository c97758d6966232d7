// Calico selector grammar: upstream's table of matches/non-matches and bad selectors
// (projectcalico/calico libcalico-go/lib/selector/parser/parser_test.go: selectorTests,
// badSelectors, canonicalisationTests), error positions, and fast-check properties:
// print → parse is the identity on trees, and evaluation agrees with a reference
// evaluator written from upstream's ast.go node semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Labels } from '../../model/labels.ts';
import type { Selector } from '../../model/selector.ts';
import { matchSelector } from '../../engine/match-selector.ts';
import { parseCalicoSelector, printCalicoSelector } from './selector-parser.ts';

function parse(text: string): Selector {
  const r = parseCalicoSelector(text);
  if (!r.ok) throw new Error(`${text}: position ${r.error.position}: ${r.error.message}`);
  return r.selector;
}

type L = Record<string, string>;
// [selector, must match, must not match] — parser_test.go selectorTests.
const UPSTREAM: Array<[string, L[], L[]]> = [
  ['a == "b"', [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
  ['a == "b" && c == "d"', [{ a: 'b', c: 'd' }], [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }]],
  ['a == "b" || c == "d"', [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }], [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }]],
  [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
  ["a == 'a'", [{ a: 'a' }], [{ a: 'b' }, {}]],
  ['a != "b"', [{ a: 'a' }], []],
  ['a != "a"', [{}], [{ a: 'a' }]],
  ['a contains "a"', [{ a: 'a' }, { a: 'bab' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { b: 'aaa' }]],
  ['a starts with "a"', [{ a: 'a' }, { a: 'abb' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'baa' }, { b: 'aaa' }]],
  ['a ends with "a"', [{ a: 'a' }, { a: 'bba' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'aab' }, { b: 'aaa' }]],
  ['a in {"a"}', [{ a: 'a' }], [{ a: 'b' }]],
  ['!a in {"a"}', [{ a: 'b' }], []],
  ['a in {"a", "b"}', [{ a: 'a' }, { a: 'b' }], [{ a: 'c' }]],
  ['a not in {"d", "e"}', [{ a: 'a' }], []],
  ['a not in {"a"}', [], [{ a: 'a' }]],
  ['has(a)', [{ a: 'b' }], []],
  ['has(b)', [], [{ a: 'b' }]],
  ['!has(a)', [{ b: 'b' }], [{ a: 'b' }]],
  ['!!has(b)', [], [{ a: 'b' }]],
  ['! has(a)', [], [{ a: 'b' }]],
  ['!!! has(a)', [], [{ a: 'b' }]],
  ['!! ! has(a)', [], [{ a: 'b' }]],
  ['! !!has(a)', [], [{ a: 'b' }]],
  ['', [{}, { a: 'b' }], []],
  [' ', [{}], []],
  ['all()', [{}], []],
  [' all()', [{ a: 'b' }], []],
  ['global()', [{}], []],
  [' global()', [{ a: 'b' }], []],
  ["a == 'a1' && b == 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a == 'a1' && b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["a != 'a1' && !b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["!a == 'a1' && b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ['has(a) && !has(b)', [{ a: 'a' }], []],
  ['!(!has(a) || has(b))', [{ a: 'a' }], []],
  ['!(has(b) || !has(a))', [{ a: 'a' }], []],
  ["a == 'a1' || b != 'b1'", [{ a: 'a1', b: 'b1' }], []],
  ["a != 'a1' || b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  ["! a == 'a1' || ! b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
  // canonicalisationTests inputs: spacing and the glued `startswith`/`endswith`/`a!=`.
  ['! (has( b)||! has(a ))', [{ a: 'x' }], [{ b: 'x' }, {}]],
  [`a startswith '"'`, [{ a: '"x' }], [{ a: 'x' }]],
  [`a endswith "'"`, [{ a: "x'" }], [{ a: 'x' }]],
  [`a!='"'`, [{}, { a: 'x' }], [{ a: '"' }]],
  // Precedence: ! binds to one operation, && before || (parser.go parseOrExpression).
  ["a == 'x' || b == 'y' && c == 'z'", [{ a: 'x' }, { b: 'y', c: 'z' }], [{ b: 'y' }]],
  ["(a == 'x' || b == 'y') && c == 'z'", [{ a: 'x', c: 'z' }], [{ a: 'x' }]],
  ["!a == 'x' && has(b)", [{ b: '1' }], [{ a: 'x', b: '1' }, {}]],
  ['k/x.io-y_z == "v"', [{ 'k/x.io-y_z': 'v' }], [{}]],
  ["all == 'x'", [{ all: 'x' }], [{}]],
];

for (const [sel, yes, no] of UPSTREAM) {
  test(`calico selector ${JSON.stringify(sel)} (parser_test.go selectorTests)`, () => {
    const s = parse(sel);
    for (const l of yes) assert.ok(matchSelector(s, l), `should match ${JSON.stringify(l)}`);
    for (const l of no) assert.ok(!matchSelector(s, l), `should not match ${JSON.stringify(l)}`);
    // Upstream re-parses the canonical text and expects the same answers.
    const again = parse(printCalicoSelector(s));
    for (const l of [...yes, ...no]) assert.equal(matchSelector(again, l), matchSelector(s, l));
  });
}

// badSelectors of parser_test.go, with where the problem is (1-based) and what is said.
const BAD: Array<[string, number, RegExp]> = [
  ['b == b', 6, /expected a quoted string after '=='/],
  ['b contains b', 12, /quoted string after 'contains'/],
  ['b starts with b', 15, /quoted string after 'starts with'/],
  ['b ends with b', 13, /quoted string after 'ends with'/],
  ["'b1' == b", 1, /unexpected string "b1"/],
  ['b', 2, /expected an operator after label "b", found the end/],
  ['a b', 3, /expected an operator .* after label "a"/],
  ['!', 2, /unexpected end of selector/],
  ['foo == "bar" &', 14, /expected '&&'/],
  ['foo == "bar" |', 14, /expected '\|\|'/],
  ['foo != ||', 8, /quoted string after '!='/],
  ['foo in {"", ||', 13, /expected ',' or '}'|quoted string in the set/],
  ['foo in ""', 8, /expected '\{' after 'in'/],
  ['"FOO', 1, /unterminated string/],
  [`"FOO'`, 1, /unterminated string/],
  ["'FOO", 1, /unterminated string/],
  ['(', 2, /unexpected end of selector/],
  ['(a == "foo"', 12, /expected '\)' to close the '\(' at position 1/],
  [')', 1, /unexpected '\)'/],
  ['()', 2, /unexpected '\)'/],
  ['%', 1, /unexpected character "%"/],
  ['a == "b" && %', 13, /unexpected character "%"/],
  ['a == "b" || %', 13, /unexpected character "%"/],
  ['a ', 3, /expected an operator after label "a"/],
  ['has(foo) &&', 12, /unexpected end of selector/],
  ['has(foo', 8, /expected '\)' to close has\(/],
  ['has()', 5, /expected a label name in has/],
  ['a = "b"', 3, /expected '=='/],
  ['a == "b")', 9, /unexpected '\)' without a matching '\('/],
  ['a == "b" c == "d"', 10, /after a complete expression/],
  ['a not "x"', 7, /expected 'in' after 'not'/],
  ['all(x)', 5, /expected '\)' after all\(/],
];

for (const [sel, position, message] of BAD) {
  test(`calico selector rejects ${JSON.stringify(sel)} at position ${position} (parser_test.go badSelectors)`, () => {
    const r = parseCalicoSelector(sel);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.error.message, message);
    assert.equal(r.error.position, position, r.error.message);
  });
}

test('global() is flagged: alone it scopes to non-namespaced resources, inside an expression it evaluates as all()', () => {
  const alone = parseCalicoSelector(' global() ');
  assert.ok(alone.ok && alone.isGlobal && alone.usesGlobal);
  const inside = parseCalicoSelector("global() && a == 'b'");
  assert.ok(inside.ok && !inside.isGlobal && inside.usesGlobal);
});

// Reference evaluator, written from ast.go's Evaluate methods, over the parsed tree.
function reference(s: Selector, labels: Labels): boolean {
  const get = (k: string): string | undefined => (Object.hasOwn(labels, k) ? labels[k] : undefined);
  switch (s.op) {
    case 'all': return true;
    case 'none': return false;
    case 'and': return s.of.every((c) => reference(c, labels));
    case 'or': return s.of.some((c) => reference(c, labels));
    case 'not': return !reference(s.of, labels);
    case 'in': { const v = get(s.key); return v !== undefined && s.values.includes(v); }
    case 'notIn': { const v = get(s.key); return v === undefined || !s.values.includes(v); }
    case 'exists': return get(s.key) !== undefined;
    case 'notExists': return get(s.key) === undefined;
    case 'contains': { const v = get(s.key); return v !== undefined && v.includes(s.value); }
    case 'startsWith': { const v = get(s.key); return v !== undefined && v.startsWith(s.value); }
    case 'endsWith': { const v = get(s.key); return v !== undefined && v.endsWith(s.value); }
  }
}

const KEYS = ['a', 'b', 'app.kubernetes.io/name', 'x-y_z', 'in', 'all'];
const VALUES = ['', 'v', 'vw', 'w', "it's", 'say "hi"'];
const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);
const values = fc.uniqueArray(value, { maxLength: 3 });
const leaf: fc.Arbitrary<Selector> = fc.oneof(
  fc.constant<Selector>({ op: 'all' }),
  fc.record({ op: fc.constant('exists' as const), key }),
  fc.record({ op: fc.constant('notExists' as const), key }),
  fc.record({ op: fc.constantFrom('in' as const, 'notIn' as const), key, values }),
  fc.record({ op: fc.constantFrom('contains' as const, 'startsWith' as const, 'endsWith' as const), key, value }),
);
const tree = fc.letrec<{ s: Selector }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constant('not' as const), of: tie('s') }),
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), of: fc.array(tie('s'), { minLength: 2, maxLength: 3 }) }),
  ),
})).s;
const labels = fc.dictionary(key, value, { maxKeys: 4 });

test('property: parse(print(s)) is s for every selector tree', () => {
  fc.assert(fc.property(tree, (s) => {
    // fast-check records have a null prototype: compare as plain JSON.
    assert.deepEqual(parse(printCalicoSelector(s)), JSON.parse(JSON.stringify(s)));
  }), { numRuns: 500 });
});

test('property: the parsed selector agrees with the reference evaluator on random label maps', () => {
  fc.assert(fc.property(tree, labels, (s, l) => {
    const parsed = parse(printCalicoSelector(s));
    assert.equal(matchSelector(parsed, l), reference(s, l));
  }), { numRuns: 1000 });
});

test('property: whitespace between tokens does not change the meaning', () => {
  fc.assert(fc.property(tree, labels, (s, l) => {
    const spaced = printCalicoSelector(s).replace(/ (==|!=|&&|\|\|) /g, '\t$1  ').replace(/\(/g, '( ');
    assert.equal(matchSelector(parse(spaced), l), reference(s, l));
  }), { numRuns: 300 });
});
