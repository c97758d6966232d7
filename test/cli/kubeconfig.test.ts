// End-to-end: `palisade kubeconfig` prints <home>/kubeconfig when `up` wrote one, and
// says palisade is not running (exit 1) otherwise (docs/cli.md "palisade kubeconfig").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, runPalisade } from './run-palisade.ts';

test('kubeconfig: prints the path under --home when it exists, exit 0', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'palisade-kc-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  const r = await runPalisade(['kubeconfig', '--home', home]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${join(home, 'kubeconfig')}\n`, '']);
});

test('kubeconfig: not running → exit 1 with the hint, nothing on stdout', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'palisade-kc-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const r = await runPalisade(['kubeconfig', '--home', home]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: palisade is not running \(no kubeconfig at .*\); start it with "palisade up -d"\n$/);
  assertNoStackTrace(r);
});
