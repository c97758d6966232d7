// The agent on real netfilter (root; skips otherwise, saying why): a one-node lab, the
// agent wired to an in-memory store and the real nft table of the lab node. Pods and the
// seed's deny policy in the store → the table appears and real TCP traffic is denied and
// allowed exactly as evaluate() says; a label change is one small delta transaction; a
// restart (an agent in a child process killed with SIGKILL, a new instance on the same
// netns) replaces the table in one transaction while a client keeps probing: the denied client
// never gets through, the allowed one never fails. All lab namespaces are removed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { buildSnapshot } from '../api/snapshot.ts';
import { verifyReadback } from '../dataplane/applier.ts';
import { kernelSkipReason } from '../dataplane/test-netns.ts';
import { compile } from '../engine/compile.ts';
import { evaluate } from '../engine/evaluate.ts';
import { probe } from '../lab/probe.ts';
import { assertNoNetnsLeft, labSkipReason, tempStateDir } from '../lab/test-support.ts';
import { addPod, createLab, destroyLab } from '../lab/topology.ts';
import type { Lab } from '../lab/topology.ts';
import { embeddedStoreSource } from '../sources/embedded-store-source.ts';
import { storeStatusWriter } from '../sources/store-status-writer.ts';
import { apiValidator } from '../store/admission.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { fakeClock, memoryStore, namespace, NETPOL, POD } from '../store/test-support.ts';
import type { Agent } from './agent.ts';
import { createAgent } from './agent.ts';
import { SILENT_LOGGER } from './logger.ts';
import type { NodeTable } from './node-table.ts';
import { nftNodeTable } from './node-table.ts';
import type { Transaction } from './test-support.ts';
import { runningPod } from './test-support.ts';

const skip = (await labSkipReason()) || (await kernelSkipReason()) || false;

const PODS = [
  { name: 'server', labels: { app: 'server' } },
  { name: 'client', labels: { app: 'other' } },
  { name: 'friend', labels: { app: 'client' } },
];

function recording(inner: NodeTable): NodeTable & { transactions: Transaction[] } {
  const transactions: Transaction[] = [];
  return {
    description: inner.description,
    transactions,
    apply: async (text) => { await inner.apply(text); transactions.push({ op: 'apply', text }); },
    replace: async (text) => { await inner.replace(text); transactions.push({ op: 'replace', text }); },
    readback: () => inner.readback(),
  };
}

/** Real traffic to demo/server:80 from the other pods, checked against the engine on the store's objects. */
async function checkTraffic(lab: Lab, store: ObjectStore, what: string): Promise<Record<string, boolean>> {
  const objects = [...store.list({ group: '', version: 'v1', resource: 'namespaces' }).items, ...store.list(POD).items, ...store.list(NETPOL).items];
  const snap = buildSnapshot(objects.map((object, index) => ({ source: 'store', index, object })));
  const compiled = compile(snap.cluster, snap.policies);
  const result = await probe(lab, { from: ['demo/client', 'demo/friend'], to: ['demo/server'], port: 80, protocol: 'TCP', timeoutMs: 700 });
  const got: Record<string, boolean> = {};
  for (const src of ['demo/client', 'demo/friend']) {
    const v = evaluate(compiled, { src: { kind: 'pod', pod: src }, dst: { kind: 'pod', pod: 'demo/server' }, protocol: 'TCP', port: 80 });
    const real = result.allowed[src]?.['demo/server'];
    assert.equal(real, v.allowed, `${what}: ${src} -> demo/server:80: real traffic ${real === true ? 'passed' : 'was dropped'}, engine: ${v.allowed ? 'allow' : 'deny'}`);
    got[src] = v.allowed;
  }
  return got;
}

function relabel(store: ObjectStore, name: string, labels: Record<string, string>): void {
  const p = store.get(POD, name, 'demo');
  store.update({ ...p, metadata: { ...p.metadata, labels } });
}

test('the agent keeps a real node table in sync with the store, hitlessly across a restart', { skip, timeout: 120_000 }, async (t) => {
  const stateDir = tempStateDir('agent');
  const lab = await createLab({ stateDir, nodes: 1, podCidrV6: false });
  const agents: Agent[] = [];
  t.after(async () => {
    for (const a of agents) await a.stop();
    await destroyLab(stateDir);
    await assertNoNetnsLeft(lab.prefix);
  });
  const node = lab.nodes[0];
  assert.ok(node !== undefined);
  const store = memoryStore({ defaultValidator: apiValidator() });
  store.create(namespace('demo'));
  for (const p of PODS) {
    const lp = await addPod(lab, { namespace: 'demo', name: p.name, node: node.name, ports: [{ port: 80 }] });
    store.create(runningPod('demo', p.name, p.labels, lp.ipv4, { node: node.name, ports: [{ containerPort: 80 }] }));
  }
  const table = recording(nftNodeTable(node.netns));
  const start = (): Agent => {
    const agent = createAgent({
      node: node.name, netns: node.netns, source: embeddedStoreSource(store), applier: table, clock: fakeClock(),
      logger: SILENT_LOGGER, metrics: new Registry(), statusWriter: storeStatusWriter(store), debounceMs: 5,
    });
    agents.push(agent);
    agent.start();
    return agent;
  };

  const first = start();
  await first.whenIdle();
  assert.deepEqual(table.transactions.map((x) => x.op), ['replace']);
  const applied = first.applied();
  assert.ok(applied !== undefined);
  assert.deepEqual(verifyReadback(applied, await table.readback()), [], 'the kernel holds the planned table');
  assert.deepEqual(await checkTraffic(lab, store, 'no policy'), { 'demo/client': true, 'demo/friend': true });

  store.create({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'demo-policy', namespace: 'demo' },
    spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] },
  });
  await first.whenIdle();
  assert.equal(table.transactions.at(-1)?.op, 'apply');
  assert.deepEqual(await checkTraffic(lab, store, 'deny policy'), { 'demo/client': false, 'demo/friend': true });

  relabel(store, 'client', { app: 'client' });
  await first.whenIdle();
  const labelDelta = table.transactions.at(-1);
  assert.equal(labelDelta?.op, 'apply', 'a label change is a delta');
  const lines = (labelDelta?.text ?? '').trim().split('\n');
  assert.ok(lines.length <= 6 && lines.every((l) => / element /.test(l)), `a small element-only transaction:\n${labelDelta?.text}`);
  assert.deepEqual(await checkTraffic(lab, store, 'after the label change'), { 'demo/client': true, 'demo/friend': true });
  relabel(store, 'client', { app: 'other' });
  await first.whenIdle();
  assert.deepEqual(verifyReadback(first.applied() ?? applied, await table.readback()), []);

  // Crash: the first agent stops (without touching its table), an agent in another
  // process takes over (its first apply: a replace), and is killed with SIGKILL; its table
  // keeps enforcing. A new agent starts on the same namespace while the client and its
  // friend keep probing.
  await first.stop();
  const objects = [...store.list({ group: '', version: 'v1', resource: 'namespaces' }).items, ...store.list(POD).items, ...store.list(NETPOL).items];
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'crash-agent-child.ts'), node.name, node.netns], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let childErr = '';
  child.stderr.on('data', (d: Buffer) => { childErr += d.toString(); });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdin.end(JSON.stringify(objects));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.on('exit', () => reject(new Error(`the child agent exited early: ${childErr}`)));
  });
  const before = table.transactions.length;
  let probing = true;
  const rounds: Array<Record<string, boolean>> = [];
  const prober = (async () => {
    while (probing || rounds.length < 3) {
      const r = await probe(lab, { from: ['demo/client', 'demo/friend'], to: ['demo/server'], port: 80, protocol: 'TCP', timeoutMs: 700 });
      rounds.push({ 'demo/client': r.allowed['demo/client']?.['demo/server'] ?? true, 'demo/friend': r.allowed['demo/friend']?.['demo/server'] ?? false });
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const second = start();
  await second.whenIdle();
  await new Promise((r) => setTimeout(r, 300));
  probing = false;
  await prober;
  assert.deepEqual(table.transactions.slice(before).map((x) => x.op), ['replace'], 'the restarted agent replaces the table in one transaction');
  for (const [i, r] of rounds.entries()) assert.deepEqual(r, { 'demo/client': false, 'demo/friend': true }, `probe round ${i + 1} of ${rounds.length} during the restart`);
  assert.deepEqual(await checkTraffic(lab, store, 'after the restart'), { 'demo/client': false, 'demo/friend': true });

  // Churn: 120 changes of other pods' labels and of unrelated policies, applied as deltas
  // while the client and its friend keep probing; their decisions never change.
  for (let i = 0; i < 10; i++) store.create(runningPod('demo', `ghost-${i}`, { app: 'ghost' }, `10.99.0.${i + 1}`, { node: i % 2 === 0 ? node.name : 'elsewhere' }));
  await second.whenIdle();
  const churnStart = table.transactions.length;
  const churnRounds: Array<Record<string, boolean>> = [];
  let churning = true;
  const churnProber = (async () => {
    while (churning || churnRounds.length < 3) {
      const r = await probe(lab, { from: ['demo/client', 'demo/friend'], to: ['demo/server'], port: 80, protocol: 'TCP', timeoutMs: 700 });
      churnRounds.push({ 'demo/client': r.allowed['demo/client']?.['demo/server'] ?? true, 'demo/friend': r.allowed['demo/friend']?.['demo/server'] ?? false });
    }
  })();
  for (let i = 0; i < 120; i++) {
    if (i % 3 === 2) {
      const name = `churn-${i % 4}`;
      try {
        store.delete(NETPOL, name, 'demo');
      } catch {
        store.create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'demo' }, spec: { podSelector: { matchLabels: { app: 'ghost' } }, ingress: [{ from: [{ podSelector: { matchLabels: { gen: String(i % 5) } } }] }] } });
      }
    } else {
      relabel(store, `ghost-${i % 10}`, { app: i % 4 === 0 ? 'client' : 'ghost', gen: String(i % 5) });
    }
    await new Promise((r) => setTimeout(r, 8));
  }
  await second.whenIdle();
  churning = false;
  await churnProber;
  const churnOps = table.transactions.slice(churnStart).map((x) => x.op);
  assert.ok(churnOps.length > 5 && churnOps.every((op) => op === 'apply'), `deltas only during churn: ${churnOps.join(',')}`);
  for (const [i, r] of churnRounds.entries()) assert.deepEqual(r, { 'demo/client': false, 'demo/friend': true }, `probe round ${i + 1} of ${churnRounds.length} during churn`);
  assert.deepEqual(verifyReadback(second.applied() ?? applied, await table.readback()), [], 'after churn the kernel holds the planned table');

  relabel(store, 'friend', { app: 'other' });
  await second.whenIdle();
  assert.equal(table.transactions.at(-1)?.op, 'apply', 'deltas again after the first replace');
  assert.deepEqual(await checkTraffic(lab, store, 'after a change post-restart'), { 'demo/client': false, 'demo/friend': false });
});
