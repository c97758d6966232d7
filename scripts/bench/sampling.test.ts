// Tests for the benchmark's random inputs: flows and pod samples are deterministic, valid
// and shaped as documented (half the flows stay in the source's namespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/model/cluster.ts';
import { createRng } from './prng.ts';
import { randomFlows, samplePods } from './sampling.ts';

const pods: Pod[] = Array.from({ length: 200 }, (_, i) => ({
  key: `ns-${i % 20}/p-${i}`, namespace: `ns-${i % 20}`, name: `p-${i}`, labels: {}, ips: [`10.0.0.${i}`], hostNetwork: false,
  ports: i % 2 === 0 ? [{ name: 'http', port: 8080, protocol: 'TCP' }] : [{ port: 53, protocol: 'UDP' }],
}));
const byKey = new Map(pods.map((p) => [p.key, p]));

test('randomFlows: deterministic per seed, between known pods, valid ports', () => {
  const a = randomFlows(pods, 5000, createRng(3));
  assert.deepEqual(randomFlows(pods, 5000, createRng(3)), a);
  assert.notDeepEqual(randomFlows(pods, 5000, createRng(4)), a);
  for (const f of a) {
    assert.ok(f.src.kind === 'pod' && byKey.has(f.src.pod));
    assert.ok(f.dst.kind === 'pod' && byKey.has(f.dst.pod));
    assert.ok(Number.isInteger(f.port) && f.port >= 1 && f.port <= 65535);
  }
});

test('randomFlows: about half stay in the namespace, most use a declared port', () => {
  const flows = randomFlows(pods, 20_000, createRng(5));
  let sameNs = 0;
  let declared = 0;
  for (const f of flows) {
    if (f.src.kind !== 'pod' || f.dst.kind !== 'pod') continue;
    const src = byKey.get(f.src.pod);
    const dst = byKey.get(f.dst.pod);
    if (src?.namespace === dst?.namespace) sameNs++;
    if (dst?.ports.some((p) => p.port === f.port && p.protocol === f.protocol)) declared++;
  }
  // 50% forced same-namespace plus 1/20 of the rest by chance: about 52.5%.
  assert.ok(Math.abs(sameNs / flows.length - 0.525) < 0.02, `same namespace ${sameNs / flows.length}`);
  assert.ok(declared / flows.length > 0.7, `declared port ${declared / flows.length}`);
});

test('samplePods: distinct pods of the requested size; all pods when asked for more', () => {
  const s = samplePods(pods, 50, createRng(1));
  assert.equal(s.length, 50);
  assert.equal(new Set(s.map((p) => p.key)).size, 50);
  assert.ok(s.every((p) => byKey.get(p.key) === p));
  assert.deepEqual(samplePods(pods, 50, createRng(1)), s);
  assert.equal(samplePods(pods, 500, createRng(1)).length, 200);
});
