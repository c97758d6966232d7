// `label` semantics and messages of kubectl (k8s.io/kubectl/pkg/cmd/label/label.go:
// validateNoOverwrites, updateDataChangeMsg, "label %q not found.").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../cli-error.ts';
import { applyLabelChanges, parseLabelArgs } from './label-changes.ts';

test('k=v sets, k- removes; a bad spec or nothing to do is an error', () => {
  assert.deepEqual(parseLabelArgs(['app=client', 'old-']), { set: [['app', 'client']], remove: ['old'] });
  assert.throws(() => parseLabelArgs(['a=b=c']), /invalid label spec: a=b=c/);
  assert.throws(() => parseLabelArgs(['a=1', 'a-']), /can not both modify and remove/);
});

const cases = [
  { name: 'a new label: labeled', current: {}, args: ['app=client'], overwrite: false, message: 'labeled', patch: { app: 'client' } },
  { name: 'the same value again: not labeled, nothing sent', current: { app: 'client' }, args: ['app=client'], overwrite: false, message: 'not labeled', patch: {} },
  { name: 'a removal without --overwrite: unlabeled', current: { app: 'client' }, args: ['app-'], overwrite: false, message: 'unlabeled', patch: { app: null } },
  { name: 'a change with --overwrite: labeled', current: { app: 'x' }, args: ['app=client'], overwrite: true, message: 'labeled', patch: { app: 'client' } },
] as const;

for (const c of cases) {
  test(c.name, () => {
    const r = applyLabelChanges(c.current, parseLabelArgs(c.args), c.overwrite);
    assert.equal(r.message, c.message);
    assert.deepEqual(r.patch, c.patch);
  });
}

test('changing a value without --overwrite: kubectl\'s error, exit 1', () => {
  assert.throws(() => applyLabelChanges({ app: 'x' }, parseLabelArgs(['app=client']), false),
    (e: unknown) => e instanceof CliError && e.exitCode === 1 && e.message === "'app' already has a value (x), and --overwrite is false");
});

test('removing a label that is not there is reported, not an error', () => {
  assert.deepEqual(applyLabelChanges({}, parseLabelArgs(['gone-']), false).notFound, ['gone']);
});
