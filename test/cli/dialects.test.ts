// End-to-end: the CLI on ClusterNetworkPolicy, Calico and Cilium manifests, alone and mixed
// with a Kubernetes NetworkPolicy (docs/policy-models.md; DESIGN.md "Semantics" tier table).
// Fixtures: test/cli/fixtures/dialects/ (a 4-pod cluster; one file per dialect; invalid/).
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

const D = (name: string): string => fixture(`dialects/${name}`);
const CLUSTER = ['-f', D('cluster.yaml')];
const ALL = [...CLUSTER, '-f', D('networkpolicy.yaml'), '-f', D('cnp.yaml'), '-f', D('calico.yaml'), '-f', D('cilium.yaml')];
const NO_CILIUM = [...CLUSTER, '-f', D('networkpolicy.yaml'), '-f', D('cnp.yaml'), '-f', D('calico.yaml')];

// Each case spawns its own process; running them side by side keeps the suite quick.
suite('palisade on policy dialects (end-to-end)', { concurrency: 4 }, () => {
  test('validate: every dialect together is valid', async () => {
    const r = await runPalisade(['validate', ...ALL]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '13 objects valid\n', '']);
  });

  // Each invalid file: the message names file:line, the object, the field path and why.
  const invalid: readonly { name: string; file: string; line: string }[] = [
    { name: 'ClusterNetworkPolicy: v1alpha2 action Allow (the API says Accept)', file: 'cnp.yaml',
      line: 'test/cli/fixtures/dialects/invalid/cnp.yaml:11: bad-cnp: spec.ingress[0].action: unsupported value "Allow": supported values: "Accept", "Deny", "Pass"' },
    { name: 'Calico: selector syntax error with its position', file: 'calico.yaml',
      line: 'test/cli/fixtures/dialects/invalid/calico.yaml:5: mix/bad-calico: spec.selector: invalid value "app == \'web\' &&": position 16: unexpected end of selector: expected an expression' },
    { name: 'Cilium: port out of range', file: 'cilium.yaml',
      line: 'test/cli/fixtures/dialects/invalid/cilium.yaml:9: mix/bad-cilium: spec.ingress[0].toPorts[0].ports[0].port: invalid value "70000": must be between 0 and 65535, inclusive' },
  ];
  for (const c of invalid) {
    test(`validate: ${c.name}: field path on stderr, exit 1`, async () => {
      const r = await runPalisade(['validate', '-f', D(`invalid/${c.file}`)]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${c.line}\nerror: 1 problem in 1 object\n`);
      assertNoStackTrace(r);
    });
  }

  test('validate: problems of several dialects are aggregated', async () => {
    const r = await runPalisade(['validate', '-f', D('invalid')]);
    assert.equal(r.code, 1);
    for (const c of invalid) assert.ok(r.stderr.includes(c.line), r.stderr);
    assert.match(r.stderr, /\nerror: 3 problems in 3 objects\n$/);
  });

  test('eval: a Pass chain admin → Calico tier → default-tier NetworkPolicy, each step tier → policy → rule', async () => {
    const r = await runPalisade(['eval', ...NO_CILIUM, '--from', 'mix-other/client', '--to', 'mix/web', '--port', '80']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, [
      'ALLOWED mix-other/client -> mix/web TCP/80',
      'egress (mix-other/client): allowed',
      '  no policy selects mix-other/client for egress: allowed',
      'ingress (mix/web): allowed',
      '  allowed by NetworkPolicy mix/web-from-clients spec.ingress[0] (peer spec.ingress[0].from[0])',
      '  tier admin: selected by ClusterNetworkPolicy pass-mix-other; passed on to the next tier',
      '    pass: ClusterNetworkPolicy pass-mix-other spec.ingress[0] "pass-from-mix-other" (peer spec.ingress[0].from[0]; any port)',
      '  tier security: selected by GlobalNetworkPolicy security.web; passed on to the next tier',
      '    pass: GlobalNetworkPolicy security.web spec.ingress[0] (peer spec.ingress[0].source.namespaceSelector; any port)',
      '  tier default: selected by NetworkPolicy mix/web-from-clients; allowed',
      '    allow: NetworkPolicy mix/web-from-clients spec.ingress[0] (peer spec.ingress[0].from[0]; any port)',
      'staged (with staged policies enforced): ALLOWED (same as enforced)',
      '',
    ].join('\n'));
  });

  test('eval: without the NetworkPolicy the Pass chain ends in the baseline tier: DENIED, exit 1', async () => {
    const r = await runPalisade(['eval', ...CLUSTER, '-f', D('cnp.yaml'), '-f', D('calico.yaml'), '--from', 'mix-other/client', '--to', 'mix/web', '--port', '80']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^DENIED mix-other\/client -> mix\/web TCP\/80\n/);
    assert.match(r.stdout, /^ {2}denied by ClusterNetworkPolicy baseline-deny-mix-other spec\.ingress\[0\] "deny-from-mix-other" \(tier baseline, peer spec\.ingress\[0\]\.from\[0\]\)$/m);
    assert.match(r.stdout, /^ {2}tier admin: .*passed on to the next tier\n {4}pass: .*\n {2}tier security: .*passed on to the next tier\n {4}pass: .*\n {2}tier baseline: selected by ClusterNetworkPolicy baseline-deny-mix-other; denied$/m);
  });

  test('eval: a Cilium deny beats the Cilium and NetworkPolicy allows of the default tier', async () => {
    const r = await runPalisade(['eval', ...ALL, '--from', 'mix/db', '--to', 'mix/web', '--port', '81']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^DENIED mix\/db -> mix\/web TCP\/81\n/);
    assert.match(r.stdout, /^ {4}deny: CiliumNetworkPolicy mix\/web spec\.ingressDeny\[0\] \(peer spec\.ingressDeny\[0\]\.fromEndpoints\[0\]; port spec\.ingressDeny\[0\]\.toPorts\[0\]\.ports\[0\]\)$/m);
  });

  test('eval -o json: the staged verdict (Calico StagedNetworkPolicy) differs from the enforced one', async () => {
    const r = await runPalisade(['eval', ...ALL, '--from', 'mix/db', '--to', 'mix/web', '--port', '80', '-o', 'json']);
    assert.equal(r.code, 0);
    const v = JSON.parse(r.stdout) as { allowed: boolean; staged?: { allowed: boolean; ingress: { decidedBy?: { policyId: string; rulePath: string; action: string } } } };
    assert.equal(v.allowed, true, 'enforced: the Cilium allow decides');
    assert.equal(v.staged?.allowed, false, 'staged: web-not-from-db would deny');
    assert.deepEqual(
      [v.staged?.ingress.decidedBy?.policyId, v.staged?.ingress.decidedBy?.rulePath, v.staged?.ingress.decidedBy?.action],
      ['projectcalico.org/v3/StagedNetworkPolicy/mix/web-not-from-db', 'spec.ingress[0]', 'deny'],
    );
  });

  // The text trace shows the staged verdict too: enforced ALLOWED, staged DENIED by
  // StagedNetworkPolicy mix/web-not-from-db.
  test('eval text: the staged verdict is shown', async () => {
    const r = await runPalisade(['eval', ...ALL, '--from', 'mix/db', '--to', 'mix/web', '--port', '80']);
    assert.match(r.stdout, /^ALLOWED /);
    assert.match(r.stdout, /^staged \(with staged policies enforced\): DENIED \(differs from enforced\)$/m);
    assert.match(r.stdout, /StagedNetworkPolicy mix\/web-not-from-db/);
  });

  test('explain: ClusterNetworkPolicy — tier, priority, actions and rule names', async () => {
    const r = await runPalisade(['explain', ...CLUSTER, '-f', D('cnp.yaml')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ClusterNetworkPolicy pass-mix-other\n {2}Applies to pods app=web in namespaces kubernetes\.io\/metadata\.name=mix\.\n {2}Evaluated in tier admin at order 10\.\n/);
    assert.match(r.stdout, /passes to the next tier from all pods in namespaces kubernetes\.io\/metadata\.name=mix-other on any port \(rule "pass-from-mix-other"\)/);
    assert.match(r.stdout, /\n\nClusterNetworkPolicy baseline-deny-mix-other\n(?: {2}.*\n)* {2}Evaluated in tier baseline at order 10\.\n/);
    assert.match(r.stdout, /\nFindings: none\n$/);
  });

  test('explain: Calico — its tier, Pass, and the staged policy marked as not enforced', async () => {
    const r = await runPalisade(['explain', ...CLUSTER, '-f', D('calico.yaml')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^GlobalNetworkPolicy security\.web\n(?: {2}.*\n)* {2}Evaluated in tier security at order 10\.\n/);
    assert.match(r.stdout, /\n\nStagedNetworkPolicy mix\/web-not-from-db \(staged: not enforced\)\n/);
    assert.match(r.stdout, /\n {2}Staged: evaluated for reports only, never enforced\.\n/);
    assert.match(r.stdout, /\n {4}1\. denies from pods app=db in namespace mix.*\n {4}2\. allows from anywhere on any port\.\n/);
  });

  test('explain: Cilium — the deny rules and the allow rules, both in the default tier', async () => {
    const r = await runPalisade(['explain', ...CLUSTER, '-f', D('cilium.yaml')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /denies from pods app=db in namespace mix on TCP\/81\./);
    assert.match(r.stdout, /Ingress: isolated; allows from entity all on any port\./);
    assert.equal((r.stdout.match(/Evaluated in tier default/g) ?? []).length, 2, r.stdout);
  });

  test('matrix: a mixed cluster (NetworkPolicy + CNP + Calico) on TCP/80', async () => {
    const r = await runPalisade(['matrix', ...NO_CILIUM]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, [
      '-\tmix-other/client\tmix/client\tmix/db\tmix/web',
      'mix-other/client\t.\t.\t.\t.',
      'mix/client\t.\t.\t.\t.',
      'mix/db\t.\t.\t.\tX',
      'mix/web\t.\t.\t.\t.',
      '',
    ].join('\n'));
  });

  test('matrix: every dialect at once on TCP/81: only the Cilium deny (db → web) blocks', async () => {
    const r = await runPalisade(['matrix', ...ALL, '--port', '81', '-o', 'json']);
    assert.equal(r.code, 0);
    const m = JSON.parse(r.stdout) as { allowed: Record<string, Record<string, boolean>> };
    const blocked = Object.entries(m.allowed).flatMap(([from, row]) => Object.entries(row).filter(([, ok]) => !ok).map(([to]) => `${from} -> ${to}`));
    assert.deepEqual(blocked, ['mix/db -> mix/web']);
  });
});
