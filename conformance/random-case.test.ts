// The generator of the differential test: deterministic per (seed, index), valid for the
// api layer (every generated state builds a snapshot with no problems), every pod serving
// every probed (port, protocol), and wide enough to cover the NetworkPolicy features the
// differential test is meant to exercise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot } from '../src/api/snapshot.ts';
import type { Manifest } from './case.ts';
import { ObjectState } from './object-state.ts';
import { manifestsYaml, mulberry32, PROBED, randomCase } from './random-case.ts';
import { parseAllDocuments } from 'yaml';

const SEEDS = Array.from({ length: 150 }, (_, i) => i * 7919 + 1);

function states(seed: number, index: number): Manifest[][] {
  const c = randomCase(seed, index, { labelSteps: 2 });
  const state = new ObjectState(c.cluster);
  return c.steps.map((s) => { state.step(s); return state.manifests(); });
}

test('mulberry32 is deterministic and spreads over [0, 1)', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(xs.filter((x) => x < 0.5).length > 400 && xs.filter((x) => x < 0.5).length < 600);
});

test('the same (seed, index) gives the same case; another index or seed gives another', () => {
  assert.deepEqual(randomCase(7, 3), randomCase(7, 3));
  assert.notDeepEqual(randomCase(7, 3), randomCase(7, 4));
  assert.notDeepEqual(randomCase(7, 3), randomCase(8, 3));
});

test('every state of every generated case is valid for the api layer', () => {
  for (const seed of SEEDS) {
    for (const [step, objects] of states(seed, 0).entries()) {
      const snap = buildSnapshot(objects.map((object, index) => ({ source: `seed ${seed} step ${step + 1}`, index, object })));
      assert.deepEqual(snap.problems.map((p) => p.message), [], `seed ${seed} step ${step + 1}:\n${manifestsYaml(objects)}`);
    }
  }
});

test('every pod declares every probed (port, protocol), with unique port names', () => {
  for (const seed of SEEDS) {
    for (const m of randomCase(seed, 1).cluster.filter((o) => o['kind'] === 'Pod')) {
      const ports = (m['spec'] as { containers: Array<{ ports: Array<{ containerPort: number; protocol: string; name?: string }> }> }).containers.flatMap((c) => c.ports);
      for (const p of PROBED) assert.ok(ports.some((x) => x.containerPort === p.port && x.protocol === p.protocol), `seed ${seed}: ${JSON.stringify(m['metadata'])} lacks ${p.protocol}/${p.port}`);
      const names = ports.flatMap((p) => (p.name === undefined ? [] : [p.name]));
      assert.equal(new Set(names).size, names.length);
    }
  }
});

test('the sizes stay in the brief: 2-3 namespaces, 5-9 pods, 1-4 policies', () => {
  for (const seed of SEEDS) {
    const c = randomCase(seed, 2);
    const kinds = (k: string): number => c.cluster.filter((o) => o['kind'] === k).length;
    assert.ok(kinds('Namespace') >= 2 && kinds('Namespace') <= 3);
    assert.ok(kinds('Pod') >= 5 && kinds('Pod') <= 9);
    const policies = c.steps[0]?.apply?.length ?? 0;
    assert.ok(policies >= 1 && policies <= 4);
    assert.ok((c.steps[1]?.label?.length ?? 0) >= 1, 'a label step changes labels');
  }
});

test('the generated policies cover the features the differential test is for', () => {
  const text = SEEDS.map((seed) => manifestsYaml(states(seed, 5).flat())).join('\n');
  const features: Record<string, RegExp> = {
    'matchExpressions In': /operator: In\b/,
    'matchExpressions NotIn': /operator: NotIn/,
    'matchExpressions Exists': /operator: Exists/,
    'matchExpressions DoesNotExist': /operator: DoesNotExist/,
    'namespaceSelector by kubernetes.io/metadata.name': /key: kubernetes.io\/metadata.name/,
    'ipBlock with except': /except:/,
    'ipBlock 0.0.0.0/0': /cidr: 0.0.0.0\/0/,
    'endPort': /endPort:/,
    'named port': /port: (serve-a|serve-b|web)/,
    'UDP rule': /protocol: UDP/,
    'policyTypes Egress only': /policyTypes:\n\s+- Egress\n/,
    'policyTypes both': /- Ingress\n\s+- Egress/,
    'egress rules': /egress:\n/,
    'ingress rules': /ingress:\n/,
    'empty podSelector': /podSelector: \{\}/,
  };
  for (const [name, re] of Object.entries(features)) assert.match(text, re, `no generated case has ${name}`);
  assert.equal(parseAllDocuments(manifestsYaml(states(1, 0)[0] ?? [])).every((d) => d.errors.length === 0), true);
});
