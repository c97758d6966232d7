// Golden tests of Go's text/tabwriter semantics as kubectl uses them (minwidth 6 / padding 3
// for get, padding 2 for describe): go/src/text/tabwriter/tabwriter.go, column blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESCRIBE_TABS, GET_TABS, alignTabs } from './tab-writer.ts';

const cases: ReadonlyArray<{ name: string; input: string; opts: typeof GET_TABS; want: string }> = [
  {
    name: 'kubectl get pods: columns padded to the widest cell + 3, the last column not padded',
    input: 'NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nclient\t1/1\tRunning\t0\t5s\n',
    opts: GET_TABS,
    want: 'NAME     READY   STATUS    RESTARTS   AGE\nclient   1/1     Running   0          5s\n',
  },
  {
    name: 'minimum width 6 for short cells',
    input: 'A\tB\nx\ty\n',
    opts: GET_TABS,
    want: 'A     B\nx     y\n',
  },
  {
    name: 'describe: a line without tabs ends the column block',
    input: 'Name:\tp\nAnnotations:\t<none>\nSpec:\n  PodSelector:\tx\n',
    opts: DESCRIBE_TABS,
    want: 'Name:         p\nAnnotations:  <none>\nSpec:\n  PodSelector:  x\n',
  },
  {
    name: 'continuation lines (empty first cell) stay in the block',
    input: 'Labels:\ta=1\n\tb=2\nName:\tn\n',
    opts: DESCRIBE_TABS,
    want: 'Labels:  a=1\n         b=2\nName:    n\n',
  },
  {
    name: 'cells are measured in characters, not bytes',
    input: 'é\tx\nab\ty\n',
    opts: DESCRIBE_TABS,
    want: 'é   x\nab  y\n',
  },
];

for (const c of cases) {
  test(c.name, () => assert.equal(alignTabs(c.input, c.opts), c.want));
}
