// The agent on real netfilter (root; skips otherwise, saying why): a one-node lab, the
// agent wired to an in-memory store and the real nft table of the lab node. Pods and the
// seed's deny policy in the store → the table appears and real TCP traffic is denied and
// allowed exactly as evaluate() says; a label change is one small delta transaction. Then
// the hitless bar: 500 policy and label changes, with an agent restart in the
// middle (an agent in a child process killed with SIGKILL, a new instance on the same
// netns replacing the table in one transaction), while a denied and an allowed client keep
// probing: the denied one never gets through, the allowed one never fails. All lab
// namespaces are removed.
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
import type { Logger } from './logger.ts';
import { openDropLog } from '../dataplane/drop-log.ts';
import type { DropLogHandler } from '../dataplane/drop-log.ts';
import type { NodeTable } from './node-table.ts';
import { sessionNodeTable } from './node-table.ts';
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
  // The table the product uses: a persistent nft session in the node's namespace.
  const session = await sessionNodeTable(node.netns);
  assert.equal(session.fallback, undefined, 'libnftables loads here');
  t.after(() => session.table.close?.());
  const table = recording(session.table);
  // The first agent also reads the node's drop log, into a recording logger.
  const records: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
  const recorder: Logger = { ...SILENT_LOGGER, info: (obj, msg) => { records.push({ obj: obj as Record<string, unknown>, msg }); }, warn: (obj, msg) => { records.push({ obj: obj as Record<string, unknown>, msg }); } };
  const start = (withDropLog = false): Agent => {
    const agent = createAgent({
      node: node.name, netns: node.netns, source: embeddedStoreSource(store), applier: table, clock: fakeClock(),
      logger: withDropLog ? recorder : SILENT_LOGGER, metrics: new Registry(), statusWriter: storeStatusWriter(store), debounceMs: 5,
      ...(withDropLog ? { dropLog: { open: (handler: DropLogHandler) => openDropLog(node.netns, handler) } } : {}),
    });
    agents.push(agent);
    agent.start();
    return agent;
  };

  const first = start(true);
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
  // The dropped connection is in the agent's log: the deciding policy, who to whom, the port.
  const deadline = Date.now() + 5_000;
  const dropped = (): Record<string, unknown> | undefined => records.find((r) => r.msg === 'packet dropped')?.obj;
  while (dropped() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(records.some((r) => r.msg === 'logging dropped packets'), `the drop log opened: ${JSON.stringify(records.filter((r) => r.msg !== 'table updated'))}`);
  const d = dropped();
  assert.deepEqual(d === undefined ? undefined : { policy: d['policy'], protocol: d['protocol'], srcName: d['srcName'], dst: d['dst'], dstName: d['dstName'], dstPort: d['dstPort'] }, {
    policy: 'NetworkPolicy demo/demo-policy', protocol: 'TCP', srcName: 'pod demo/client', dst: (store.get(POD, 'server', 'demo').status as { podIP?: string } | undefined)?.podIP, dstName: 'pod demo/server', dstPort: 80,
  });

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

  // Hitless at the scale: 500 changes (labels of pods and of the namespace, policy
  // creates, updates and deletes) none of which changes the two probe clients' verdicts,
  // while the client and its friend keep probing. Mid-churn the first agent stops (without
  // touching its table), an agent in another process takes over (its first apply: a
  // replace) and is killed with SIGKILL, the table keeps enforcing with no agent at all, and
  // a new agent starts on the same namespace and catches up. The denied client must get
  // through 0 times, the allowed friend must never fail.
  for (let i = 0; i < 10; i++) store.create(runningPod('demo', `ghost-${i}`, { app: 'ghost' }, `10.99.0.${i + 1}`, { node: i % 2 === 0 ? node.name : 'elsewhere' }));
  await first.whenIdle();
  const CHANGES = 500;
  const CRASH_AT = { stopFirst: 150, killChild: 250, startSecond: 350 };
  let writes = 0;
  const churnPolicy = (i: number): Record<string, unknown> => {
    const gen = String(i % 5);
    // Every variant keeps demo/client (app=other, never gen) denied and demo/friend (app=client) allowed.
    const variants: Array<Record<string, unknown>> = [
      { podSelector: { matchLabels: { app: 'ghost' } }, ingress: [{ from: [{ podSelector: { matchLabels: { gen } } }] }] },
      { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'gen', operator: 'In', values: [gen, '9'] }] } }], ports: [{ port: 80 }] }] },
      { podSelector: { matchLabels: { app: 'ghost' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }] },
      { podSelector: { matchLabels: { app: 'ghost' } }, policyTypes: ['Ingress', 'Egress'] },
      { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['server'] }] }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] }] },
      // Egress-isolates the probe clients too, with everything allowed: their egress path changes, their verdicts must not.
      { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
      { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 80 }] }] },
    ];
    return variants[(i * 7 + Math.floor(i / 3)) % variants.length] ?? {};
  };
  const change = (i: number): void => {
    writes++;
    switch (i % 6) {
      case 0:
      case 3:
        relabel(store, `ghost-${i % 10}`, { app: i % 4 === 0 ? 'client' : 'ghost', gen: String(i % 5) });
        return;
      case 1:
      case 4: {
        const name = `churn-${i % 8}`;
        let have;
        try {
          have = store.get(NETPOL, name, 'demo');
        } catch {
          have = undefined;
        }
        if (have === undefined) store.create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'demo' }, spec: churnPolicy(i) });
        else if (i % 5 === 0) store.delete(NETPOL, name, 'demo');
        else store.update({ ...have, spec: churnPolicy(i) });
        return;
      }
      case 2:
        relabel(store, i % 4 === 2 ? 'client' : 'friend', { app: i % 4 === 2 ? 'other' : 'client', tick: String(i % 7) });
        return;
      default: {
        const ns = store.get({ group: '', version: 'v1', resource: 'namespaces' }, 'demo');
        store.update({ ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, tick: String(i % 3) } } });
      }
    }
  };

  const rounds: Array<{ at: number; got: Record<string, boolean> }> = [];
  let churning = true;
  let at = 0;
  // Three probe loops at once: more connection attempts over the churn than one loop makes.
  const probeLoop = async (): Promise<void> => {
    while (churning || rounds.length < 3) {
      const r = await probe(lab, { from: ['demo/client', 'demo/friend'], to: ['demo/server'], port: 80, protocol: 'TCP', timeoutMs: 700 });
      rounds.push({ at, got: { 'demo/client': r.allowed['demo/client']?.['demo/server'] ?? true, 'demo/friend': r.allowed['demo/friend']?.['demo/server'] ?? false } });
    }
  };
  const prober = Promise.all([probeLoop(), probeLoop(), probeLoop()]);
  const firstOpsStart = table.transactions.length;
  let firstOps: string[] = [];
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<NodeJS.Signals | null> | undefined;
  let second: Agent | undefined;
  let secondStart = 0;
  for (let i = 0; i < CHANGES; i++) {
    at = i;
    if (i === CRASH_AT.stopFirst) {
      await first.stop();
      firstOps = table.transactions.slice(firstOpsStart).map((x) => x.op);
      const objects = [...store.list({ group: '', version: 'v1', resource: 'namespaces' }).items, ...store.list(POD).items, ...store.list(NETPOL).items];
      const c = spawn(process.execPath, [path.join(import.meta.dirname, 'crash-agent-child.ts'), node.name, node.netns], { stdio: ['pipe', 'pipe', 'pipe'] });
      child = c;
      t.after(() => { if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
      let childErr = '';
      c.stderr?.on('data', (d: Buffer) => { childErr += d.toString(); });
      exited = new Promise<NodeJS.Signals | null>((resolve) => c.on('exit', (_code, signal) => resolve(signal)));
      c.stdin?.end(JSON.stringify(objects));
      await new Promise<void>((resolve, reject) => {
        c.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
        c.on('exit', () => reject(new Error(`the child agent exited early: ${childErr}`)));
      });
    }
    if (i === CRASH_AT.killChild) {
      child?.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
    }
    if (i === CRASH_AT.startSecond) {
      secondStart = table.transactions.length;
      second = start();
    }
    change(i);
    await new Promise((r) => setTimeout(r, 15));
  }
  assert.ok(second !== undefined);
  await second.whenIdle();
  churning = false;
  await prober;
  assert.equal(writes, CHANGES);
  assert.ok(firstOps.length > 5 && firstOps.every((op) => op === 'apply'), `the first agent applied deltas only during churn: ${firstOps.join(',')}`);
  const secondOps = table.transactions.slice(secondStart).map((x) => x.op);
  assert.equal(secondOps[0], 'replace', 'the restarted agent replaces the table in one transaction');
  assert.ok(secondOps.length > 5 && secondOps.slice(1).every((op) => op === 'apply'), `then deltas only: ${secondOps.join(',')}`);
  assert.ok(rounds.some((r) => r.at >= CRASH_AT.killChild && r.at < CRASH_AT.startSecond), 'some probe rounds ran while no agent was alive');
  for (const [i, r] of rounds.entries()) assert.deepEqual(r.got, { 'demo/client': false, 'demo/friend': true }, `probe round ${i + 1} of ${rounds.length} (during change ${r.at} of ${CHANGES})`);
  t.diagnostic(`${CHANGES} changes, ${rounds.length} probe rounds, deltas: ${firstOps.length} + ${secondOps.length - 1}`);
  assert.deepEqual(verifyReadback(second.applied() ?? applied, await table.readback()), [], 'after churn the kernel holds the planned table');
  assert.deepEqual(await checkTraffic(lab, store, 'after churn and restart'), { 'demo/client': false, 'demo/friend': true });

  relabel(store, 'friend', { app: 'other' });
  await second.whenIdle();
  assert.equal(table.transactions.at(-1)?.op, 'apply', 'deltas again after the first replace');
  assert.deepEqual(await checkTraffic(lab, store, 'after a change post-restart'), { 'demo/client': false, 'demo/friend': false });
});
