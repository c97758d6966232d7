// The real kubectl binary against the embedded API server: the seed walkthrough's
// commands (issue 5 part 2; seeds/000 "Verify network policy setup"), an invalid policy
// rejected at apply time with its field path, and `get -w`. Skipped, with the reason,
// when kubectl is not installed. Pods stay Pending: no lab kubelet runs here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../../src/store/clock.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';
import { loopbackServer } from '../../src/server/test-support.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = hasKubectl ? false : 'kubectl is not installed (needed for the real-kubectl tests)';

// The seed walkthrough's demo-policy.yaml.
const DEMO_POLICY = fs.readFileSync(new URL('../cli/fixtures/demo/demo-policy.yaml', import.meta.url), 'utf8');

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Kubectl {
  (...args: string[]): Promise<Result>;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly kubeconfig: string;
}

async function start(t: { after(fn: () => unknown): void }): Promise<{ kubectl: Kubectl; store: ObjectStore }> {
  const { store, dir, kubeconfig, close } = await loopbackServer({ clock: systemClock(), dirPrefix: 'palisade-kubectl-' });
  t.after(close);
  // HOME in the temp dir: kubectl's discovery cache must not leak between servers.
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
  const kubectl = Object.assign(
    // Asynchronous: the server runs in this process and must keep answering.
    (...args: string[]) => new Promise<Result>((resolve) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    }),
    { dir, env, kubeconfig },
  );
  return { kubectl, store };
}

function ok(r: Result): string {
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Splits a kubectl table into rows of cells (columns are separated by 2+ spaces). */
function rows(out: string): string[][] {
  return out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
}

test('kubectl: the seed walkthrough (create namespace, run, get -o wide, apply twice, label, describe, delete namespace)', { skip }, async (t) => {
  const { kubectl, store } = await start(t);
  assert.equal(ok(await kubectl('create', 'namespace', 'demo')).trim(), 'namespace/demo created');
  assert.equal(ok(await kubectl('run', 'server', '-n', 'demo', '--image=k8s.gcr.io/e2e-test-images/agnhost:2.33', '--labels=app=server', '--port=80',
    '--command', '--', '/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80')).trim(), 'pod/server created');
  assert.equal(ok(await kubectl('run', 'client', '-n', 'demo', '--image=k8s.gcr.io/e2e-test-images/agnhost:2.33', '--command', '--', 'bash')).trim(), 'pod/client created');
  const server = store.get({ group: '', version: 'v1', resource: 'pods' }, 'server', 'demo');
  assert.deepEqual(server.metadata.labels, { app: 'server' });
  assert.deepEqual((server.spec as { containers: Array<{ command: string[] }> }).containers[0]?.command,
    ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80']);

  const wide = rows(ok(await kubectl('get', 'pod', '--output=wide', '-n', 'demo')));
  assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.deepEqual(wide.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[5], r[6]]), [
    ['client', '0/1', 'Pending', '0', '<none>', '<none>'],
    ['server', '0/1', 'Pending', '0', '<none>', '<none>'],
  ]);

  fs.writeFileSync(path.join(kubectl.dir, 'demo-policy.yaml'), DEMO_POLICY);
  assert.equal(ok(await kubectl('apply', '-f', 'demo-policy.yaml')).trim(), 'networkpolicy.networking.k8s.io/demo-policy created');
  assert.equal(ok(await kubectl('apply', '-f', 'demo-policy.yaml')).trim(), 'networkpolicy.networking.k8s.io/demo-policy unchanged');
  fs.writeFileSync(path.join(kubectl.dir, 'demo-policy.yaml'), DEMO_POLICY.replace('port: 80', 'port: 8080'));
  const applied = await kubectl('apply', '-f', 'demo-policy.yaml');
  assert.equal(ok(applied).trim(), 'networkpolicy.networking.k8s.io/demo-policy configured');
  assert.equal(applied.stderr, '', 'apply computed its patch without warnings');
  const policy = store.get({ group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' }, 'demo-policy', 'demo');
  assert.deepEqual((policy.spec as { ingress: Array<{ ports: unknown }> }).ingress[0]?.ports, [{ port: 8080, protocol: 'TCP' }]);

  assert.equal(ok(await kubectl('label', 'pod', 'client', '-n', 'demo', 'app=client')).trim(), 'pod/client labeled');
  assert.equal(store.get({ group: '', version: 'v1', resource: 'pods' }, 'client', 'demo').metadata.labels?.['app'], 'client');

  const described = ok(await kubectl('describe', 'networkpolicy', '-n', 'demo'));
  assert.match(described, /Name:\s+demo-policy/);
  assert.match(described, /PodSelector:\s+app=server/);
  assert.match(described, /Allowing ingress traffic:\s+To Port: 8080\/TCP\s+From:\s+PodSelector: app=client/);
  assert.match(described, /Policy Types: Ingress/);

  assert.deepEqual(rows(ok(await kubectl('get', 'netpol', '-n', 'demo'))).map((r) => [r[0], r[1]]), [['NAME', 'POD-SELECTOR'], ['demo-policy', 'app=server']]);

  assert.equal(ok(await kubectl('delete', 'namespace', 'demo')).trim(), 'namespace "demo" deleted');
  assert.deepEqual(store.list({ group: '', version: 'v1', resource: 'pods' }).items, []);
  const namespaces = rows(ok(await kubectl('get', 'ns')));
  assert.deepEqual(namespaces[0], ['NAME', 'STATUS', 'AGE']);
  assert.deepEqual(namespaces.slice(1).map((r) => r[0]), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
});

test('kubectl: an invalid policy is rejected at apply time with the field path; nothing stored', { skip }, async (t) => {
  const { kubectl, store } = await start(t);
  fs.writeFileSync(path.join(kubectl.dir, 'bad.yaml'), DEMO_POLICY.replace('namespace: demo', 'namespace: default').replace('protocol: TCP', 'protocol: TCPX'));
  const r = await kubectl('apply', '-f', 'bad.yaml');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /The NetworkPolicy "demo-policy" is invalid: .*\n?.*spec\.ingress\[0\]\.ports\[0\]\.protocol: unsupported value "TCPX"/);
  assert.deepEqual(store.list({ group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' }).items, []);
  const missing = await kubectl('get', 'pod', 'nope');
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
  const unknown = await kubectl('get', 'widgets');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /the server doesn't have a resource type "widgets"/);
});

test('kubectl: get pods -w shows a pod created meanwhile', { skip }, async (t) => {
  const { kubectl } = await start(t);
  const watcher = spawn('kubectl', ['--kubeconfig', kubectl.kubeconfig, 'get', 'pods', '-w', '-n', 'default'], { env: kubectl.env });
  t.after(() => watcher.kill());
  let out = '';
  const seen = new Promise<void>((resolve) => watcher.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (/\nw\s+0\/1\s+Pending/.test(out)) resolve();
  }));
  // Creating before the watch starts would show the pod too; both paths end in the row.
  ok(await kubectl('run', 'w', '-n', 'default', '--image=agnhost'));
  await seen;
  assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
});
