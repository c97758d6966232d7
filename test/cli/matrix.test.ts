// End-to-end: `palisade matrix` in every output format on the x/y/z model of the
// Kubernetes e2e tests with a default-deny-ingress policy in x (test/e2e/network/netpol,
// "should support a 'default-deny-ingress' policy"), and on the seed walkthrough.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade matrix (end-to-end)', { concurrency: 4 }, () => {
  const xyz = ['-f', fixture('xyz')];

  test('table (default): Kubernetes e2e truth table, x isolated for ingress, loopback allowed', async () => {
    const r = await runPalisade(['matrix', ...xyz]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, [
      '-\tx/a\tx/b\tx/c\ty/a\ty/b\ty/c\tz/a\tz/b\tz/c',
      'x/a\t.\tX\tX\t.\t.\t.\t.\t.\t.',
      'x/b\tX\t.\tX\t.\t.\t.\t.\t.\t.',
      'x/c\tX\tX\t.\t.\t.\t.\t.\t.\t.',
      'y/a\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      'y/b\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      'y/c\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      'z/a\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      'z/b\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      'z/c\tX\tX\tX\t.\t.\t.\t.\t.\t.',
      '',
    ].join('\n'));
  });

  test('json: the exact one-line contract, -n limits the pods', async () => {
    const r = await runPalisade(['matrix', ...xyz, '-n', 'y,x', '-o', 'json']);
    assert.equal(r.code, 0);
    const pods = ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c'];
    // Into x only loopback; y is open to everyone.
    const rows = pods.map((from) => `"${from}":{${pods.map((to) => `"${to}":${to === from || to.startsWith('y/')}`).join(',')}}`).join(',');
    assert.equal(r.stdout, `{"port":80,"protocol":"TCP","pods":["x/a","x/b","x/c","y/a","y/b","y/c"],"allowed":{${rows}}}\n`);
  });

  test('json: a named port is kept as given, resolved per destination pod', async () => {
    const r = await runPalisade(['matrix', '-f', fixture('xyz/cluster.yaml'), '-f', fixture('xyz-allow-y'), '-n', 'x,y', '--port', 'serve-80-tcp', '-o', 'json']);
    assert.equal(r.code, 0);
    const m = JSON.parse(r.stdout) as { port: unknown; allowed: Record<string, Record<string, boolean>> };
    assert.equal(m.port, 'serve-80-tcp');
    assert.equal(m.allowed['y/a']?.['x/b'], true); // opened to y on port 80
    assert.equal(m.allowed['x/a']?.['x/b'], false);
  });

  test('--protocol udp: the x/y/z ingress deny covers every protocol', async () => {
    const r = await runPalisade(['matrix', ...xyz, '-n', 'x', '--protocol', 'udp', '-o', 'json']);
    assert.match(r.stdout, /^\{"port":80,"protocol":"UDP",/);
    assert.match(r.stdout, /"x\/a":\{"x\/a":true,"x\/b":false,"x\/c":false\}/);
  });

  test('csv: from\\to header, 1/0 cells, CRLF', async () => {
    const r = await runPalisade(['matrix', '-f', fixture('demo'), '-o', 'csv']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'from\\to,demo/client,demo/server\r\ndemo/client,1,0\r\ndemo/server,1,1\r\n');
  });

  test('md: Markdown table with check marks', async () => {
    const r = await runPalisade(['matrix', '-f', fixture('demo'), '-o', 'md']);
    assert.equal(r.stdout, [
      'Connectivity on TCP/80 (rows: from, columns: to)',
      '',
      '| from \\ to | demo/client | demo/server |',
      '|---|:-:|:-:|',
      '| demo/client | ✓ | ✗ |',
      '| demo/server | ✓ | ✓ |',
      '',
    ].join('\n'));
  });

  test('dot: an edge per allowed pair, no self edges', async () => {
    const r = await runPalisade(['matrix', '-f', fixture('demo'), '-o', 'dot']);
    assert.equal(r.stdout, [
      'digraph "TCP/80" {',
      '  node [shape=box];',
      '  subgraph "cluster_demo" {',
      '    label="demo";',
      '    "demo/client" [label="client"];',
      '    "demo/server" [label="server"];',
      '  }',
      '  "demo/server" -> "demo/client";',
      '}',
      '',
    ].join('\n'));
  });

  test('no progress output when stderr is not a terminal', async () => {
    const r = await runPalisade(['matrix', ...xyz, '-o', 'json']);
    assert.equal(r.stderr, '');
  });

  test('a namespace without pods is warned about', async () => {
    const r = await runPalisade(['matrix', ...xyz, '-n', 'x,q', '-o', 'csv']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'warning: namespace q has no pods in the input\n');
    assert.match(r.stdout, /^from\\to,x\/a,x\/b,x\/c\r\n/);
  });

  const usageErrors: Array<{ name: string; args: string[]; stderr: RegExp }> = [
    { name: 'several ports', args: ['--port', '80,81'], stderr: /^error: --port 80,81: matrix takes one port at a time; run it once per port\n$/ },
    { name: 'bad namespace', args: ['-n', 'X'], stderr: /^error: --namespace "X": not a namespace name\n$/ },
    { name: 'YAML syntax error', args: ['-f', fixture('bad/syntax.yaml')], stderr: /syntax\.yaml:\d+: YAML syntax error: .*\nerror: 1 problem in the input; nothing evaluated\n$/ },
  ];
  for (const c of usageErrors) {
    test(`usage error, exit 2: ${c.name}`, async () => {
      const r = await runPalisade(['matrix', ...xyz, ...c.args]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, c.stderr);
      assertNoStackTrace(r);
    });
  }
});
