// The embedded default wired end to end in one process (root only): Node objects for the
// lab's nodes, a pod created in the store runs in the lab and is reported Running, a
// restart after an unclean stop (lab left behind, as after a crash) reuses the lab and
// adopts the running pod with its address, serving writes a 0600 kubeconfig, and
// stop({ destroy }) leaves no namespace behind; the engine settings reach the agents.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoNetnsLeft, labSkipReason } from '../lab/test-support.ts';
import { destroyLab } from '../lab/topology.ts';
import { readRuntime } from '../cli/commands/up-runtime.ts';
import { renderRuleset } from '../dataplane/render.ts';
import type { EmbeddedClusterOptions } from './embedded-cluster.ts';
import { startEmbeddedCluster } from './embedded-cluster.ts';

const skip = await labSkipReason();
const POD = { group: '', version: 'v1', resource: 'pods' } as const;
const NODE = { group: '', version: 'v1', resource: 'nodes' } as const;

/** A fresh home; afterwards its lab is destroyed and no namespace of `lab.prefix` (set once a lab exists) may be left. */
function tempHome(t: { after(fn: () => Promise<void>): void }): { home: string; lab: { prefix: string } } {
  const home = mkdtempSync(join(tmpdir(), 'palisade-embedded-'));
  const lab = { prefix: 'pl-never-' };
  t.after(async () => {
    await destroyLab(join(home, 'lab'));
    await assertNoNetnsLeft(lab.prefix);
    rmSync(home, { recursive: true, force: true });
  });
  return { home, lab };
}

describe('embedded cluster', { skip }, () => {
  it('runs store pods in the lab, survives a restart, and cleans up', async (t) => {
    const { home, lab } = tempHome(t);

    const first = await startEmbeddedCluster({ home, nodes: 2, serve: true });
    lab.prefix = first.lab?.prefix ?? lab.prefix;
    assert.equal(first.enforced, true);
    assert.deepEqual(first.store.list(NODE).items.map((n) => n.metadata.name), ['node-0', 'node-1']);
    assert.equal(statSync(first.kubeconfigPath ?? '').mode & 0o777, 0o600);
    first.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    first.store.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'agnhost', ports: [{ containerPort: 80 }] }] },
    });
    await first.waitForConvergence({ timeoutMs: 30_000 });
    const pod = first.store.get(POD, 'web', 'demo') as { spec: { nodeName?: string }; status: { phase: string; podIP: string; hostIP: string } };
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.spec.nodeName, 'node-0');
    const labPod = first.lab?.pod('demo/web');
    assert.equal(pod.status.podIP, labPod?.ipv4);
    assert.equal(pod.status.hostIP, first.lab?.nodes[0]?.ipv4);
    // Every agent applied a table that knows the pod.
    assert.equal(first.agents.length, 2);
    assert.ok(first.agents.every((a) => a.status().ready));
    await first.stop({ destroy: false });

    // Like the restart after a crash: the lab is still there and is reused; the pod is adopted as is.
    const second = await startEmbeddedCluster({ home, nodes: 2 });
    assert.equal(second.lab?.id, first.lab?.id);
    await second.waitForConvergence({ timeoutMs: 30_000 });
    assert.equal(second.lab?.pod('demo/web').process?.pid, labPod?.process?.pid);
    assert.equal((second.store.get(POD, 'web', 'demo') as { status: { podIP: string } }).status.podIP, labPod?.ipv4);
    await second.stop({ destroy: true });
    await assertNoNetnsLeft(lab.prefix);
  });
});

// `palisade up --cilium-policy-cidr-match-mode nodes` reaches the agents (the Cilium reader
// of docs/policy-models.md): the same store read by agents of either setting gives node-0
// another table. Cilium: "CIDR rules do not apply to traffic where both sides of the
// connection are either managed by Cilium or use an IP belonging to a node in the cluster"
// unless policy-cidr-match-mode includes nodes
// (https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based).
describe('embedded cluster: engine settings', { skip }, () => {
  it('reads Cilium CIDR rules with the dialect it was started with, and records it', async (t) => {
    const { home, lab } = tempHome(t);
    const drop = /log prefix "palisade drop CiliumNetworkPolicy demo\/client-egress: "/;
    const table = async (dialect: EmbeddedClusterOptions['dialect'], seed: boolean): Promise<string> => {
      const c = await startEmbeddedCluster({ home, nodes: 1, ...(dialect === undefined ? {} : { dialect }) });
      lab.prefix = c.lab?.prefix ?? lab.prefix;
      try {
        if (seed) {
          c.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
          c.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'demo', labels: { app: 'client' } }, spec: { containers: [{ name: 'c', image: 'agnhost' }] } });
          c.store.create({
            apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'client-egress', namespace: 'demo' },
            spec: { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toCIDR: ['0.0.0.0/0', '::/0'] }] },
          });
        }
        await c.waitForConvergence({ timeoutMs: 30_000 });
        assert.deepEqual(readRuntime(home)?.ciliumPolicyCidrMatchMode, dialect?.cilium?.policyCidrMatchMode ?? []);
        const applied = c.agents[0]?.applied();
        assert.ok(applied !== undefined);
        return renderRuleset(applied);
      } finally {
        await c.stop({ destroy: false });
      }
    };
    const byDefault = await table(undefined, true);
    assert.match(byDefault, drop, 'by default the CIDR leaves node-0 out: its egress there is dropped');
    const nodes = await table({ cilium: { policyCidrMatchMode: ['nodes'] } }, false);
    assert.doesNotMatch(nodes, drop, 'with nodes the CIDR covers every address but pods, and demo/client is the only pod');
  });
});
