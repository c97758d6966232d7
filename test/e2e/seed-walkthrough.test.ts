// The seed walkthrough (seed 000, "Verify network policy setup") run verbatim on one
// machine with REAL traffic: `palisade up -d`, then the walkthrough's commands with
// `palisade` in place of kubectl — create namespace demo, run server and client, connect
// (no output), apply demo-policy.yaml, connect (TIMEOUT), label the client app=client,
// connect (no output) — then `palisade down`, after which no lab namespace and no
// process may be left. The same again with the real kubectl binary against the
// kubeconfig `up` wrote (kubectl has no exec into lab pods: `palisade exec` connects).
// Root only (the lab needs network namespaces); skipped elsewhere with the reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNetns } from '../../src/lab/netns.ts';
import { isRunning } from '../../src/lab/processes.ts';
import { labSkipReason } from '../../src/lab/test-support.ts';
import { ROOT, runCommand, runPalisade, type RunResult } from '../cli/run-palisade.ts';

const skip = await labSkipReason();
const kubectlMissing = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0;
const POLICY = join(ROOT, 'examples', 'demo', 'demo-policy.yaml');
const IMAGE = 'k8s.gcr.io/e2e-test-images/agnhost:2.33';

const BIN = join(ROOT, 'bin', 'palisade');

function ok(r: RunResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface LabRecord {
  readonly prefix: string;
  readonly pids: readonly number[];
}

/** The lab's namespace prefix and pod process ids, read from its state before `down`. */
function labRecord(home: string): LabRecord {
  const state = JSON.parse(readFileSync(join(home, 'lab', 'lab.json'), 'utf8')) as { prefix: string; pods: Array<{ process?: { pid: number } }> };
  return { prefix: state.prefix, pids: state.pods.flatMap((p) => (p.process === undefined ? [] : [p.process.pid])) };
}

async function assertNothingLeft(home: string, lab: LabRecord | undefined, daemonPid: number | undefined): Promise<void> {
  if (lab !== undefined) {
    const left = (await listNetns()).filter((n) => n.startsWith(lab.prefix));
    assert.deepEqual(left, [], `lab namespaces left behind: ${left.join(', ')}`);
    for (const pid of lab.pids) assert.equal(isRunning(pid), false, `pod process ${pid} still running`);
  }
  if (daemonPid !== undefined) assert.equal(isRunning(daemonPid), false, `palisade up (pid ${daemonPid}) still running`);
  assert.throws(() => readFileSync(join(home, 'palisade.pid')), /ENOENT/);
}

/** Polls `get pod -o json` until every named pod is Running with an IP; returns name → IP. */
async function waitRunning(get: (name: string) => Promise<RunResult>, names: readonly string[]): Promise<Map<string, string>> {
  const ips = new Map<string, string>();
  const deadline = Date.now() + 60_000;
  for (const name of names) {
    for (;;) {
      const r = await get(name);
      if (r.code === 0) {
        const pod = JSON.parse(r.stdout) as { status?: { phase?: string; podIP?: string } };
        if (pod.status?.phase === 'Running' && pod.status.podIP !== undefined) {
          ips.set(name, pod.status.podIP);
          break;
        }
      }
      assert.ok(Date.now() < deadline, `pod ${name} not Running after 60 s: ${r.stdout}${r.stderr}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  return ips;
}

/**
 * `palisade exec -n demo client -- /agnhost connect IP:80 --timeout=3s --protocol=tcp`:
 * agnhost's output ('' on success, `TIMEOUT` when dropped). A policy change reaches the
 * nodes asynchronously (as on any cluster), so a result that differs from `want` is
 * retried a few times before it counts.
 */
async function connect(home: string, ip: string, want: string): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = await runCommand(BIN, ['exec', '-n', 'demo', 'client', '--', '/agnhost', 'connect', `${ip}:80`, '--timeout=3s', '--protocol=tcp'], { env: { PALISADE_HOME: home } });
    last = r.stdout + (r.code !== 0 && r.stdout === '' ? r.stderr : '');
    if (last === want) return last;
    await new Promise((res) => setTimeout(res, 300));
  }
  return last;
}

interface Started {
  readonly home: string;
  readonly daemonPid: number;
  readonly lab: LabRecord;
}

/** The first `packet dropped` record of home/palisade.log (pino JSON lines), waiting up to 5 s for it. */
async function droppedRecord(home: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = readFileSync(join(home, 'palisade.log'), 'utf8').split('\n').find((l) => l.includes('"msg":"packet dropped"'));
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
    if (Date.now() > deadline) assert.fail('no "packet dropped" record in palisade.log');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `palisade up -d` in a fresh home; afterwards `down --purge`, and nothing may be left. */
async function up(t: { after(fn: () => unknown): void }, tag: string): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), `palisade-${tag}-`));
  const box: { started?: Started } = {};
  t.after(async () => {
    await runPalisade(['down', '--home', home, '--purge']);
    await assertNothingLeft(home, box.started?.lab, box.started?.daemonPid);
    rmSync(home, { recursive: true, force: true });
  });
  const out = ok(await runPalisade(['up', '-d', '--nodes', '2', '--home', home]), 'palisade up -d');
  assert.match(out, /kubeconfig: .*kubeconfig/);
  const rt = JSON.parse(readFileSync(join(home, 'runtime.json'), 'utf8')) as { pid: number; enforced: boolean };
  assert.equal(rt.enforced, true, out);
  box.started = { home, daemonPid: rt.pid, lab: labRecord(home) };
  return box.started;
}

describe('seed 000 walkthrough with real traffic', { skip, concurrency: false }, () => {
  it('runs verbatim with palisade in place of kubectl, and down leaves nothing behind', async (t) => {
    const started = await up(t, 'e2e');
    const home = started.home;
    // The walkthrough's commands verbatim; PALISADE_HOME says which `up` they talk to.
    const p = (...args: string[]): Promise<RunResult> => runCommand(BIN, args, { env: { PALISADE_HOME: home } });

    assert.equal(ok(await p('create', 'namespace', 'demo'), 'create namespace'), 'namespace/demo created\n');
    assert.equal(ok(await p('run', 'server', '-n', 'demo', `--image=${IMAGE}`, '--labels=app=server', '--port=80', '--command', '--', '/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'), 'run server'), 'pod/server created\n');
    assert.equal(ok(await p('run', 'client', '-n', 'demo', `--image=${IMAGE}`, '--command', '--', 'bash'), 'run client'), 'pod/client created\n');
    const ips = await waitRunning((name) => p('get', 'pod', name, '-n', 'demo', '-o', 'json'), ['server', 'client']);
    const wide = ok(await p('get', 'pod', '--output=wide', '-n', 'demo'), 'get pod -o wide');
    const serverIp = ips.get('server') ?? '';
    assert.match(wide, new RegExp(`^server\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${serverIp.replaceAll('.', '\\.')}\\s+node-\\d`, 'm'), wide);
    assert.match(wide, /^client\s+1\/1\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+node-\d/m, wide);

    assert.equal(await connect(home, serverIp, ''), '', 'before the policy: connected, no output');
    assert.equal(ok(await p('apply', '-f', POLICY), 'apply'), 'networkpolicy.networking.k8s.io/demo-policy created\n');
    assert.equal(await connect(home, serverIp, 'TIMEOUT\n'), 'TIMEOUT\n', 'the policy admits only app=client');
    // The drop is in palisade.log: the deciding policy, the pods, the port, the node.
    const drop = await droppedRecord(home);
    assert.deepEqual({ policy: drop['policy'], protocol: drop['protocol'], srcName: drop['srcName'], dst: drop['dst'], dstName: drop['dstName'], dstPort: drop['dstPort'] },
      { policy: 'NetworkPolicy demo/demo-policy', protocol: 'TCP', srcName: 'pod demo/client', dst: serverIp, dstName: 'pod demo/server', dstPort: 80 });
    assert.match(String(drop['node']), /^node-\d$/);
    assert.equal(ok(await p('label', 'pod', 'client', '-n', 'demo', 'app=client'), 'label'), 'pod/client labeled\n');
    assert.equal(await connect(home, serverIp, ''), '', 'labelled app=client: connected again');

    const down = ok(await runPalisade(['down', '--home', home]), 'palisade down');
    assert.match(down, /palisade stopped \(pid \d+\)/);
    await assertNothingLeft(home, started.lab, started.daemonPid);
    // The store is kept: the next `up` has the same objects (and recreates the pods).
    assert.match(down, /store kept/);
  });

  it('runs with the real kubectl against the kubeconfig of palisade up', { skip: kubectlMissing ? 'no kubectl binary' : false }, async (t) => {
    const started = await up(t, 'e2e-kubectl');
    const home = started.home;
    const k = (...args: string[]): Promise<RunResult> => runCommand('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), ...args]);

    assert.equal(ok(await k('create', 'namespace', 'demo'), 'kubectl create namespace'), 'namespace/demo created\n');
    assert.equal(ok(await k('run', 'server', '-n', 'demo', `--image=${IMAGE}`, '--labels=app=server', '--port=80', '--command', '--', '/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'), 'kubectl run server'), 'pod/server created\n');
    assert.equal(ok(await k('run', 'client', '-n', 'demo', `--image=${IMAGE}`, '--command', '--', 'bash'), 'kubectl run client'), 'pod/client created\n');
    const ips = await waitRunning((name) => k('get', 'pod', name, '-n', 'demo', '-o', 'json'), ['server', 'client']);
    const serverIp = ips.get('server') ?? '';
    const wide = ok(await k('get', 'pod', '--output=wide', '-n', 'demo'), 'kubectl get pod -o wide');
    assert.match(wide, new RegExp(`^server\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${serverIp.replaceAll('.', '\\.')}\\s+node-\\d`, 'm'), wide);

    assert.equal(await connect(home, serverIp, ''), '');
    assert.equal(ok(await k('apply', '-f', POLICY), 'kubectl apply'), 'networkpolicy.networking.k8s.io/demo-policy created\n');
    assert.equal(await connect(home, serverIp, 'TIMEOUT\n'), 'TIMEOUT\n');
    assert.equal(ok(await k('label', 'pod', 'client', '-n', 'demo', 'app=client'), 'kubectl label'), 'pod/client labeled\n');
    assert.equal(await connect(home, serverIp, ''), '');
    assert.match(ok(await k('describe', 'networkpolicy', '-n', 'demo'), 'kubectl describe networkpolicy'), /demo-policy/);
    ok(await k('delete', 'namespace', 'demo'), 'kubectl delete namespace');

    // The pods went with their namespace: the lab has no pod namespaces left.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pods = (JSON.parse(readFileSync(join(home, 'lab', 'lab.json'), 'utf8')) as { pods: unknown[] }).pods;
      if (pods.length === 0) break;
      assert.ok(Date.now() < deadline, `lab pods left after deleting the namespace: ${JSON.stringify(pods)}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    ok(await runPalisade(['down', '--home', home]), 'palisade down');
    await assertNothingLeft(home, started.lab, started.daemonPid);
  });
});
