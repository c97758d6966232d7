// End-to-end: `palisade validate` on good, broken and missing inputs (docs/cli.md "validate").
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade validate (end-to-end)', { concurrency: 4 }, () => {
  test('valid demo: one summary line, exit 0', async () => {
    const r = await runPalisade(['validate', '-f', fixture('demo')]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '4 objects valid\n', '']);
  });

  test('several -f and directories add up', async () => {
    const r = await runPalisade(['validate', '-f', fixture('xyz/cluster.yaml'), fixture('xyz/deny-x.yaml'), '-f', fixture('demo')]);
    assert.deepEqual([r.code, r.stdout], [0, '17 objects valid\n']);
  });

  test('stdin via -f -', async () => {
    const text = readFileSync(join(ROOT, fixture('demo/demo-policy.yaml')), 'utf8');
    const r = await runPalisade(['validate', '-f', '-'], text);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '1 object valid\n', '']);
  });

  test('warnings are printed on stderr but do not fail', async () => {
    const r = await runPalisade(['validate', '-f', fixture('demo'), '-f', fixture('warning')]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '5 objects valid (1 warning)\n');
    assert.equal(r.stderr, 'test/cli/fixtures/warning/ignored-ingress.yaml:12: demo/egress-only: spec.ingress: warning: ignored: spec.policyTypes does not include Ingress\n');
  });

  test('YAML syntax error names file and line, exit 1', async () => {
    const r = await runPalisade(['validate', '-f', fixture('bad/syntax.yaml')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^test\/cli\/fixtures\/bad\/syntax\.yaml:\d+: YAML syntax error: /);
    assert.match(lines.at(-1) ?? '', /^error: 1 problem in \d+ objects?$/);
    assertNoStackTrace(r);
  });

  test('invalid policy: the line names file, line, object and field path, exit 1', async () => {
    const r = await runPalisade(['validate', '-f', fixture('bad/invalid-policy.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^test\/cli\/fixtures\/bad\/invalid-policy\.yaml:10: demo\/bad-port: spec\.ingress\[0\]\.ports\[0\]\.port: .*70000/m);
    assertNoStackTrace(r);
  });

  test('every problem of every file is reported, not just the first', async () => {
    const r = await runPalisade(['validate', '-f', fixture('bad'), '-f', 'no-such-file.yaml', '-f', fixture('demo')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /syntax\.yaml:\d+: YAML syntax error/);
    assert.match(r.stderr, /invalid-policy\.yaml:10: demo\/bad-port: /);
    assert.match(r.stderr, /^no-such-file\.yaml: cannot read: no such file or directory$/m);
    assert.match(r.stderr, /^error: 3 problems in \d+ objects$/m);
  });
});
