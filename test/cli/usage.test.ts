// End-to-end: help, version, and usage errors of bin/palisade (docs/cli.md "Exit codes").
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade usage (end-to-end)', { concurrency: 4 }, () => {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  test('--help lists every command and the exit codes, exit 0', async () => {
    const r = await runPalisade(['--help']);
    assert.equal(r.code, 0);
    for (const cmd of ['validate', 'eval', 'matrix', 'explain', 'diff', 'version']) assert.match(r.stdout, new RegExp(`^  ${cmd}\\b`, 'm'));
    assert.match(r.stdout, /Exit codes/);
    assert.equal(r.stderr, '');
  });

  test('each command has --help with its flags', async () => {
    const r = await runPalisade(['matrix', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: palisade matrix \[options\]/);
    assert.match(r.stdout, /-o, --output <format>/);
    // Descriptions wrap at the help width (100 columns when not a terminal).
    assert.match(r.stdout, /choices: "table",\s+"json",\s+"csv",\s+"md",\s+"dot"/);
  });

  test('version and --version print the package version', async () => {
    const a = await runPalisade(['version']);
    assert.deepEqual([a.code, a.stdout, a.stderr], [0, `palisade ${version}\n`, '']);
    const b = await runPalisade(['--version']);
    assert.deepEqual([b.code, b.stdout], [0, `palisade ${version}\n`]);
    const c = await runPalisade(['version', '-o', 'json']);
    assert.deepEqual(JSON.parse(c.stdout), { version });
  });

  test('no command: help on stderr, exit 2', async () => {
    const r = await runPalisade([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: palisade/);
  });

  test('unknown command: error with a suggestion and a hint, exit 2', async () => {
    const r = await runPalisade(['evl']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: unknown command \'evl\'\n(Did you mean eval?)\n(run "palisade --help" for usage)\n');
  });

  test('unknown flag: exit 2, one error line and the hint', async () => {
    const r = await runPalisade(['validate', '-f', fixture('demo'), '--bogus']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: unknown option \'--bogus\'\n(run "palisade --help" for usage)\n');
  });

  test('missing -f: exit 2', async () => {
    const r = await runPalisade(['matrix']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: required option '-f, --filename <path\.\.\.>' not specified$/m);
    assertNoStackTrace(r);
  });

  test('bad -o value: exit 2 naming the choices', async () => {
    const r = await runPalisade(['matrix', '-f', fixture('demo'), '-o', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /argument 'xml' is invalid\. Allowed choices are table, json, csv, md, dot\./);
  });
});
