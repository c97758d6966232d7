// A namespace relabel through recompile(): each named case relabels one namespace so that
// a namespace selector starts or stops matching it, and checks the verdicts before and
// after, that recompile() followed it in place (same lineage) and agrees with compile(),
// and that the journal names the namespace and exactly its pods' slots. Namespaces
// created and deleted (below) are followed too; a name twice is compile()'s (new
// lineage), and still exact.
//
// Semantics encoded (upstream docs):
// - Kubernetes NetworkPolicy `namespaceSelector` "selects particular namespaces for which
//   all Pods should be allowed as ingress sources or egress destinations", and with a
//   `podSelector` in the same peer, only those pods of those namespaces:
//   https://kubernetes.io/docs/concepts/services-networking/network-policies/ ("namespaceSelector",
//   "namespaceSelector and podSelector").
// - AdminNetworkPolicy subject `namespaces` (a namespace selector) selects every pod of the
//   matching namespaces: https://network-policy-api.sigs.k8s.io/reference/spec/ (AdminNetworkPolicySubject).
// - Calico namespaced NetworkSets are matched by a rule's `namespaceSelector` + `selector`:
//   https://docs.tigera.io/calico/latest/reference/resources/networkset and
//   https://docs.tigera.io/calico/latest/reference/resources/networkpolicy (EntityRule namespaceSelector).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster, Namespace, Pod } from '../model/cluster.ts';
import type { Labels } from '../model/labels.ts';
import type { NamespaceScope } from '../model/peer.ts';
import type { PolicySet } from '../model/tier.ts';
import { compile, EngineError, internals } from './compile.ts';
import type { CompiledCluster } from './compile.ts';
import { evaluate } from './evaluate.ts';
import type { Flow } from './flow.ts';
import { recompile } from './recompile.ts';
import { cluster, flow, networkSet, ns, nsSel, pod, podsPeer, policy, policySet, port, setsPeer } from './test-builders.ts';

const PODS = [
  pod('db/server', { app: 'db' }, ['10.0.0.1']),
  pod('web/client', { app: 'client' }, ['10.0.0.2']),
  pod('web/other', { app: 'other' }, ['10.0.0.3']),
  pod('ops/tool', { app: 'client' }, ['10.0.0.4']),
];

/** The db server accepts port 5432 from the peers given (a NetworkPolicy of namespace db). */
function dbIngress(peers: Parameters<typeof policy>[0]['ingress']): PolicySet {
  return policySet([policy({ name: 'db-ingress', namespace: 'db', pods: { app: 'db' }, ingress: peers ?? [] })]);
}

/** The cluster with namespace `name` carrying `labels` (besides its name label). */
function withWeb(labels: Labels, sets = false): Cluster {
  return cluster({
    pods: PODS,
    namespaces: [ns('db', { team: 'db' }), ns('ops', { team: 'ops' }), ns('web', labels)],
    networkSets: sets ? [networkSet('web/partners', { role: 'partner' }, ['192.0.2.0/24'])] : [],
  });
}

interface Case {
  readonly name: string;
  readonly ps: PolicySet;
  readonly before: Labels;
  readonly after: Labels;
  readonly sets?: boolean;
  /** Flows and whether they are allowed before and after the relabel. */
  readonly flows: ReadonlyArray<readonly [Flow, boolean, boolean]>;
}

const toDb = (src: string): Flow => flow(src, 'db/server', 5432);

const CASES: readonly Case[] = [
  {
    name: 'namespaceSelector peer starts matching: web gets team=frontend, all its pods are allowed',
    ps: dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))], ports: [port('TCP', 5432)] }]),
    before: {}, after: { team: 'frontend' },
    flows: [[toDb('web/client'), false, true], [toDb('web/other'), false, true], [toDb('ops/tool'), false, false]],
  },
  {
    name: 'namespaceSelector peer stops matching: the label is removed',
    ps: dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))], ports: [port('TCP', 5432)] }]),
    before: { team: 'frontend' }, after: {},
    flows: [[toDb('web/client'), true, false], [toDb('web/other'), true, false]],
  },
  {
    name: 'namespaceSelector and podSelector in one peer: only the matching pods of the relabelled namespace',
    ps: dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }), { app: 'client' })], ports: [port('TCP', 5432)] }]),
    before: { team: 'backend' }, after: { team: 'frontend' },
    flows: [[toDb('web/client'), false, true], [toDb('web/other'), false, false], [toDb('ops/tool'), false, false]],
  },
  {
    name: 'matchExpressions NotIn: env changed from prod to dev stops matching',
    ps: dbIngress([{ peers: [podsPeer(nsSel({ op: 'and', of: [{ op: 'exists', key: 'env' }, { op: 'notIn', key: 'env', values: ['dev'] }] }))] }]),
    before: { env: 'prod' }, after: { env: 'dev' },
    flows: [[toDb('web/client'), true, false], [toDb('ops/tool'), false, false]],
  },
  {
    name: 'AdminNetworkPolicy subject by namespace selector: the relabelled namespace\'s pods become selected and denied',
    ps: policySet([policy({
      kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'lockdown', tier: 'admin', order: 10,
      namespaces: nsSel({ locked: 'true' }), ingress: [{ action: 'deny', peers: [podsPeer(nsSel({}))] }],
    })]),
    before: {}, after: { locked: 'true' },
    flows: [[flow('ops/tool', 'web/client', 80), true, false], [flow('web/client', 'db/server', 80), true, true]],
  },
  {
    name: 'Calico network-set peer with namespaceSelector: a namespaced set comes into scope',
    ps: dbIngress([{ peers: [setsPeer(nsSel({ team: 'frontend' }), { role: 'partner' })] }]),
    before: {}, after: { team: 'frontend' }, sets: true,
    flows: [[flow('192.0.2.7', 'db/server', 5432), false, true], [flow('198.51.100.1', 'db/server', 5432), false, false]],
  },
  {
    name: 'a label no selector reads changes no verdict',
    ps: dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))] }]),
    before: { team: 'frontend' }, after: { team: 'frontend', cost: 'center-7' },
    flows: [[toDb('web/client'), true, true], [toDb('ops/tool'), false, false]],
  },
];

function allowed(c: CompiledCluster, f: Flow): boolean {
  return evaluate(c, f).allowed;
}

for (const c of CASES) {
  test(`namespace relabel: ${c.name}`, () => {
    const before = withWeb(c.before, c.sets);
    const after = withWeb(c.after, c.sets);
    const prev = compile(before, c.ps);
    for (const [f, was] of c.flows) assert.equal(allowed(prev, f), was, `before: ${JSON.stringify(f)}`);
    const lineage = internals(prev).lineage;
    const got = recompile(prev, { ...before, namespaces: after.namespaces }, c.ps, { pods: new Map() });
    const g = internals(got);
    assert.equal(g.lineage, lineage, 'followed in place');
    const want = compile(after, c.ps);
    for (const [f, , now] of c.flows) {
      assert.equal(allowed(got, f), now, `after: ${JSON.stringify(f)}`);
      assert.deepEqual(evaluate(got, f), evaluate(want, f));
    }
    for (const p of PODS) {
      for (const d of ['ingress', 'egress'] as const) assert.deepEqual(got.selecting(p.key, d), want.selecting(p.key, d), `${p.key} ${d}`);
    }
    assert.deepEqual(got.namespace('web'), after.namespaces.find((n) => n.name === 'web'));
    const entry = lineage.journal.at(-1);
    assert.deepEqual(entry?.namespaces, ['web']);
    assert.deepEqual([...(entry?.slots ?? [])].map((s) => g.pods[s]?.key).sort(), ['web/client', 'web/other']);
  });
}

test('namespace relabel: the same labels in a new object change nothing and journal no slot', () => {
  const before = withWeb({ team: 'frontend' });
  const ps = dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))] }]);
  const prev = compile(before, ps);
  const lineage = internals(prev).lineage;
  const fresh: Namespace[] = before.namespaces.map((n) => ({ ...n, labels: { ...n.labels } }));
  const got = recompile(prev, { ...before, namespaces: fresh }, ps);
  assert.equal(internals(got).lineage, lineage);
  assert.deepEqual(lineage.journal.at(-1)?.namespaces, []);
  assert.deepEqual(lineage.journal.at(-1)?.slots, []);
  assert.equal(got.namespace('web'), fresh[2], 'the lineage holds the new object');
  assert.equal(allowed(got, toDb('web/client')), true);
});

test('namespace change: a name twice is a full compile, and exact; reordered, renamed, added or removed namespaces are followed, and exact', () => {
  const before = withWeb({ team: 'frontend' });
  const ps = dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))] }]);
  const [db, ops, web] = before.namespaces as [Namespace, Namespace, Namespace];
  const cases: ReadonlyArray<readonly [string, readonly Namespace[], boolean]> = [
    ['a name twice', [db, ops, ns('ops', { team: 'frontend' })], false],
    ['reordered (compile() reads namespaces by name)', [db, web, ops], true],
    ['renamed (ops/tool is left in a namespace only pods name)', [db, ns('ops2', { team: 'frontend' }), web], true],
    ['added', [db, ops, web, ns('extra', { team: 'frontend' })], true],
    ['removed (web becomes a namespace only pods name)', [db, ops], true],
  ];
  for (const [name, namespaces, followed] of cases) {
    const prev = compile(before, ps);
    const lineage = internals(prev).lineage;
    const cl = { ...before, namespaces };
    const got = recompile(prev, cl, ps);
    assert.equal(internals(got).lineage === lineage, followed, name);
    const want = compile(cl, ps);
    for (const p of PODS) assert.deepEqual(evaluate(got, toDb(p.key)), evaluate(want, toDb(p.key)), `${name}: ${p.key}`);
  }
});

test('namespace relabel: with pod and policy changes in the same recompile', () => {
  const before = withWeb({}, true);
  const ps = dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }), { app: 'client' })] }]);
  const prev = compile(before, ps);
  const lineage = internals(prev).lineage;
  // web is relabelled, a pod is added to it, and a policy admitting the partners' network set comes.
  const added = pod('web/client-2', { app: 'client' }, ['10.0.0.5']);
  const ps2 = policySet([...ps.policies, policy({ name: 'partners', namespace: 'db', pods: { app: 'db' }, ingress: [{ peers: [setsPeer(nsSel({ team: 'frontend' }), {})] }] })]);
  const after = { ...before, namespaces: withWeb({ team: 'frontend' }).namespaces, pods: [...PODS, added] };
  const got = recompile(prev, after, ps2, { pods: new Map([[added.key, added]]) });
  assert.equal(internals(got).lineage, lineage);
  const want = compile(after, ps2);
  for (const src of ['web/client', 'web/client-2', 'web/other', 'ops/tool', '192.0.2.9']) {
    assert.deepEqual(evaluate(got, toDb(src)), evaluate(want, toDb(src)), src);
  }
  assert.equal(allowed(got, toDb('web/client-2')), true);
  assert.equal(allowed(got, toDb('192.0.2.9')), true, 'the new policy sees the set with the new labels');
});

test('namespace relabel: a network set with an invalid net coming into a peer\'s scope is compile()\'s error, and the previous compile stays usable', () => {
  const ps = dbIngress([{ peers: [setsPeer(nsSel({ team: 'frontend' }), {})] }]);
  const before = { ...withWeb({}), networkSets: [networkSet('web/bad', {}, ['not-a-net'])] };
  const prev = compile(before, ps);
  const after = { ...before, namespaces: withWeb({ team: 'frontend' }).namespaces };
  const invalid = (e: unknown): boolean => e instanceof EngineError && e.problems.some((p) => p.includes('web/bad: invalid net'));
  assert.throws(() => compile(after, ps), invalid);
  assert.throws(() => recompile(prev, after, ps), invalid);
  assert.equal(allowed(prev, toDb('web/client')), false, 'not retired');
});

// ---- namespaces created and deleted ----
//
// Semantics encoded (upstream docs):
// - A namespaceSelector selects namespaces by their labels, and with them every pod in
//   them: https://kubernetes.io/docs/concepts/services-networking/network-policies/
//   ("namespaceSelector"); a namespace with no pods yet contributes no pod, so creating
//   one changes no verdict until pods arrive in it.
// - Namespaces are created empty, and deleting one deletes everything in it (pods first)
//   before the namespace itself goes; the API server labels every namespace with
//   kubernetes.io/metadata.name: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
//   ("Working with Namespaces", "Automatic labelling").
// - AdminNetworkPolicy (cluster-scoped) subjects by namespace selector:
//   https://network-policy-api.sigs.k8s.io/reference/spec/ (AdminNetworkPolicySubject).
// Each step is followed in place (same lineage), agrees with compile() (verdicts,
// selections, every selector scope of the policies on every name, prepared peers), and
// journals the namespaces named.

interface LifecycleStep {
  readonly what: string;
  /** The Namespace objects (a pod's namespace not among them is one only pods name). */
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  /** Default: the case's policies. */
  readonly ps?: PolicySet;
  /** The namespaces the step's journal entry names, and pods whose slots it names (none: no slot). */
  readonly journal: readonly string[];
  readonly slots: readonly string[];
  readonly flows: ReadonlyArray<readonly [Flow, boolean]>;
}

interface LifecycleCase {
  readonly name: string;
  readonly ps: PolicySet;
  readonly networkSets?: Cluster['networkSets'];
  readonly start: { readonly namespaces: readonly Namespace[]; readonly pods: readonly Pod[] };
  readonly steps: readonly LifecycleStep[];
}

const DB = ns('db', { team: 'db' });
const OPS = ns('ops', { team: 'ops' });
const WEB = ns('web');
const FROM_FRONTEND = dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))], ports: [port('TCP', 5432)] }]);
const TEAM_X_APP = pod('team-x/app', { app: 'client' }, ['10.0.0.9']);

const LIFECYCLE: readonly LifecycleCase[] = [
  {
    name: 'create an empty namespace that a namespaceSelector matches: nothing changes for traffic until pods arrive; then its pods are matched',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, OPS, WEB], pods: PODS },
    steps: [
      {
        what: 'team-x created with team=frontend, no pods yet', namespaces: [DB, OPS, ns('team-x', { team: 'frontend' }), WEB], pods: PODS,
        journal: ['team-x'], slots: [], flows: [[toDb('web/client'), false], [toDb('ops/tool'), false]],
      },
      {
        what: 'a pod arrives in team-x', namespaces: [DB, OPS, ns('team-x', { team: 'frontend' }), WEB], pods: [...PODS, TEAM_X_APP],
        journal: [], slots: ['team-x/app'], flows: [[toDb('team-x/app'), true], [toDb('web/client'), false]],
      },
    ],
  },
  {
    name: 'an AdminNetworkPolicy subject by namespace selector: a created namespace\'s pods are selected when they arrive',
    ps: policySet([policy({
      kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'lockdown', tier: 'admin', order: 10,
      namespaces: nsSel({ locked: 'true' }), ingress: [{ action: 'deny', peers: [podsPeer(nsSel({}))] }],
    })]),
    start: { namespaces: [DB, OPS, WEB], pods: PODS },
    steps: [
      {
        what: 'vault created with locked=true', namespaces: [DB, OPS, ns('vault', { locked: 'true' }), WEB], pods: PODS,
        journal: ['vault'], slots: [], flows: [[flow('ops/tool', 'web/client', 80), true]],
      },
      {
        what: 'a pod arrives in vault: selected, denied', namespaces: [DB, OPS, ns('vault', { locked: 'true' }), WEB], pods: [...PODS, pod('vault/secret', {}, ['10.0.0.8'])],
        journal: [], slots: ['vault/secret'], flows: [[flow('ops/tool', 'vault/secret', 80), false], [flow('ops/tool', 'web/client', 80), true]],
      },
    ],
  },
  {
    name: 'a namespace created together with a pod and a policy of its own (one watch burst)',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, OPS, WEB], pods: PODS },
    steps: [
      {
        what: 'team-x, team-x/app and a default-deny of team-x at once', namespaces: [DB, OPS, ns('team-x', { team: 'frontend' }), WEB], pods: [...PODS, TEAM_X_APP],
        ps: policySet([...FROM_FRONTEND.policies, policy({ name: 'deny-all', namespace: 'team-x', ingress: [] })]),
        journal: ['team-x'], slots: ['team-x/app'], flows: [[toDb('team-x/app'), true], [flow('web/client', 'team-x/app', 80), false]],
      },
    ],
  },
  {
    name: 'delete an empty namespace: it leaves the namespaceSelector\'s namespaces; no verdict changes',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, OPS, ns('team-x', { team: 'frontend' }), WEB], pods: PODS },
    steps: [
      {
        what: 'team-x deleted', namespaces: [DB, OPS, WEB], pods: PODS,
        journal: ['team-x'], slots: [], flows: [[toDb('web/client'), false], [toDb('ops/tool'), false]],
      },
    ],
  },
  {
    name: 'delete a namespace with its pods in the same recompile (pods go first; the watch coalesces them)',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, OPS, ns('web', { team: 'frontend' })], pods: PODS },
    steps: [
      {
        what: 'web and its pods deleted', namespaces: [DB, OPS], pods: PODS.filter((p) => p.namespace !== 'web'),
        journal: ['web'], slots: ['web/client', 'web/other'], flows: [[toDb('ops/tool'), false]],
      },
    ],
  },
  {
    name: 'a Namespace object for a namespace only pods named: a relabel from the name label alone',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, WEB], pods: PODS },
    steps: [
      {
        what: 'ops gets an object with team=frontend', namespaces: [DB, ns('ops', { team: 'frontend' }), WEB], pods: PODS,
        journal: ['ops'], slots: ['ops/tool'], flows: [[toDb('ops/tool'), true], [toDb('web/client'), false]],
      },
      {
        what: 'and loses it again', namespaces: [DB, WEB], pods: PODS,
        journal: ['ops'], slots: ['ops/tool'], flows: [[toDb('ops/tool'), false]],
      },
    ],
  },
  {
    name: 'a namespace deleted while pods still name it: a relabel to the name label alone',
    ps: FROM_FRONTEND,
    start: { namespaces: [DB, OPS, ns('web', { team: 'frontend' })], pods: PODS },
    steps: [
      {
        what: 'web deleted, its pods stay', namespaces: [DB, OPS], pods: PODS,
        journal: ['web'], slots: ['web/client', 'web/other'], flows: [[toDb('web/client'), false], [toDb('ops/tool'), false]],
      },
    ],
  },
  {
    name: 'Calico network set of a namespace with no object and no pods: it comes into a namespaceSelector peer\'s scope when the namespace is created, and leaves when it is deleted',
    ps: dbIngress([{ peers: [setsPeer(nsSel({ op: 'notIn', key: 'team', values: ['backend'] }), { role: 'partner' })] }]),
    networkSets: [networkSet('partners/ext', { role: 'partner' }, ['192.0.2.0/24'])],
    start: { namespaces: [DB, OPS, WEB], pods: PODS },
    steps: [
      {
        what: 'partners created', namespaces: [DB, OPS, ns('partners'), WEB], pods: PODS,
        journal: ['partners'], slots: [], flows: [[flow('192.0.2.7', 'db/server', 5432), true]],
      },
      {
        what: 'partners deleted', namespaces: [DB, OPS, WEB], pods: PODS,
        journal: ['partners'], slots: [], flows: [[flow('192.0.2.7', 'db/server', 5432), false]],
      },
    ],
  },
];

/** Every selector scope of the policies' subjects and peers. */
function scopesOf(ps: PolicySet): NamespaceScope[] {
  const out: NamespaceScope[] = [];
  for (const p of ps.policies) {
    out.push(p.subject.namespaces);
    for (const r of [...(p.ingress?.rules ?? []), ...(p.egress?.rules ?? [])]) {
      for (const peer of r.peers ?? []) if ((peer.kind === 'pods' || peer.kind === 'networkSets') && peer.namespaces !== null) out.push(peer.namespaces);
    }
  }
  return out;
}

/** The pods of `now` that are not the same objects in `was`, and those gone: the hint. */
function hintBetween(was: readonly Pod[], now: readonly Pod[]): Map<string, Pod | undefined> {
  const before = new Map(was.map((p) => [p.key, p]));
  const after = new Map(now.map((p) => [p.key, p]));
  const out = new Map<string, Pod | undefined>();
  for (const [k, p] of after) if (before.get(k) !== p) out.set(k, p);
  for (const k of before.keys()) if (!after.has(k)) out.set(k, undefined);
  return out;
}

for (const c of LIFECYCLE) {
  test(`namespace created/deleted: ${c.name}`, () => {
    const clusterOf = (s: { namespaces: readonly Namespace[]; pods: readonly Pod[] }): Cluster => ({ namespaces: s.namespaces, pods: s.pods, nodes: [], services: [], networkSets: c.networkSets ?? [] });
    let prev = compile(clusterOf(c.start), c.ps);
    let pods = c.start.pods;
    const lineage = internals(prev).lineage;
    for (const step of c.steps) {
      const cl = clusterOf(step);
      const before = prev.cluster;
      const ps = step.ps ?? c.ps;
      const got = recompile(prev, cl, ps, { pods: hintBetween(pods, step.pods) });
      const g = internals(got);
      assert.equal(g.lineage, lineage, `${step.what}: followed in place`);
      const want = compile(cl, ps);
      for (const [f, allowedNow] of step.flows) {
        assert.equal(allowed(got, f), allowedNow, `${step.what}: ${JSON.stringify(f)}`);
        assert.deepEqual(evaluate(got, f), evaluate(want, f));
      }
      for (const src of step.pods) {
        for (const dst of step.pods) assert.deepEqual(evaluate(got, flow(src.key, dst.key, 5432)), evaluate(want, flow(src.key, dst.key, 5432)), `${step.what}: ${src.key} -> ${dst.key}`);
        for (const d of ['ingress', 'egress'] as const) assert.deepEqual(got.selecting(src.key, d), want.selecting(src.key, d), `${step.what}: ${src.key} ${d}`);
      }
      const w = internals(want);
      const names = new Set([...cl.namespaces, ...before.namespaces].map((n) => n.name).concat(step.pods.map((p) => p.namespace), ['team-x', 'vault', 'partners']));
      for (const scope of scopesOf(ps)) {
        for (const n of names) assert.equal(g.inScope(scope, n), w.inScope(scope, n), `${step.what}: ${JSON.stringify(scope)} on ${n}`);
      }
      for (const n of names) assert.deepEqual(got.namespace(n), want.namespace(n), `${step.what}: namespace ${n}`);
      for (const [peer, prepared] of w.peers) assert.deepEqual(g.peers.get(peer)?.nets, prepared.nets, `${step.what}: nets of ${prepared.key}`);
      const entry = lineage.journal.at(-1);
      assert.deepEqual([...(entry?.namespaces ?? [])].sort(), [...step.journal].sort(), `${step.what}: journaled namespaces`);
      // Pods that went leave their slots journaled too (and whichever pod moved into them).
      for (const k of step.slots) {
        const s = g.podIndex(k);
        if (s !== undefined) assert.ok(entry?.slots.includes(s), `${step.what}: ${k}'s slot journaled`);
      }
      if (step.slots.length === 0) assert.deepEqual(entry?.slots, [], `${step.what}: no slot journaled`);
      prev = got;
      pods = step.pods;
    }
  });
}
