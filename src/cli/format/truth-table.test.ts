// Golden output of every matrix format for one small table, and pod sorting.
// The table format is Kubernetes' e2e TruthTable.PrettyPrint
// (kubernetes/kubernetes test/e2e/network/netpol/truthtable.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCsv, renderDot, renderJson, renderMarkdown, renderTable, renderTruthTable, sortedTable } from './truth-table.ts';
import type { TruthTable } from './truth-table.ts';

// Pods given out of order; y/a accepts nothing but itself, x/b may not reach x/a.
const denied = new Set(['x/a>y/a', 'x/b>y/a', 'x/b>x/a']);
const raw: TruthTable = {
  port: 80,
  protocol: 'TCP',
  pods: ['y/a', 'x/b', 'x/a'],
  allowed(i, j) {
    return !denied.has(`${this.pods[i]}>${this.pods[j]}`);
  },
};
const table = sortedTable(raw);

test('sortedTable orders pods by key and keeps each cell with its pair', () => {
  assert.deepEqual(table.pods, ['x/a', 'x/b', 'y/a']);
  assert.equal(table.allowed(1, 0), false); // x/b -> x/a
  assert.equal(table.allowed(0, 1), true); // x/a -> x/b
  assert.throws(() => table.allowed(3, 0), RangeError);
});

test('table: Kubernetes e2e truth table', () => {
  assert.equal(renderTable(table), [
    '-\tx/a\tx/b\ty/a',
    'x/a\t.\t.\tX',
    'x/b\tX\t.\tX',
    'y/a\t.\t.\t.',
    '',
  ].join('\n'));
});

test('json: one compact line, pods sorted, numeric port stays a number', () => {
  assert.equal(renderJson(table),
    '{"port":80,"protocol":"TCP","pods":["x/a","x/b","y/a"],"allowed":{'
    + '"x/a":{"x/a":true,"x/b":true,"y/a":false},'
    + '"x/b":{"x/a":false,"x/b":true,"y/a":false},'
    + '"y/a":{"x/a":true,"x/b":true,"y/a":true}}}\n');
});

test('json: a named port stays a string', () => {
  const named = renderJson({ ...table, port: 'serve-80', allowed: table.allowed });
  assert.match(named, /^\{"port":"serve-80","protocol":"TCP",/);
});

test('csv: from\\to header, 1/0 cells, CRLF line ends', () => {
  assert.equal(renderCsv(table), 'from\\to,x/a,x/b,y/a\r\nx/a,1,1,0\r\nx/b,0,1,0\r\ny/a,1,1,1\r\n');
});

test('md: titled GitHub table with check marks', () => {
  assert.equal(renderMarkdown(table), [
    'Connectivity on TCP/80 (rows: from, columns: to)',
    '',
    '| from \\ to | x/a | x/b | y/a |',
    '|---|:-:|:-:|:-:|',
    '| x/a | ✓ | ✓ | ✗ |',
    '| x/b | ✗ | ✓ | ✗ |',
    '| y/a | ✓ | ✓ | ✓ |',
    '',
  ].join('\n'));
});

test('dot: namespace clusters, one edge per allowed pair, no self edges', () => {
  assert.equal(renderDot(table), [
    'digraph "TCP/80" {',
    '  node [shape=box];',
    '  subgraph "cluster_x" {',
    '    label="x";',
    '    "x/a" [label="a"];',
    '    "x/b" [label="b"];',
    '  }',
    '  subgraph "cluster_y" {',
    '    label="y";',
    '    "y/a" [label="a"];',
    '  }',
    '  "x/a" -> "x/b";',
    '  "y/a" -> "x/a";',
    '  "y/a" -> "x/b";',
    '}',
    '',
  ].join('\n'));
});

test('an empty table renders in every format', () => {
  const empty: TruthTable = { port: 80, protocol: 'UDP', pods: [], allowed: () => true };
  assert.equal(renderTruthTable(empty, 'table'), '-\n');
  assert.equal(renderTruthTable(empty, 'json'), '{"port":80,"protocol":"UDP","pods":[],"allowed":{}}\n');
  assert.equal(renderTruthTable(empty, 'csv'), 'from\\to\r\n');
  assert.equal(renderTruthTable(empty, 'dot'), 'digraph "UDP/80" {\n  node [shape=box];\n}\n');
});
