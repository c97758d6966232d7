// End-to-end: `palisade diff` between the x/y/z model with x denying all ingress and the
// same model with x opened to namespace y on TCP/80 (docs/cli.md "diff").
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade diff (end-to-end)', { concurrency: 4 }, () => {
  const before = ['-f', fixture('xyz')];
  const after = ['--against', fixture('xyz/cluster.yaml'), fixture('xyz-allow-y')];
  const xPods = ['x/a', 'x/b', 'x/c'];
  const yPods = ['y/a', 'y/b', 'y/c'];

  test('TCP/80: y -> x becomes allowed, one line per flow with the reason, exit 1', async () => {
    const r = await runPalisade(['diff', ...before, ...after, '--port', '80']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    const expected = yPods.flatMap((s) => xPods.map((d) => `${s} -> ${d} TCP/80: denied -> allowed (ingress: `));
    assert.equal(lines.length, expected.length + 1, r.stdout);
    expected.forEach((prefix, i) => assert.ok(lines[i]?.startsWith(prefix), `${lines[i]} should start with ${prefix}`));
    assert.equal(lines.at(-1), '9 flows changed (checked TCP/80)');
  });

  test('no change on ports the new rule does not open: exit 0', async () => {
    const r = await runPalisade(['diff', ...before, ...after, '--port', '81', '--protocol', 'tcp']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'no changes (checked TCP/81)\n', '']);
  });

  test('identical inputs: no changes on every default port, exit 0', async () => {
    const r = await runPalisade(['diff', ...before, '--against', fixture('xyz')]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'no changes (checked TCP/80, TCP/81, UDP/80)\n');
  });

  test('default ports come from policies and container ports of both sides', async () => {
    const r = await runPalisade(['diff', ...before, ...after, '-o', 'json']);
    assert.equal(r.code, 1);
    const d = JSON.parse(r.stdout) as { queries: unknown; changes: Array<{ from: string; to: string; port: number; protocol: string; before: boolean; after: boolean; reason: string }>; podsAdded: string[]; podsRemoved: string[] };
    assert.deepEqual(d.queries, [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }]);
    assert.equal(d.changes.length, 9);
    assert.ok(d.changes.every((c) => c.port === 80 && c.protocol === 'TCP' && !c.before && c.after && c.reason.startsWith('ingress: ')));
    assert.deepEqual(d.changes.map((c) => `${c.from}>${c.to}`), yPods.flatMap((s) => xPods.map((t) => `${s}>${t}`)));
    assert.deepEqual([d.podsAdded, d.podsRemoved], [[], []]);
  });

  test('--protocol all checks each protocol of the given ports', async () => {
    const r = await runPalisade(['diff', ...before, ...after, '--port', '80', '--protocol', 'all', '-o', 'json']);
    const d = JSON.parse(r.stdout) as { queries: unknown };
    assert.deepEqual(d.queries, [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'SCTP' }]);
  });

  test('pods added and removed are listed, and count as changes', async () => {
    const r = await runPalisade(['diff', '-f', fixture('demo'), '--against', fixture('demo/demo-policy.yaml'), '--port', '80']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^pod removed: demo\/client$/m);
    assert.match(r.stdout, /^pod removed: demo\/server$/m);
  });

  const usageErrors: Array<{ name: string; args: string[]; stderr: RegExp }> = [
    { name: 'missing --against', args: [...before], stderr: /^error: required option '--against <path\.\.\.>' not specified$/m },
    { name: 'stdin twice', args: ['-f', '-', '--against', '-'], stderr: /^error: "-" \(stdin\) may be given only once\n$/ },
    { name: 'invalid new side', args: [...before, '--against', fixture('bad/invalid-policy.yaml')], stderr: /invalid-policy\.yaml:10: .*\nerror: 1 problem in the new input \(--against\); nothing evaluated\n$/ },
    { name: 'bad protocol', args: [...before, ...after, '--protocol', 'icmp'], stderr: /^error: --protocol "icmp": expected one of TCP, UDP, SCTP\n$/ },
  ];
  for (const c of usageErrors) {
    test(`usage error, exit 2: ${c.name}`, async () => {
      const r = await runPalisade(['diff', ...c.args]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, c.stderr);
      assertNoStackTrace(r);
    });
  }
});
