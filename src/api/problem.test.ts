// formatProblem renders every part that is present, in a fixed order; InputError carries problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, formatProblem } from './problem.ts';

const cases: Array<[string, Parameters<typeof formatProblem>[0], string]> = [
  ['all parts', { source: 'policy.yaml', line: 12, object: 'demo/p', path: 'spec.ingress[0].ports[0].endPort', message: 'must be >= port (8080)', severity: 'error' },
    'policy.yaml:12: demo/p: spec.ingress[0].ports[0].endPort: must be >= port (8080)'],
  ['no line', { source: '<stdin>', object: '#3', message: 'bad', severity: 'error' }, '<stdin>: #3: bad'],
  ['message only', { message: 'bad', severity: 'error' }, 'bad'],
  ['warning', { source: 'a.yaml', line: 1, message: 'ignored', severity: 'warning' }, 'a.yaml:1: warning: ignored'],
];
for (const [name, p, expected] of cases) test(`formatProblem: ${name}`, () => assert.equal(formatProblem(p), expected));

test('InputError carries its problems and lists the errors in its message', () => {
  const problems = [
    { source: 'a.yaml', line: 1, message: 'one', severity: 'error' as const },
    { source: 'a.yaml', line: 2, message: 'two', severity: 'error' as const },
  ];
  const e = new InputError(problems);
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'InputError');
  assert.equal(e.problems, problems);
  assert.equal(e.message, '2 problems in the input:\na.yaml:1: one\na.yaml:2: two');
  assert.equal(new InputError([problems[0]!]).message, 'a.yaml:1: one');
});
