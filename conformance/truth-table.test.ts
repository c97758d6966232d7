// Tests for the e2e truth-table text format: parse, format, compare, and the mismatch report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTruthTables, describeMismatch, formatTruthTable, parseTruthTable, truthTableOf, TruthTableError } from './truth-table.ts';

// As printed by the e2e log in network_policy.go's header comment (trimmed to 3 pods).
const UPSTREAM_PRINT = '-\tx/a\tx/b\tx/c\nx/a\tX\t.\t.\nx/b\tX\t.\t.\nx/c\tX\t.\t.';

test('parses the tab-separated upstream print and formats it back byte for byte', () => {
  const t = parseTruthTable(UPSTREAM_PRINT);
  assert.deepEqual(t.pods, ['x/a', 'x/b', 'x/c']);
  assert.deepEqual(t.cells, [[false, true, true], [false, true, true], [false, true, true]]);
  assert.equal(formatTruthTable(t), UPSTREAM_PRINT);
});

test('accepts spaces, indentation and blank lines (tables pasted into source)', () => {
  const t = parseTruthTable(`
      -    x/a  x/b
      x/a  .    X

      x/b  .    .
  `);
  assert.deepEqual(t.cells, [[true, false], [true, true]]);
});

const bad: Array<[string, string, RegExp]> = [
  ['empty', '  \n ', /empty table/],
  ['header without dash', 'x/a x/b\nx/a . .\nx/b . .', /header must start with "-"/],
  ['duplicate pod', '- x/a x/a\nx/a . .\nx/a . .', /appears twice/],
  ['missing row', '- x/a x/b\nx/a . .', /expected 2 rows/],
  ['row out of order', '- x/a x/b\nx/b . .\nx/a . .', /row 1 must be "x\/a"/],
  ['short row', '- x/a x/b\nx/a .\nx/b . .', /has 1 cells, expected 2/],
  ['unknown mark', '- x/a x/b\nx/a . ?\nx/b . .', /cell x\/a -> x\/b is "\?"/],
];
for (const [name, text, message] of bad) {
  test(`rejects a malformed table: ${name}`, () => {
    assert.throws(() => parseTruthTable(text), (e: unknown) => e instanceof TruthTableError && message.test(e.message));
  });
}

test('compare lists differing cells and can ignore loopback', () => {
  const expected = parseTruthTable('- a/a a/b\na/a X .\na/b X .');
  const actual = truthTableOf(['a/a', 'a/b'], () => true);
  assert.deepEqual(compareTruthTables(expected, actual, { ignoreLoopback: true }), [{ from: 'a/b', to: 'a/a', expected: false, actual: true }]);
  assert.equal(compareTruthTables(expected, actual, { ignoreLoopback: false }).length, 2);
  assert.throws(() => compareTruthTables(expected, truthTableOf(['a/b', 'a/a'], () => true), { ignoreLoopback: true }), TruthTableError);
});

test('the mismatch report shows the comparison grid and names each wrong cell', () => {
  const expected = parseTruthTable('- a/a a/b\na/a X .\na/b X .');
  const actual = truthTableOf(['a/a', 'a/b'], () => true);
  const report = describeMismatch(expected, actual, { ignoreLoopback: true });
  assert.match(report, /^1 cell\(s\) differ/);
  assert.match(report, /comparison:\n-\ta\/a\ta\/b\na\/a\t~\t\.\na\/b\tX\t~/);
  assert.match(report, /a\/b -> a\/a: expected blocked \(X\), observed connected \(\.\)/);
  assert.equal(describeMismatch(expected, expected, { ignoreLoopback: false }), 'tables agree');
});
