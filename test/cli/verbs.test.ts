// End-to-end: the kubectl-like verbs against the real embedded API server (src/server over
// an in-memory store with api/ admission), following the seed 000 walkthrough ("Verify
// network policy setup": create namespace demo, run server and client, get pods wide,
// apply demo-policy.yaml, label the client, describe, delete) plus the error paths.
import { after, before, suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIn, startVerbsEnv } from './verbs-harness.ts';
import type { VerbsEnv } from './verbs-harness.ts';

const DEMO_POLICY_FILE = fileURLToPath(new URL('./fixtures/demo/demo-policy.yaml', import.meta.url));
const DEMO_POLICY = readFileSync(DEMO_POLICY_FILE, 'utf8');

suite('palisade verbs against the embedded API server', () => {
  let env: VerbsEnv;
  before(async () => { env = await startVerbsEnv(); });
  after(() => env.close());

  test('seed 000 walkthrough, step by step, with kubectl\'s output', async () => {
    assert.deepEqual(await env.run(['create', 'namespace', 'demo']), { code: 0, stdout: 'namespace/demo created\n', stderr: '' });
    assert.deepEqual(await env.run(['run', 'server', '-n', 'demo', '--image=k8s.gcr.io/e2e-test-images/agnhost:2.33', '--labels=app=server', '--port=80', '--command', '--', '/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80']),
      { code: 0, stdout: 'pod/server created\n', stderr: '' });
    const client = await env.run(['run', '-it', 'client', '-n', 'demo', '--image=k8s.gcr.io/e2e-test-images/agnhost:2.33', '--command', '--', 'bash']);
    assert.equal(client.code, 0);
    assert.equal(client.stdout, 'pod/client created\n');
    assert.match(client.stderr, /^note: palisade cannot attach to a pod; .*palisade exec -n demo client -- CMD/);

    env.advance(30_000);
    const wide = await env.run(['get', 'pod', '--output=wide', '-n', 'demo']);
    assert.equal(wide.code, 0);
    const lines = wide.stdout.split('\n');
    assert.match(lines[0] ?? '', /^NAME {5}READY {3}STATUS {4}RESTARTS {3}AGE {3}IP {2,}NODE {2,}NOMINATED NODE {3}READINESS GATES$/);
    assert.match(lines[2] ?? '', /^server {3}0\/1 {5}Pending {3}0 {10}30s {3}/);

    assert.deepEqual(await env.run(['apply', '-f', DEMO_POLICY_FILE]), { code: 0, stdout: 'networkpolicy.networking.k8s.io/demo-policy created\n', stderr: '' });
    assert.deepEqual(await env.run(['apply', '-f', DEMO_POLICY_FILE]), { code: 0, stdout: 'networkpolicy.networking.k8s.io/demo-policy unchanged\n', stderr: '' });
    const changed = DEMO_POLICY.replace('port: 80', 'port: 81');
    assert.deepEqual(await env.run(['apply', '-f', '-'], changed), { code: 0, stdout: 'networkpolicy.networking.k8s.io/demo-policy configured\n', stderr: '' });
    assert.deepEqual(await env.run(['apply', '-f', DEMO_POLICY_FILE]), { code: 0, stdout: 'networkpolicy.networking.k8s.io/demo-policy configured\n', stderr: '' });

    assert.deepEqual(await env.run(['label', 'pod', 'client', '-n', 'demo', 'app=client']), { code: 0, stdout: 'pod/client labeled\n', stderr: '' });
    assert.deepEqual(await env.run(['label', 'pod', 'client', '-n', 'demo', 'app=other']),
      { code: 1, stdout: '', stderr: "error: 'app' already has a value (client), and --overwrite is false\n" });
    assert.deepEqual(await env.run(['get', 'pods', '-n', 'demo', '-l', 'app=client', '-o', 'name']), { code: 0, stdout: 'pod/client\n', stderr: '' });

    const described = await env.run(['describe', 'networkpolicy', 'demo-policy', '-n', 'demo']);
    assert.equal(described.code, 0);
    assert.match(described.stdout, /^Name: {9}demo-policy\nNamespace: {4}demo\nCreated on: {3}2025-01-02 03:04:35 \+0000 UTC\n/);
    assert.ok(described.stdout.includes([
      'Spec:',
      '  PodSelector:     app=server',
      '  Allowing ingress traffic:',
      '    To Port: 80/TCP',
      '    From:',
      '      PodSelector: app=client',
      '  Not affecting egress traffic',
      '  Policy Types: Ingress',
      '',
      'Palisade:',
      '  Applies to pods app=server in namespace demo.',
    ].join('\n')), described.stdout);

    assert.deepEqual(await env.run(['get', 'netpol', '-n', 'demo']), { code: 0, stdout: 'NAME          POD-SELECTOR   AGE\ndemo-policy   app=server     0s\n', stderr: '' });
    assert.deepEqual(await env.run(['delete', 'namespace', 'demo']), { code: 0, stdout: 'namespace "demo" deleted\n', stderr: '' });
  });

  test('get: -A adds NAMESPACE, json of one object, the empty message on stderr', async () => {
    await env.run(['create', 'ns', 'x']);
    await env.run(['run', 'a', '-n', 'x', '--image=i']);
    const all = await env.run(['get', 'po', '-A']);
    assert.match(all.stdout, /^NAMESPACE {3}NAME {3}READY/);
    assert.match(all.stdout, /\nx {11}a {6}0\/1/);
    const json = JSON.parse((await env.run(['get', 'pod', 'a', '-n', 'x', '-o', 'json'])).stdout) as { kind: string; metadata: { labels: unknown } };
    assert.equal(json.kind, 'Pod');
    assert.deepEqual(json.metadata.labels, { run: 'a' });
    assert.deepEqual(await env.run(['get', 'netpol', '-n', 'x']), { code: 0, stdout: '', stderr: 'No resources found in x namespace.\n' });
    const list = JSON.parse((await env.run(['get', 'netpol', '-n', 'x', '-o', 'json'])).stdout) as unknown;
    assert.deepEqual(list, { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
  });

  test('errors as kubectl prints them, exit 1; usage errors exit 2', async () => {
    assert.deepEqual(await env.run(['get', 'pod', 'nope', '-n', 'default']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    assert.deepEqual(await env.run(['delete', 'pod', 'nope']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    assert.deepEqual(await env.run(['delete', 'pod', 'nope', '--ignore-not-found']), { code: 0, stdout: '', stderr: '' });
    const dup = await env.run(['create', 'namespace', 'default']);
    assert.deepEqual(dup, { code: 1, stdout: '', stderr: 'Error from server (AlreadyExists): namespaces "default" already exists\n' });
    const widgets = await env.run(['get', 'widgets']);
    assert.equal(widgets.code, 2);
    assert.match(widgets.stderr, /^error: the server doesn't have a resource type "widgets"/);
  });

  test('apply: an invalid policy gets the server\'s message and the file:line, the valid one is applied', async () => {
    const bad = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
  namespace: default
spec:
  podSelector: {}
  ingress:
  - ports:
    - port: 80
      endPort: 70
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: good
  namespace: default
spec:
  podSelector: {}
`;
    const r = await env.run(['apply', '-f', '-'], bad);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'networkpolicy.networking.k8s.io/good created\n');
    const [first, second] = r.stderr.split('\n');
    assert.match(first ?? '', /^The NetworkPolicy "bad" is invalid: spec\.ingress\[0\]\.ports\[0\]\.endPort: /);
    assert.match(second ?? '', /^<stdin>:11: default\/bad: spec\.ingress\[0\]\.ports\[0\]\.endPort: /);
    assert.deepEqual(await env.run(['delete', '-f', '-'], bad.split('---\n')[1]), { code: 0, stdout: 'networkpolicy.networking.k8s.io "good" deleted\n', stderr: '' });
  });
});

test('no palisade up: one line naming the kubeconfig and how to start, exit 1', async () => {
  const home = mkdtempSync(join(tmpdir(), 'palisade-verbs-none-'));
  try {
    for (const args of [['get', 'pods'], ['exec', 'client', '--', 'true'], ['probe']]) {
      const r = await runIn(home, args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, `error: palisade is not running (no kubeconfig at ${join(home, 'kubeconfig')}); start it with "palisade up -d"\n`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
