// The agent path of the latency part without a lab: the bulk store load survives a reopen
// with every object, and a policy change written to a disk store reaches a real agent
// (embedded-cluster wiring, a recording fake table instead of nft) as one delta whose
// timing the bench reads from the agent's own log record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeTable } from '../../src/agent/test-support.ts';
import { systemClock } from '../../src/store/clock.ts';
import { DiskPersistence } from '../../src/store/disk-persistence.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { timedPersistence } from '../bench/timed-persistence.ts';
import { applyRecord, applyRecorder, labNodeAgent, loadOrder, loadStore, measureChange } from './agent-change.ts';
import { formatAgentChanges, modeCounts } from './agent-latency-part.ts';
import { benchCluster } from './bench-cluster.ts';
import type { LabEndpoint, LabNode } from './bench-cluster.ts';
import { allowPolicy } from './latency-part.ts';

const NODES: LabNode[] = [{ name: 'node-0', ipv4: '10.99.0.1', podCidrV4: '10.98.0.0/24' }, { name: 'node-1', ipv4: '10.99.0.2', podCidrV4: '10.98.1.0/24' }];
const ENDPOINTS: LabEndpoint[] = [
  { name: 'server', node: 'node-0', ipv4: '10.98.0.10', labels: { app: 'bench-server' }, server: true },
  { name: 'client-same', node: 'node-0', ipv4: '10.98.0.11', labels: { app: 'bench-client' }, server: false },
  { name: 'client-cross', node: 'node-1', ipv4: '10.98.1.10', labels: { app: 'bench-client' }, server: false },
];
const POD = { group: '', version: 'v1', resource: 'pods' } as const;
const NETPOL = { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' } as const;

test('loadOrder puts namespaces first and keeps the order otherwise', () => {
  const objs = [{ kind: 'Pod', n: 1 }, { kind: 'Namespace', n: 2 }, { kind: 'Node', n: 3 }, { kind: 'Namespace', n: 4 }, { kind: 'Pod', n: 5 }];
  assert.deepEqual(loadOrder(objs).map((o) => o.n), [2, 4, 1, 3, 5]);
});

test('applyRecord reads the agent\'s transaction records and nothing else', () => {
  const cases: Array<{ name: string; obj: object; want: ReturnType<typeof applyRecord> }> = [
    { name: 'delta', obj: { mode: 'delta', changes: 4, applyMs: 2, reconcileMs: 30, policies: 3 }, want: { mode: 'delta', changes: 4, applyMs: 2, reconcileMs: 30 } },
    { name: 'replace has no change count', obj: { mode: 'replace', applyMs: 900, reconcileMs: 5000 }, want: { mode: 'replace', changes: Number.NaN, applyMs: 900, reconcileMs: 5000 } },
    { name: 'start record', obj: { node: 'node-0', netns: 'x' }, want: undefined },
    { name: 'another mode', obj: { mode: 'none', applyMs: 0, reconcileMs: 1 }, want: undefined },
  ];
  for (const c of cases) assert.deepEqual(applyRecord(c.obj), c.want, c.name);
});

test('a policy change through the store reaches the agent as one delta; the bulk load survives a reopen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-agent-latency-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cluster = benchCluster({ pods: 300, policies: 30, namespaces: 12, seed: 7, localPods: 20, benchPolicies: true }, NODES, ENDPOINTS);
  const objects = cluster.documents.map((d) => d.object);
  const { store, load } = loadStore(join(dir, 'store'), objects, systemClock());
  assert.equal(load.objects, objects.length);
  const pods = objects.filter((o) => (o as { kind: string }).kind === 'Pod').length;
  assert.equal(store.list(POD).items.length, pods);
  store.close();

  const disk = timedPersistence(new DiskPersistence(join(dir, 'store')));
  const reopened = new ObjectStore({ persistence: disk, clock: systemClock(), idGenerator: randomUUID });
  assert.equal(reopened.list(POD).items.length, pods, 'the load is durable: a fresh open sees every pod');
  const table = fakeTable();
  const recorder = applyRecorder();
  const agent = labNodeAgent({ store: reopened, node: 'node-0', netns: 'none', table, clock: systemClock(), logger: recorder });
  try {
    agent.start();
    await agent.whenIdle();
    assert.equal(agent.status().ready, true);
    assert.deepEqual(table.transactions.map((x) => x.op), ['replace']);
    const before = table.transactions.length;
    const blocked = await measureChange(reopened, disk, agent, recorder.applies, allowPolicy(true));
    const open = await measureChange(reopened, disk, agent, recorder.applies, allowPolicy(false));
    for (const m of [blocked, open]) {
      assert.equal(m.mode, 'delta');
      assert.ok(m.changes > 0);
      assert.equal(m.reconciles, 1);
      assert.ok(m.writeMs > 0 && m.totalMs >= m.writeMs, `${m.totalMs} >= ${m.writeMs}`);
      assert.ok(m.commitMs > 0 && m.commitMs <= m.writeMs, `the write's fsynced commit (${m.commitMs} ms) is inside the write (${m.writeMs} ms)`);
      assert.ok(m.pressure.stealMs >= 0 && m.pressure.dirtyKb >= 0);
    }
    assert.deepEqual(table.transactions.slice(before).map((x) => x.op), ['apply', 'apply']);
    const stored = reopened.get(NETPOL, 'allow-client-to-server', 'bench') as { spec: { ingress: Array<{ ports: Array<{ port: unknown }> }> } };
    assert.equal(stored.spec.ingress[0]?.ports[0]?.port, 'http');
    assert.deepEqual(modeCounts([blocked, open]), { delta: 2, replace: 0, extraReconciles: 0 });
    assert.match(formatAgentChanges([blocked, open]), /2 delta, 0 replace/);
  } finally {
    await agent.stop();
    reopened.close();
  }
});
