// End-to-end: `palisade explain` on the seed walkthrough, with a doubtful policy added,
// and on the x/y/z model (docs/cli.md "explain").
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade explain (end-to-end)', { concurrency: 4 }, () => {
  test('each policy under its name, described in indented sentences; no findings; exit 0', async () => {
    const r = await runPalisade(['explain', '-f', fixture('demo')]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const blocks = r.stdout.split('\n\n');
    assert.equal(blocks.length, 2, r.stdout);
    const [head, ...sentences] = (blocks[0] ?? '').split('\n');
    assert.equal(head, 'NetworkPolicy demo/demo-policy');
    assert.ok(sentences.length > 0 && sentences.every((l) => /^ {2}\S/.test(l)), r.stdout);
    assert.ok(sentences.some((l) => l.includes('app=client')), 'the description names the allowed peers');
    assert.equal(blocks[1], 'Findings: none\n');
  });

  test('a policy selecting no pod is a finding naming it; findings do not fail', async () => {
    const r = await runPalisade(['explain', '-f', fixture('demo'), '-f', fixture('doubtful')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^NetworkPolicy demo\/demo-policy\n/);
    assert.match(r.stdout, /\n\nNetworkPolicy demo\/typo\n {2}/);
    assert.match(r.stdout, /\nFindings \(1\):\n {2}warning: NetworkPolicy demo\/typo: .+ \[selects-nothing\]\n$/);
  });

  test('-o json: descriptions and findings', async () => {
    const r = await runPalisade(['explain', '-f', fixture('xyz'), '-o', 'json']);
    assert.equal(r.code, 0);
    const e = JSON.parse(r.stdout) as { policies: Array<{ id: string; tier: string; order: number; staged: boolean; description: string[] }>; findings: unknown[] };
    assert.equal(e.policies.length, 1);
    const [p] = e.policies;
    assert.deepEqual([p?.id, p?.tier, p?.order, p?.staged], ['networking.k8s.io/v1/NetworkPolicy/x/deny-ingress', 'default', 1000, false]);
    assert.ok((p?.description.length ?? 0) > 0);
    assert.deepEqual(e.findings, []);
  });

  test('no policies', async () => {
    const r = await runPalisade(['explain', '-f', fixture('xyz/cluster.yaml')]);
    assert.deepEqual([r.code, r.stdout], [0, 'No policies in the input.\n\nFindings: none\n']);
  });

  test('invalid input: problems and a summary on stderr, exit 1', async () => {
    const r = await runPalisade(['explain', '-f', fixture('bad/invalid-policy.yaml')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^test\/cli\/fixtures\/bad\/invalid-policy\.yaml:10: demo\/bad-port: spec\.ingress\[0\]\.ports\[0\]\.port: /);
    assert.match(r.stderr, /\nerror: 1 problem in the input; nothing explained\n$/);
    assertNoStackTrace(r);
  });
});
