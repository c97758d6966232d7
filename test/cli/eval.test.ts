// End-to-end: `palisade eval` on the seed walkthrough (seed 000: the unlabelled client is
// denied by demo-policy) and the x/y/z model (docs/cli.md "eval").
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade eval (end-to-end)', { concurrency: 4 }, () => {
  const demo = ['-f', fixture('demo')];

  test('walkthrough: the unlabelled client is denied at the server, exit 1', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/client', '--to', 'demo/server', '--port', '80']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'DENIED demo/client -> demo/server TCP/80');
    assert.equal(lines[1], 'egress (demo/client): allowed');
    assert.ok(lines.includes('ingress (demo/server): denied'), r.stdout);
    assert.match(r.stdout, /^ {2}tier default: selected by NetworkPolicy demo\/demo-policy; no rule matched; denied by the tier default$/m);
  });

  test('the other way round nothing selects: ALLOWED, exit 0', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/server', '--to', 'demo/client', '--port', '80']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ALLOWED demo\/server -> demo\/client TCP\/80\n/);
  });

  test('allowed by a rule: the rule path, peer path and port path are shown', async () => {
    const r = await runPalisade(['eval', '-f', fixture('xyz/cluster.yaml'), '-f', fixture('xyz-allow-y'), '--from', 'y/a', '--to', 'x/b', '--port', '80']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ALLOWED y\/a -> x\/b TCP\/80\n/);
    assert.match(r.stdout, /^ {4}allow: NetworkPolicy x\/deny-ingress spec\.ingress\[0\] \(peer spec\.ingress\[0\]\.from\[0\]; port spec\.ingress\[0\]\.ports\[0\]\)$/m);
  });

  test('-o json prints the Verdict object', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/client', '--to', '10.224.0.72', '--port', 'serve-80', '-o', 'json']);
    assert.equal(r.code, 1);
    const v = JSON.parse(r.stdout) as { allowed: boolean; flow: unknown; ingress: { reason: string; endpoint: string }; egress: { reason: string } };
    assert.equal(v.allowed, false);
    assert.deepEqual(v.flow, { src: { kind: 'pod', pod: 'demo/client' }, dst: { kind: 'ip', ip: '10.224.0.72' }, protocol: 'TCP', port: 80 });
    assert.equal(v.ingress.reason, 'tier-default');
    assert.equal(v.ingress.endpoint, 'demo/server');
    assert.equal(v.egress.reason, 'not-selected');
  });

  test('-o yaml prints the same object as YAML', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/client', '--to', 'demo/server', '--port', '80', '-o', 'yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^flow:\n {2}src:\n {4}kind: pod\n {4}pod: demo\/client\n/);
    assert.match(r.stdout, /^allowed: false$/m);
  });

  test('named port resolves against the destination pod, the name is shown', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/client', '--to', 'demo/server', '--port', 'serve-80']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^DENIED demo\/client -> demo\/server TCP\/80 \(serve-80\)\n/);
  });

  test('--protocol is case-insensitive', async () => {
    const r = await runPalisade(['eval', ...demo, '--from', 'demo/client', '--to', 'demo/server', '--port', '80', '--protocol', 'udp']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^DENIED demo\/client -> demo\/server UDP\/80\n/);
  });

  const usageErrors: Array<{ name: string; args: string[]; stderr: string }> = [
    { name: 'named port the pod lacks', args: ['--from', 'demo/client', '--to', 'demo/server', '--port', 'serve-81'],
      stderr: 'error: --port serve-81: pod demo/server has no TCP container port named serve-81 (its named ports: serve-80=TCP/80)\n' },
    { name: 'named port with another protocol', args: ['--from', 'demo/client', '--to', 'demo/server', '--port', 'serve-80', '--protocol', 'UDP'],
      stderr: 'error: --port serve-80: pod demo/server has no UDP container port named serve-80 (it is TCP/80, not UDP)\n' },
    { name: 'named port towards an address outside the pods', args: ['--from', 'demo/client', '--to', '192.0.2.1', '--port', 'serve-80'],
      stderr: 'error: --port serve-80: a named port needs a destination pod to resolve against, and 192.0.2.1 is not a pod\n' },
    { name: 'unknown pod', args: ['--from', 'demo/nope', '--to', 'demo/server', '--port', '80'],
      stderr: 'error: --from demo/nope: no such pod in the input (pods in demo: client, server)\n' },
    { name: 'bad endpoint', args: ['--from', 'client', '--to', 'demo/server', '--port', '80'],
      stderr: 'error: --from "client": expected NAMESPACE/POD or an IP address\n' },
    { name: 'bad protocol', args: ['--from', 'demo/client', '--to', 'demo/server', '--port', '80', '--protocol', 'icmp'],
      stderr: 'error: --protocol "icmp": expected one of TCP, UDP, SCTP\n' },
    { name: 'port out of range', args: ['--from', 'demo/client', '--to', 'demo/server', '--port', '0'],
      stderr: 'error: --port 0: port numbers go from 1 to 65535\n' },
  ];
  for (const c of usageErrors) {
    test(`usage error, exit 2: ${c.name}`, async () => {
      const r = await runPalisade(['eval', ...demo, ...c.args]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', c.stderr]);
    });
  }

  test('invalid input: problems, then one summary error, exit 2, nothing evaluated', async () => {
    const r = await runPalisade(['eval', ...demo, '-f', fixture('bad/invalid-policy.yaml'), '--from', 'demo/client', '--to', 'demo/server', '--port', '80']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^test\/cli\/fixtures\/bad\/invalid-policy\.yaml:10: demo\/bad-port: spec\.ingress\[0\]\.ports\[0\]\.port: /);
    assert.equal(lines.at(-1), 'error: 1 problem in the input; nothing evaluated');
    assertNoStackTrace(r);
  });

  test('-f - reads stdin, next to other -f paths', async () => {
    const cluster = readFileSync(join(ROOT, fixture('demo/cluster.yaml')), 'utf8');
    const r = await runPalisade(['eval', '-f', '-', fixture('demo/demo-policy.yaml'), '--from', 'demo/server', '--to', 'demo/client', '--port', '80'], cluster);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ALLOWED demo\/server -> demo\/client TCP\/80\n/);
  });

  test('warnings go to stderr and the verdict is still given', async () => {
    const r = await runPalisade(['eval', ...demo, '-f', fixture('warning'), '--from', 'demo/client', '--to', 'demo/server', '--port', '80']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^DENIED demo\/client -> demo\/server TCP\/80\n/);
    assert.match(r.stderr, /^test\/cli\/fixtures\/warning\/ignored-ingress\.yaml:12: demo\/egress-only: spec\.ingress: warning: /);
  });

  test('missing file: exit 2', async () => {
    const r = await runPalisade(['eval', '-f', 'missing.yaml', '--from', 'demo/client', '--to', 'demo/server', '--port', '80']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'missing.yaml: cannot read: no such file or directory\nerror: 1 problem in the input; nothing evaluated\n');
  });
});
