// End-to-end: `palisade convert` on examples/demo and the mixed-model fixture
// (test/cli/fixtures/convert on the x/y/z cluster): output, proof line, notes, exit codes.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runPalisade } from './run-palisade.ts';

suite('palisade convert (end-to-end)', { concurrency: 4 }, () => {
  const mixed = ['-f', fixture('xyz/cluster.yaml'), '-f', fixture('convert')];
  const equivalent = /^equivalent on this snapshot \(9 pods, 3 port\/protocol pairs\)$/m;

  test('examples/demo → each default-tier model is equivalent, exit 0', async () => {
    for (const to of ['k8s', 'calico', 'cilium']) {
      const r = await runPalisade(['convert', '-f', 'examples/demo', '--to', to]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^equivalent on this snapshot \(2 pods, 1 port\/protocol pairs\)$/m);
    }
  });

  test('examples/demo → cnp: the NetworkPolicy is reported and the differing flow listed, exit 1', async () => {
    const r = await runPalisade(['convert', '-f', 'examples/demo', '--to', 'cnp']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^not converted: NetworkPolicy demo\/demo-policy: ClusterNetworkPolicy has only the Admin and Baseline tiers/m);
    assert.match(r.stderr, /^differs: demo\/client -> demo\/server TCP\/80: denied -> allowed$/m);
  });

  test('mixed models → calico: tiers, Cilium deny-first and non-isolating rules all kept, exit 0', async () => {
    const r = await runPalisade(['convert', ...mixed, '--to', 'calico']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, equivalent);
    assert.match(r.stdout, /name: kube-admin/);
    assert.match(r.stdout, /name: palisade-non-isolating/);
  });

  test('mixed models → cilium: ipBlock over every pod gets endpoint selectors; tiers reported, exit 1', async () => {
    const r = await runPalisade(['convert', ...mixed, '--to', 'cilium']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^approximation: NetworkPolicy x\/x-a-ingress: spec\.ingress\[1\]\.from\[0\]: Cilium CIDR rules never match pod IPs/m);
    assert.match(r.stderr, /^not converted: ClusterNetworkPolicy deny-z-to-c: Cilium has no tiers/m);
    assert.match(r.stdout, /palisade\.dev\/conversion-notes/);
  });

  test('default-tier policies only → cilium is equivalent (ipBlock on pods handled)', async () => {
    const r = await runPalisade(['convert', '-f', fixture('xyz/cluster.yaml'), '-f', fixture('convert/policies.yaml'), '--to', 'cilium']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, equivalent);
  });

  test('round trip k8s/cilium → calico → k8s: the Cilium deny is reported on the way back', async () => {
    const first = await runPalisade(['convert', '-f', fixture('xyz/cluster.yaml'), '-f', fixture('convert/policies.yaml'), '--to', 'calico']);
    assert.equal(first.code, 0, first.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'palisade-convert-'));
    writeFileSync(join(dir, 'calico.yaml'), first.stdout);
    const back = await runPalisade(['convert', '-f', fixture('xyz/cluster.yaml'), '-f', join(dir, 'calico.yaml'), '--to', 'k8s']);
    assert.equal(back.code, 1);
    assert.match(back.stderr, /^not converted: Calico NetworkPolicy y\/y-b-deny: Kubernetes NetworkPolicy has no tiers/m);
    assert.match(back.stderr, /^differs: z\/a -> y\/b TCP\/80: denied -> allowed$/m);
  });

  test('-o json prints a List that re-reads as input', async () => {
    const r = await runPalisade(['convert', '-f', 'examples/demo', '--to', 'calico', '-o', 'json']);
    assert.equal(r.code, 0);
    const list = JSON.parse(r.stdout) as { kind: string; items: Array<{ kind: string }> };
    assert.deepEqual([list.kind, list.items.map((i) => i.kind)], ['List', ['NetworkPolicy']]);
  });

  test('usage: --to is required and must be a known model (exit 2)', async () => {
    const r = await runPalisade(['convert', '-f', 'examples/demo', '--to', 'istio']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are k8s, calico, cilium, cnp/);
  });
});
