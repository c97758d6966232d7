// The agent latency part's host: a real worker thread holding a disk store and a real
// agent on a real table (an empty network namespace), changes answered with their timing
// and the collections inside them; and the pause arithmetic, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEmptyNamespace } from '../../src/dataplane/test-netns.ts';
import { readTable } from '../../src/dataplane/applier.ts';
import { gcInside, startAgentHost } from './agent-host.ts';
import type { LabEndpoint, LabNode } from './bench-cluster.ts';
import { formatChangeGc } from './agent-latency-part.ts';

const NODES: LabNode[] = [{ name: 'node-0', ipv4: '10.99.0.1', podCidrV4: '10.98.0.0/24' }, { name: 'node-1', ipv4: '10.99.0.2', podCidrV4: '10.98.1.0/24' }];
const ENDPOINTS: LabEndpoint[] = [
  { name: 'server', node: 'node-0', ipv4: '10.98.0.10', labels: { app: 'bench-server' }, server: true },
  { name: 'client-same', node: 'node-0', ipv4: '10.98.0.11', labels: { app: 'bench-client' }, server: false },
];

test('gcInside sums only the part of each pause inside the window, major and minor apart', () => {
  const cases = [
    { name: 'nothing', entries: [], want: { majorMs: 0, minorMs: 0 } },
    { name: 'before and after', entries: [{ start: 0, end: 10, major: true }, { start: 50, end: 60, major: false }], want: { majorMs: 0, minorMs: 0 } },
    { name: 'inside', entries: [{ start: 20, end: 30, major: true }, { start: 31, end: 33, major: false }], want: { majorMs: 10, minorMs: 2 } },
    { name: 'straddling both ends', entries: [{ start: 5, end: 15, major: true }, { start: 35, end: 45, major: false }], want: { majorMs: 5, minorMs: 5 } },
    { name: 'covering the window', entries: [{ start: 0, end: 100, major: true }], want: { majorMs: 30, minorMs: 0 } },
  ];
  for (const c of cases) assert.deepEqual(gcInside(c.entries, 10, 40), c.want, c.name);
});

test('formatChangeGc names how many changes a major collection paused', () => {
  const t = (totalMs: number, majorMs: number, minorMs: number) => ({ totalMs, writeMs: 1, reconcileMs: 5, applyMs: 1, mode: 'delta' as const, changes: 4, reconciles: 1, gc: { majorMs, minorMs } });
  assert.match(formatChangeGc([t(20, 0, 1), t(30, 0, 2)]), /^no major collection paused a change; minor collections 1\.5 ms/);
  assert.match(formatChangeGc([t(20, 0, 1), t(400, 350, 2), t(90, 60, 0)]), /paused 2 of 3 changes \(longest 350 ms, in a change of 400 ms\)/);
});

test('the host runs the store and a real agent in a worker and answers each change with its timing', async (t) => {
  await withEmptyNamespace(t, 'host', async (netns) => {
    const state = mkdtempSync(join(tmpdir(), 'palisade-agent-host-'));
    t.after(() => rmSync(state, { recursive: true, force: true }));
    const dir = join(state, 'agent-store');
    const logs: string[] = [];
    const host = await startAgentHost({ spec: { pods: 300, policies: 30, namespaces: 12, seed: 7, localPods: 20, benchPolicies: true }, nodes: NODES, endpoints: ENDPOINTS, node: 'node-0', netns, dir }, (m) => logs.push(m));
    try {
      assert.ok(host.ready.load.objects > 300, `${host.ready.load.objects} objects loaded`);
      assert.equal(host.ready.fallback, undefined, 'a persistent nft session');
      assert.ok(host.ready.initial.elements > 0);
      const table = await readTable(netns);
      assert.ok(table.chains.length > 0, 'the agent replaced the table in the namespace');
      for (const blocked of [true, false]) {
        const c = await host.change(blocked);
        assert.equal(c.mode, 'delta');
        assert.equal(c.reconciles, 1);
        assert.ok(c.totalMs >= c.writeMs && c.writeMs > 0);
        assert.ok(c.gc.majorMs >= 0 && c.gc.majorMs <= c.totalMs && c.gc.minorMs <= c.totalMs, JSON.stringify(c.gc));
      }
    } finally {
      await host.stop();
    }
    assert.equal(existsSync(dir), false, 'stopping removes the store');
    assert.deepEqual(logs, [], 'the agent warned of nothing');
  });
});
