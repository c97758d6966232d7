// A namespace relabel through recompile(): each named case relabels one namespace so that
// a namespace selector starts or stops matching it, and checks the verdicts before and
// after, that recompile() followed it in place (same lineage) and agrees with compile(),
// and that the journal names the namespace and exactly its pods' slots. Namespace
// changes other than labels are compile()'s (new lineage), and still exact.
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
import type { Cluster, Namespace } from '../model/cluster.ts';
import type { Labels } from '../model/labels.ts';
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

test('namespace relabel: namespaces added, removed, renamed or reordered are a full compile, and exact', () => {
  const before = withWeb({ team: 'frontend' });
  const ps = dbIngress([{ peers: [podsPeer(nsSel({ team: 'frontend' }))] }]);
  const [db, ops, web] = before.namespaces as [Namespace, Namespace, Namespace];
  const cases: ReadonlyArray<readonly [string, readonly Namespace[]]> = [
    ['added', [db, ops, web, ns('extra', { team: 'frontend' })]],
    ['removed (web becomes a namespace only pods name)', [db, ops]],
    ['renamed', [db, ns('ops2', { team: 'ops' }), web]],
    ['reordered', [db, web, ops]],
    ['a name twice', [db, ops, ns('ops', { team: 'frontend' })]],
  ];
  for (const [name, namespaces] of cases) {
    const prev = compile(before, ps);
    const cl = { ...before, namespaces };
    const got = recompile(prev, cl, ps);
    assert.notEqual(internals(got).lineage, internals(prev).lineage, name);
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
