// Golden tests of `get`'s table printing from a meta.k8s.io/v1 Table (kubectl's
// k8s.io/cli-runtime/pkg/printers/tableprinter.go: upper-cased headers, priority>0 columns
// only with -o wide, NAMESPACE first with -A).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeTables, renderResourceTable } from './resource-table.ts';
import type { WireTable } from './resource-table.ts';

const pods: WireTable = {
  columnDefinitions: [
    { name: 'Name', priority: 0 }, { name: 'Ready', priority: 0 }, { name: 'Status', priority: 0 }, { name: 'Restarts', priority: 0 },
    { name: 'Age', priority: 0 }, { name: 'IP', priority: 1 }, { name: 'Node', priority: 1 }, { name: 'Nominated Node', priority: 1 },
    { name: 'Readiness Gates', priority: 1 },
  ],
  rows: [
    { cells: ['server', '1/1', 'Running', 0, '30s', '10.224.0.72', 'akswin22000001', '<none>', '<none>'], object: { metadata: { namespace: 'demo' } } },
  ],
};

test('default: priority-0 columns only (seed 000 "kubectl get pod")', () => {
  assert.equal(renderResourceTable(pods, { wide: false, withNamespace: false }), [
    'NAME     READY   STATUS    RESTARTS   AGE',
    'server   1/1     Running   0          30s',
    '',
  ].join('\n'));
});

test('-o wide: the exact layout of seed 000 "kubectl get pod --output=wide -n demo"', () => {
  assert.equal(renderResourceTable(pods, { wide: true, withNamespace: false }), [
    'NAME     READY   STATUS    RESTARTS   AGE   IP            NODE             NOMINATED NODE   READINESS GATES',
    'server   1/1     Running   0          30s   10.224.0.72   akswin22000001   <none>           <none>',
    '',
  ].join('\n'));
});

test('-A: NAMESPACE from the row object first; --no-headers; null cells as <none>', () => {
  const t: WireTable = { columnDefinitions: [{ name: 'Name' }, { name: 'Pod-Selector' }], rows: [{ cells: ['p', null], object: { metadata: { namespace: 'x' } } }] };
  assert.equal(renderResourceTable(t, { wide: false, withNamespace: true }), 'NAMESPACE   NAME   POD-SELECTOR\nx           p      <none>\n');
  assert.equal(renderResourceTable(t, { wide: false, withNamespace: false, noHeaders: true }), 'p     <none>\n');
});

test('mergeTables joins the rows of several answers under the first header', () => {
  const m = mergeTables([pods, pods]);
  assert.equal(m?.rows.length, 2);
  assert.equal(mergeTables([]), undefined);
});
