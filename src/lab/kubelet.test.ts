// The lab's kubelet: which process a pod runs, which ports it serves, where the scheduler
// puts it (table-driven), and — with a real two-node lab (root only) — that it binds
// pods without a node, creates them with pinned or allocated IPs, reports them Running
// as a kubelet does, recreates a pod replaced under the same name, and removes deleted ones.
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNode, labCommand, labPorts, startKubelet, type KubeletContainer, type KubeletPod, type PodFeedHandler, type PodRef, type PodStatusReport } from './kubelet.ts';
import { createLab, destroyLab, type Lab } from './topology.ts';
import { assertNoNetnsLeft, labSkipReason, tempStateDir } from './test-support.ts';

const c = (argv: string[], ports: KubeletContainer['ports'] = []): KubeletContainer => ({ name: 'c', image: 'agnhost', argv, ports });

describe('labCommand: what a pod runs in the lab', () => {
  // Pod commands of the seed walkthrough (seed 000) and the upstream e2e model (test/e2e/network/netpol/model.go).
  const cases: Array<{ name: string; containers: KubeletContainer[]; want: readonly string[] | undefined }> = [
    { name: 'agnhost serve-hostname runs as agnhost', containers: [c(['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'])], want: ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'] },
    { name: 'agnhost without a slash too', containers: [c(['agnhost', 'netexec', '--http-port=8080'])], want: ['agnhost', 'netexec', '--http-port=8080'] },
    { name: 'bash only keeps the pod alive (serves its ports)', containers: [c(['bash'])], want: undefined },
    { name: 'no command (image entrypoint): serve the ports', containers: [c([])], want: undefined },
    { name: 'bare agnhost (no subcommand): serve the ports', containers: [c(['/agnhost'])], want: undefined },
    { name: 'several containers: the pod serves all declared ports', containers: [c(['/agnhost', 'serve-hostname', '--port', '80']), c(['/agnhost', 'serve-hostname', '--port', '81'])], want: undefined },
  ];
  for (const t of cases) it(t.name, () => assert.deepEqual(labCommand(t.containers), t.want));
});

describe('labPorts: container ports → served ports', () => {
  it('joins containers and drops duplicates, keeping names', () => {
    const got = labPorts([
      c([], [{ port: 80, protocol: 'TCP', name: 'serve-80-tcp' }, { port: 80, protocol: 'UDP' }]),
      c([], [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'SCTP' }]),
    ]);
    assert.deepEqual(got, [{ port: 80, protocol: 'TCP', name: 'serve-80-tcp' }, { port: 80, protocol: 'UDP' }, { port: 81, protocol: 'SCTP' }]);
  });
});

describe('chooseNode: fewest pods, ties by name', () => {
  const cases: Array<{ name: string; nodes: string[]; counts: Record<string, number>; want: string | undefined }> = [
    { name: 'empty cluster: first by name', nodes: ['node-1', 'node-0'], counts: {}, want: 'node-0' },
    { name: 'the less loaded node', nodes: ['node-0', 'node-1'], counts: { 'node-0': 2, 'node-1': 1 }, want: 'node-1' },
    { name: 'a tie goes to the smaller name', nodes: ['node-1', 'node-0'], counts: { 'node-0': 1, 'node-1': 1 }, want: 'node-0' },
    { name: 'no nodes', nodes: [], counts: {}, want: undefined },
  ];
  for (const t of cases) it(t.name, () => assert.equal(chooseNode(t.nodes, new Map(Object.entries(t.counts))), t.want));
});

const skip = await labSkipReason();

describe('kubelet in a real lab', { skip }, () => {
  let lab: Lab;
  let stateDir = '';
  let prefix = '';
  before(async () => {
    stateDir = tempStateDir('kubelet');
    lab = await createLab({ stateDir, nodes: 2, podCidrV6: false });
    prefix = lab.prefix;
  });
  after(async () => {
    if (stateDir === '') return;
    await destroyLab(stateDir);
    await assertNoNetnsLeft(prefix === '' ? 'pl-never-' : prefix);
  });

  it('binds, starts, reports, recreates and removes pods', async () => {
    const binds: string[] = [];
    const statuses = new Map<string, PodStatusReport>();
    let handler: PodFeedHandler | undefined;
    const pod = (name: string, uid: string, extra: Partial<KubeletPod> = {}): KubeletPod => ({
      namespace: 'demo', name, uid, hostNetwork: false, status: { podIPs: [], ready: false },
      containers: [c(['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'], [{ port: 80, protocol: 'TCP' }])], ...extra,
    });
    const kubelet = startKubelet({
      lab, now: () => Date.UTC(2025, 0, 1),
      feed: { start(h) { handler = h; return { stop() { handler = undefined; } }; } },
      writer: {
        async bind(ref: PodRef, node: string) { binds.push(`${ref.namespace}/${ref.name}@${node}`); },
        async writeStatus(ref: PodRef, s: PodStatusReport) { statuses.set(`${ref.namespace}/${ref.name}`, s); },
      },
    });
    try {
      assert.ok(handler !== undefined);
      handler.replace([pod('a', 'u1'), pod('b', 'u2', { pinnedIp: '10.77.0.9' }), pod('c', 'u3', { nodeName: 'node-1' })]);
      await kubelet.idle();
      assert.deepEqual(kubelet.failures(), new Map());
      // a: node-1 has c, so node-0; b: one pod each, the tie goes to node-0.
      assert.deepEqual(binds, ['demo/a@node-0', 'demo/b@node-0']);
      const a = statuses.get('demo/a');
      assert.equal(a?.phase, 'Running');
      assert.equal(a?.ready, true);
      assert.equal(a?.hostIP, lab.nodes[0]?.ipv4);
      assert.deepEqual(a?.podIPs, [lab.pod('demo/a').ipv4]);
      assert.ok(lab.pod('demo/a').ipv4.startsWith('10.240.0.'), lab.pod('demo/a').ipv4);
      assert.deepEqual(statuses.get('demo/b')?.podIPs, ['10.77.0.9']);
      assert.equal(lab.pod('demo/c').node, 'node-1');
      assert.deepEqual(a?.containers.map((x) => [x.name, x.ready, x.startedAt !== undefined]), [['c', true, true]]);

      // The same name with another uid is another pod: recreated (its old process goes).
      const oldPid = lab.pod('demo/c').process?.pid;
      handler.upsert(pod('c', 'u4', { nodeName: 'node-1' }));
      await kubelet.idle();
      assert.notEqual(lab.pod('demo/c').process?.pid, oldPid);

      handler.remove('demo', 'a');
      await kubelet.idle();
      assert.equal(lab.pods.some((p) => p.key === 'demo/a'), false);
      assert.deepEqual(lab.pods.map((p) => p.key).sort(), ['demo/b', 'demo/c']);
    } finally {
      await kubelet.stop();
    }
  });
});
