// runCli in-process: exit codes and messages per kind of error, and progress drawn only
// on a terminal. The end-to-end behaviour of each command is in test/cli/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InputError } from '../api/problem.ts';
import { EngineError } from '../engine/engine-error.ts';
import { CliError } from './cli-error.ts';
import type { CliIo } from './cli-io.ts';
import { reportError, runCli } from './run-cli.ts';
import { CLI_WIRING } from '../main/cli-wiring.ts';

interface Captured { io: CliIo; out: () => string; err: () => string }

function capture(stderrIsTTY = false): Captured {
  const sink = (isTTY: boolean): Writable & { isTTY: boolean; text: string } => {
    const w = Object.assign(new Writable({ write(chunk: Buffer, _e, cb) { w.text += chunk.toString(); cb(); } }), { isTTY, text: '' });
    return w;
  };
  const stdout = sink(false);
  const stderr = sink(stderrIsTTY);
  return { io: { stdout, stderr, stdin: Readable.from([]), env: {} }, out: () => stdout.text, err: () => stderr.text };
}

const xyz = fileURLToPath(new URL('../../test/cli/fixtures/xyz', import.meta.url));

const errorCases: Array<{ name: string; error: unknown; code: number; stderr: string | RegExp }> = [
  { name: 'CliError: one error line, its own code', error: new CliError('--port x: bad', 2), code: 2, stderr: 'error: --port x: bad\n' },
  { name: 'EngineError: user input the engine cannot judge', error: new EngineError('unknown pod x/q as flow source'), code: 2, stderr: 'error: unknown pod x/q as flow source\n' },
  {
    name: 'InputError: one line per problem',
    error: new InputError([{ source: 'a.yaml', line: 3, object: 'x/p', path: 'spec', message: 'bad', severity: 'error' }]),
    code: 2, stderr: 'a.yaml:3: x/p: spec: bad\n',
  },
  { name: 'anything else is a bug: internal error header and the stack', error: new TypeError('x is undefined'), code: 3, stderr: /^internal error: this is a bug in palisade, please report it with the command you ran\nTypeError: x is undefined\n\s+at / },
];
for (const c of errorCases) {
  test(`reportError: ${c.name}`, () => {
    const cap = capture();
    assert.equal(reportError(c.error, cap.io), c.code);
    if (typeof c.stderr === 'string') assert.equal(cap.err(), c.stderr);
    else assert.match(cap.err(), c.stderr);
    assert.equal(cap.out(), '');
  });
}

test('runCli returns the command\'s exit code and never throws on bad usage', async () => {
  const cap = capture();
  assert.equal(await runCli(['eval', '-f', xyz, '--from', 'x/a', '--to', 'x/b', '--port', '80'], cap.io, CLI_WIRING), 1);
  assert.match(cap.out(), /^DENIED x\/a -> x\/b TCP\/80\n/);
  const bad = capture();
  assert.equal(await runCli(['nope'], bad.io, CLI_WIRING), 2);
});

test('matrix draws progress on a terminal stderr and erases it', async () => {
  const cap = capture(true);
  assert.equal(await runCli(['matrix', '-f', xyz, '-o', 'csv'], cap.io, CLI_WIRING), 0);
  // ESC [ K erases the line; shown as <EL> so the patterns stay printable.
  const err = cap.err().replaceAll('\x1b[K', '<EL>');
  assert.match(err, /^\r<EL>matrix TCP\/80: 0\/\d+ \(0%\)/);
  assert.match(err, /\r<EL>matrix TCP\/80: (\d+)\/\1 \(100%\)\r<EL>$/);
  assert.match(cap.out(), /^from\\to,x\/a,/);
});

test('matrix is quiet on a non-terminal stderr', async () => {
  const cap = capture(false);
  assert.equal(await runCli(['matrix', '-f', xyz], cap.io, CLI_WIRING), 0);
  assert.equal(cap.err(), '');
});
