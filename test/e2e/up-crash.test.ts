// `kill -9` of `palisade up` loses no acknowledged write (issue 5): every object a client
// was told was created or changed is there after the daemon is killed and started again,
// and the lab comes back enforcing it. Root only (the lab needs network namespaces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNetns } from '../../src/lab/netns.ts';
import { isRunning } from '../../src/lab/processes.ts';
import { labSkipReason } from '../../src/lab/test-support.ts';
import { runPalisade } from '../cli/run-palisade.ts';

const skip = await labSkipReason();
const POLICIES = 20;

function daemonPid(home: string): number {
  return (JSON.parse(readFileSync(join(home, 'runtime.json'), 'utf8')) as { pid: number }).pid;
}

function policy(i: number): string {
  return JSON.stringify({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${i}`, namespace: 'demo' },
    spec: { podSelector: { matchLabels: { app: `a${i}` } }, ingress: [{ ports: [{ port: 1000 + i }] }] },
  });
}

test('kill -9 of palisade up loses no acknowledged write', { skip }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'palisade-crash-'));
  let prefix = '';
  t.after(async () => {
    await runPalisade(['down', '--home', home, '--purge']);
    if (prefix !== '') assert.deepEqual((await listNetns()).filter((n) => n.startsWith(prefix)), []);
    rmSync(home, { recursive: true, force: true });
  });
  const p = (...args: string[]) => runPalisade([...args, '--home', home]);
  assert.equal((await runPalisade(['up', '-d', '--home', home])).code, 0);
  prefix = (JSON.parse(readFileSync(join(home, 'lab', 'lab.json'), 'utf8')) as { prefix: string }).prefix;
  assert.equal((await p('create', 'namespace', 'demo')).code, 0);

  // Each write is acknowledged (exit 0, "created"/"labeled") before the next one starts.
  for (let i = 0; i < POLICIES; i++) {
    const r = await runPalisade(['apply', '-f', '-', '--home', home], policy(i));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`networkpolicy.networking.k8s.io/p${i} created`));
  }
  const labelled = await p('label', 'namespace', 'demo', 'team=blue');
  assert.equal(labelled.code, 0, labelled.stderr);

  const pid = daemonPid(home);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isRunning(pid); i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(isRunning(pid), false);

  const again = await runPalisade(['up', '-d', '--home', home]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.notEqual(daemonPid(home), pid, again.stdout + again.stderr);
  const list = await p('get', 'networkpolicies', '-n', 'demo', '-o', 'json');
  assert.equal(list.code, 0, list.stderr);
  const names = (JSON.parse(list.stdout) as { items: Array<{ metadata: { name: string } }> }).items.map((o) => o.metadata.name).sort();
  assert.deepEqual(names, Array.from({ length: POLICIES }, (_, i) => `p${i}`).sort());
  const ns = JSON.parse((await p('get', 'namespace', 'demo', '-o', 'json')).stdout) as { metadata: { labels: Record<string, string> } };
  assert.equal(ns.metadata.labels['team'], 'blue');
});
