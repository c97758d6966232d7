// The agent against a real embedded store and a fake table that records transactions:
// no apply before sync, bursts coalesced, delta vs full replace, a failed apply retried
// as a replace with backoff, a restarted agent replacing the table as its first act,
// enforcement reports (annotation palisade.io/enforcement) and metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { KindHandler } from '../api/dialect.ts';
import { DEFAULT_HANDLERS, handlerTable, KIND_HANDLERS } from '../api/handlers.ts';
import { plan } from '../dataplane/plan.ts';
import type { Ruleset } from '../dataplane/ruleset.ts';
import { compile } from '../engine/compile.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { fqdnPeer, policy as irPolicy } from '../engine/test-builders.ts';
import { embeddedStoreSource } from '../sources/embedded-store-source.ts';
import { ENFORCEMENT_ANNOTATION } from '../sources/status-writer.ts';
import { storeStatusWriter } from '../sources/store-status-writer.ts';
import { manualTimers } from '../sources/test-support.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { CORE_RESOURCES, ResourceRegistry } from '../store/resource-registry.ts';
import { CALICO_RESOURCES } from '../store/resources-calico.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { fakeClock, memoryStore, namespace, NETPOL, NODE, NS, POD } from '../store/test-support.ts';
import type { Agent, AgentOptions } from './agent.ts';
import { createAgent } from './agent.ts';
import type { DropLogSource } from './agent.ts';
import type { DropLogHandler } from '../dataplane/drop-log.ts';
import { buildModel } from './cluster-model.ts';
import { ConversionCache } from './conversion-cache.ts';
import type { FakeTable } from './test-support.ts';
import { fakeTable, manualSource, recordingLogger, runningPod, until } from './test-support.ts';

// kubernetes.io/docs/tasks/administer-cluster/declare-network-policy: only app=client may reach app=server.
const DEMO_POLICY = {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'demo-policy', namespace: 'demo' },
  spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] },
};

interface Setup {
  readonly store: ObjectStore;
  readonly table: FakeTable;
  readonly registry: Registry;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly agent: Agent;
}

function setup(t: { after(fn: () => Promise<void> | void): void }, o: Partial<AgentOptions> & { store?: ObjectStore; table?: FakeTable } = {}): Setup {
  const store = o.store ?? memoryStore();
  const table = o.table ?? fakeTable();
  const registry = new Registry();
  const logger = recordingLogger();
  const agent = createAgent({
    node: 'n1', netns: 'test', source: embeddedStoreSource(store), applier: table, clock: fakeClock(), logger, metrics: registry,
    statusWriter: storeStatusWriter(store), debounceMs: 2, retry: { baseMs: 1, maxMs: 8 }, ...o,
  });
  t.after(async () => {
    await agent.stop();
  });
  return { store, table, registry, logger, agent };
}

function seed(store: ObjectStore): void {
  store.create(namespace('demo'));
  store.create(runningPod('demo', 'server', { app: 'server' }, '10.0.0.1', { ports: [{ name: 'http', containerPort: 80 }] }));
  store.create(runningPod('demo', 'client', { app: 'other' }, '10.0.0.2'));
  store.create(runningPod('demo', 'remote', { app: 'client' }, '10.0.1.1', { node: 'n2' }));
}

/** A handler table that counts lookups: a full build looks up one per object, a patch only the changed objects' kinds. */
class CountingTable extends Map<string, KindHandler> {
  lookups = 0;
  override has(key: string): boolean {
    this.lookups++;
    return super.has(key);
  }
}

function relabel(store: ObjectStore, name: string, labels: Record<string, string>): void {
  const p = store.get(POD, name, 'demo');
  store.update({ ...p, metadata: { ...p.metadata, labels } });
}

test('nothing is applied before the source has synced every resource; then one full atomic replace', async (t) => {
  const source = manualSource();
  const { table, agent } = setup(t, { source });
  agent.start();
  const h = source.handler;
  assert.ok(h !== undefined);
  h.onReplace('/v1/namespaces', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', uid: 'u1', resourceVersion: '1', creationTimestamp: '' } }]);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(table.transactions.length, 0, 'a partial cluster is never applied');
  assert.equal(agent.status().synced, false);
  h.onSynced();
  await agent.whenIdle();
  assert.equal(table.transactions.length, 1);
  const first = table.transactions[0];
  assert.equal(first?.op, 'replace');
  // One transaction that creates-if-missing, deletes and redeclares: never a moment without a table.
  assert.match(first?.text ?? '', /^add table inet palisade\ndelete table inet palisade\ntable inet palisade \{/m);
  assert.equal(agent.status().ready, true);
});

test('a burst of changes is coalesced into one reconcile and one delta transaction', async (t) => {
  const { store, table, agent } = setup(t);
  seed(store);
  agent.start();
  await agent.whenIdle();
  const before = agent.status().reconciles;
  assert.equal(table.transactions.length, 1);
  for (let i = 0; i < 30; i++) store.create(runningPod('demo', `burst-${i}`, { app: 'client' }, `10.0.0.${10 + i}`));
  store.create(DEMO_POLICY);
  await agent.whenIdle();
  assert.equal(agent.status().reconciles - before, 1, 'one reconcile for 31 events');
  assert.equal(table.transactions.length, 2);
  assert.equal(table.transactions[1]?.op, 'apply');
  assert.doesNotMatch(table.transactions[1]?.text ?? '', /delete table/);
});

test('a label change is a small delta against the last applied table; a change that does not matter is no transaction', async (t) => {
  const { store, table, agent } = setup(t);
  seed(store);
  store.create(DEMO_POLICY);
  agent.start();
  await agent.whenIdle();
  relabel(store, 'client', { app: 'client' });
  await agent.whenIdle();
  assert.equal(table.transactions.length, 2);
  const d = table.transactions[1];
  assert.equal(d?.op, 'apply');
  const lines = (d?.text ?? '').trim().split('\n');
  assert.ok(lines.length <= 6, `small delta, got:\n${d?.text}`);
  assert.ok(lines.every((l) => /^(add|delete) element inet palisade /.test(l)), `only element changes:\n${d?.text}`);
  assert.equal(agent.status().lastApply?.mode, 'delta');
  // An annotation is no input of the policy decision: a reconcile, but no transaction.
  const p = store.get(POD, 'client', 'demo');
  store.update({ ...p, metadata: { ...p.metadata, annotations: { note: 'x' } } });
  await agent.whenIdle();
  assert.equal(table.transactions.length, 2);
  assert.equal(agent.status().lastApply?.mode, 'none');
});

test('a failed delta is retried, after a backoff, as a full replace; readiness follows the last apply', async (t) => {
  const { store, table, agent, registry } = setup(t);
  seed(store);
  agent.start();
  await agent.whenIdle();
  table.failNext(2);
  store.create(DEMO_POLICY);
  await until(() => agent.status().consecutiveErrors === 1, 'the first failure');
  assert.equal(agent.status().ready, false);
  await until(() => table.transactions.length === 2, 'the retry that succeeds');
  assert.equal(table.transactions[1]?.op, 'replace', 'after a failure the kernel state is unknown: replace');
  await agent.whenIdle();
  assert.equal(agent.status().ready, true);
  assert.equal(agent.status().consecutiveErrors, 0);
  const text = await registry.metrics();
  assert.match(text, /^palisade_apply_errors_total 2$/m);
  assert.match(text, /^palisade_reconciles_total\{result="error"\} 2$/m);
});

test('repeated failures back off exponentially, capped', async (t) => {
  const timers = manualTimers();
  const store = memoryStore();
  seed(store);
  const table = fakeTable();
  table.failNext(100);
  const { agent } = setup(t, { store, table, timers, retry: { baseMs: 10, maxMs: 40 } });
  agent.start();
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    timers.fireAll();
    await until(() => timers.pending().length === 1, `retry ${i + 1} armed`);
    delays.push(...timers.pending());
  }
  assert.deepEqual(delays, [10, 20, 40, 40, 40]);
  assert.equal(table.transactions.length, 0);
  assert.equal(agent.status().consecutiveErrors, 5);
});

test('restart after a crash: the old table stays until the new agent replaces it in one transaction; stop() leaves it', async (t) => {
  const store = memoryStore();
  seed(store);
  store.create(DEMO_POLICY);
  const table = fakeTable();
  const first = setup(t, { store, table });
  first.agent.start();
  await first.agent.whenIdle();
  const applied = first.agent.applied();
  await first.agent.stop();
  assert.equal(table.transactions.length, 1, 'stop() sends nothing: no delete, no flush');
  const second = setup(t, { store, table });
  second.agent.start();
  await second.agent.whenIdle();
  assert.equal(table.transactions.length, 2);
  assert.equal(table.transactions[1]?.op, 'replace', 'the new agent does not know the kernel: its first apply replaces');
  assert.equal(table.transactions[1]?.text, table.transactions[0]?.text, 'same objects, same table');
  assert.deepEqual(second.agent.applied()?.local, applied?.local);
  relabel(store, 'client', { app: 'client' });
  await second.agent.whenIdle();
  assert.equal(table.transactions[2]?.op, 'apply', 'then deltas again');
});

const WIDGET: ResourceType = { group: 'example.io', version: 'v1', resource: 'fqdnpolicies', kind: 'FqdnPolicy', singular: 'fqdnpolicy', namespaced: true, statusSubresource: false };

/** A stand-in dialect with the parts no dataplane enforces: an FQDN peer and L7 rules (Cilium has both). */
const fqdnHandler: KindHandler = {
  apiVersion: 'example.io/v1', kind: 'FqdnPolicy',
  decode(obj) {
    const meta = obj['metadata'] as { name: string; namespace: string };
    const staged = (obj['spec'] as { staged?: boolean } | undefined)?.staged === true;
    const p = irPolicy({
      apiVersion: 'example.io/v1', kind: 'FqdnPolicy', namespace: meta.namespace, name: meta.name, pods: { app: 'client' }, staged,
      egress: [{ peers: [fqdnPeer('*.example.com')] }, { peers: null, l7: { protocol: 'http', summary: 'GET /' } }],
    });
    return { name: meta.name, namespace: meta.namespace, objects: [{ type: 'policy', policy: p }] };
  },
};

test('what cannot be enforced is reported on the object (annotation) and logged, and cleared once fixed', async (t) => {
  const store = memoryStore({ registry: new ResourceRegistry([...CORE_RESOURCES, ...CALICO_RESOURCES, WIDGET]) });
  seed(store);
  const { agent, logger } = setup(t, { store, handlers: handlerTable([...KIND_HANDLERS, fqdnHandler]), source: embeddedStoreSource(store, { handlers: handlerTable([...KIND_HANDLERS, fqdnHandler]) }) });
  // No admission in this store: an invalid policy gets stored, as it can on a real cluster whose checks are laxer than ours.
  store.create({ ...DEMO_POLICY, metadata: { name: 'bad', namespace: 'demo' }, spec: { podSelector: {}, ingress: [{ ports: [{ endPort: 90 }] }] } });
  store.create({ apiVersion: 'example.io/v1', kind: 'FqdnPolicy', metadata: { name: 'web', namespace: 'demo' }, spec: {} });
  store.create({ apiVersion: 'example.io/v1', kind: 'FqdnPolicy', metadata: { name: 'trial', namespace: 'demo' }, spec: { staged: true } });
  store.create(DEMO_POLICY);
  // A Calico Log rule decides nothing and, here, logs nothing: Partial, saying so.
  store.create({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'logged', namespace: 'demo' }, spec: { selector: 'all()', ingress: [{ action: 'Log' }, { action: 'Allow' }] } });
  agent.start();
  await agent.whenIdle();
  const report = (ref: typeof NETPOL | ResourceType, name: string): unknown => {
    const v = store.get(ref, name, 'demo').metadata.annotations?.[ENFORCEMENT_ANNOTATION];
    return v === undefined ? undefined : JSON.parse(v);
  };
  const bad = report(NETPOL, 'bad') as { state: string; messages: string[] };
  assert.equal(bad.state, 'Rejected');
  assert.match(bad.messages.join('\n'), /spec\.ingress\[0\]\.ports\[0\]/);
  const web = report(WIDGET, 'web') as { state: string; messages: string[] };
  assert.equal(web.state, 'Partial');
  assert.equal(web.messages.length, 2);
  assert.match(web.messages.join('\n'), /FQDN/);
  assert.match(web.messages.join('\n'), /L7|not enforced/);
  assert.equal((report(WIDGET, 'trial') as { state: string }).state, 'NotEnforced');
  const calicoPolicies = CALICO_RESOURCES.find((r) => r.kind === 'NetworkPolicy');
  assert.ok(calicoPolicies !== undefined);
  assert.deepEqual(report(calicoPolicies, 'logged'), { state: 'Partial', messages: ['Calico NetworkPolicy demo/logged spec.ingress[0] is a Log rule; it does not log here (the agent logs the packets policies drop, with the deciding policy), and as in Calico it decides nothing'] });
  assert.equal(report(NETPOL, 'demo-policy'), undefined, 'an enforceable policy gets no annotation');
  assert.ok(logger.records.some((r) => r.level === 'warn' && r.msg.includes('NetworkPolicy demo/bad: Rejected')));
  const reconciles = agent.status().reconciles;
  await agent.whenIdle();
  assert.ok(agent.status().reconciles - reconciles <= 1, 'the agent\'s own writes settle');

  const fixed = store.get(NETPOL, 'bad', 'demo');
  store.update({ ...fixed, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 90 }] }] } });
  await agent.whenIdle();
  assert.equal(report(NETPOL, 'bad'), undefined, 'cleared once the policy is valid');
});

test('metrics: policies, rules, set elements, apply latency, reconciles, last apply, drops per policy from the kernel counters', async (t) => {
  const { store, table, agent, registry } = setup(t);
  seed(store);
  store.create(DEMO_POLICY);
  agent.start();
  await agent.whenIdle();
  const drop = agent.applied()?.dropTargets.find((d) => d.key.endsWith('/demo/demo-policy'));
  assert.ok(drop !== undefined, 'the deny policy has a drop chain');
  table.counters.set(`drop_${drop.index}`, { packets: 7, bytes: 420 });
  const text = await registry.metrics();
  assert.match(text, /^palisade_policies 1$/m);
  assert.match(text, /^palisade_rules \d+$/m);
  assert.match(text, /^palisade_set_elements\{set="ingress_local4"\} 1$/m, 'the one pod of node n1 that demo-policy isolates for ingress');
  assert.match(text, /^palisade_set_elements\{set="egress_local4"\} 0$/m, 'no pod of node n1 is isolated for egress');
  assert.match(text, /^palisade_set_elements\{set="addr4"\} 3$/m);
  assert.match(text, /^palisade_apply_duration_seconds_count\{mode="replace"\} 1$/m);
  assert.match(text, /^palisade_reconciles_total\{result="ok"\} 1$/m);
  assert.match(text, /^palisade_last_apply_timestamp_seconds \d+/m);
  assert.match(text, /^palisade_policy_drops_total\{policy="networking.k8s.io\/v1\/NetworkPolicy\/demo\/demo-policy"\} 7$/m);
  // Set elements are counted when scraped, from the table applied by then.
  store.create(runningPod('demo', 'server2', { app: 'server' }, '10.0.0.3', { ports: [{ name: 'http', containerPort: 80 }] }));
  await agent.whenIdle();
  const later = await registry.metrics();
  assert.match(later, /^palisade_set_elements\{set="ingress_local4"\} 2$/m, 'a second isolated server on n1');
  assert.match(later, /^palisade_set_elements\{set="addr4"\} 4$/m);
});

test('pod-only changes (patched model, incremental compile) give the table a full rebuild gives', async (t) => {
  const { store, table, agent } = setup(t);
  seed(store);
  store.create(DEMO_POLICY);
  agent.start();
  await agent.whenIdle();
  // The reference: every object converted and compiled afresh, planned with the same numbering.
  const reference = (previous: Ruleset): Ruleset => {
    const objects = [NS, POD, NETPOL].flatMap((r) => store.list(r).items) as unknown as SourceObject[];
    const { snapshot } = buildModel(objects, DEFAULT_HANDLERS, new ConversionCache());
    return plan(compile(snapshot.cluster, snapshot.policies), { node: 'n1' }, previous.numbering);
  };
  const steps: ReadonlyArray<readonly [string, () => void]> = [
    ['relabel a local pod into the policy', () => relabel(store, 'client', { app: 'client' })],
    ['add a local server', () => store.create(runningPod('demo', 'server2', { app: 'server' }, '10.0.0.3', { ports: [{ name: 'http', containerPort: 80 }] }))],
    ['add a remote client', () => store.create(runningPod('demo', 'remote2', { app: 'client' }, '10.0.1.2', { node: 'n2' }))],
    ['delete a remote client', () => store.delete(POD, 'remote', 'demo')],
    ['a new namespace', () => store.create(namespace('other'))],
    ['a pod in it', () => store.create(runningPod('other', 'x', { app: 'client' }, '10.0.2.1'))],
    ['a duplicate address (full rebuild, warning)', () => store.create(runningPod('demo', 'dup', {}, '10.0.0.3'))],
    ['relabel the server out of the policy', () => relabel(store, 'server', { app: 'web' })],
  ];
  for (const [name, change] of steps) {
    const before = agent.applied();
    assert.ok(before !== undefined);
    change();
    await agent.whenIdle();
    assert.deepEqual(agent.applied(), reference(before), name);
  }
  assert.ok(table.transactions.length > 1);
});

// kubernetes.io/docs/concepts/services-networking/network-policies ("namespaceSelector"):
// labelling a namespace lets all its pods in; a namespace created empty that the selector
// matches changes nothing until pods arrive in it. Deleting a namespace deletes what is
// in it first (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/; the
// embedded store does it in the same commit, so the agent gets one burst). A Namespace
// relabelled, created or deleted patches the last model (namespace-patch.ts) — no other
// object of the cluster is looked at again — and the incremental compile and plan give
// the table a full rebuild gives.
test('namespace changes — relabelled, created, deleted (patched model, incremental compile) — give the table a full rebuild gives', async (t) => {
  const handlers = new CountingTable(DEFAULT_HANDLERS);
  const { store, agent } = setup(t, { handlers });
  store.create(namespace('demo'));
  store.create(namespace('clients'));
  store.create(runningPod('demo', 'server', { app: 'server' }, '10.0.0.1', { ports: [{ name: 'http', containerPort: 80 }] }));
  store.create(runningPod('clients', 'c1', { app: 'client' }, '10.0.1.1', { node: 'n2' }));
  store.create(runningPod('clients', 'c2', { app: 'client' }, '10.0.0.2'));
  store.create({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-frontend', namespace: 'demo' },
    spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }], ports: [{ port: 80 }] }] },
  });
  agent.start();
  await agent.whenIdle();
  const reference = (previous: Ruleset): Ruleset => {
    const objects = [NS, POD, NETPOL].flatMap((r) => store.list(r).items) as unknown as SourceObject[];
    const { snapshot } = buildModel(objects, DEFAULT_HANDLERS, new ConversionCache());
    return plan(compile(snapshot.cluster, snapshot.policies), { node: 'n1' }, previous.numbering);
  };
  const label = (name: string, labels: Record<string, string>): void => {
    const o = store.get(NS, name);
    store.update({ ...o, metadata: { ...o.metadata, labels } });
  };
  const steps: ReadonlyArray<readonly [string, () => void, boolean]> = [
    ['label clients team=frontend: its pods come in', () => label('clients', { team: 'frontend' }), true],
    ['an unrelated label on demo', () => label('demo', { cost: 'x' }), true],
    ['a relabel and a pod in the same burst', () => {
      label('clients', { team: 'backend' });
      store.create(runningPod('clients', 'c3', { app: 'client' }, '10.0.0.3'));
    }, true],
    ['back to team=frontend', () => label('clients', { team: 'frontend' }), true],
    ['a namespace created empty, matched by the namespaceSelector: nothing changes', () => store.create(namespace('more', { team: 'frontend' })), true],
    ['a pod arrives in it: admitted', () => store.create(runningPod('more', 'm1', { app: 'client' }, '10.0.0.5')), true],
    ['its pod goes', () => store.delete(POD, 'm1', 'more'), true],
    ['then the namespace', () => store.delete(NS, 'more'), true],
    ['a namespace and a pod in it in one burst', () => {
      store.create(namespace('burst', { team: 'frontend' }));
      store.create(runningPod('burst', 'b1', { app: 'client' }, '10.0.0.6'));
    }, true],
    ['a namespace deleted with its pods (one commit: pods first)', () => store.delete(NS, 'clients'), true],
    ['the policy\'s namespace deleted with its pod and the policy', () => store.delete(NS, 'demo'), true],
  ];
  for (const [name, change, patched] of steps) {
    const before = agent.applied();
    assert.ok(before !== undefined);
    const lookups = handlers.lookups;
    change();
    await agent.whenIdle();
    assert.deepEqual(agent.applied(), reference(before), name);
    // A full build looks up every object's kind (8 or more here); a patch the changed kinds.
    if (patched) assert.ok(handlers.lookups - lookups <= 3, `${name}: ${handlers.lookups - lookups} handler lookups, a patch needs at most 3`);
    else assert.ok(handlers.lookups - lookups > 3, `${name}: a full build`);
  }
});

// kubernetes.io/docs/concepts/services-networking/network-policies: `kubectl apply` of a
// policy. A change of policy objects patches the last model (policy-patch.ts: the changed
// objects converted alone, their policies swapped in the sorted list) — no other object is
// converted again — and the incremental compile and plan give the table a full rebuild
// gives; the enforcement reports follow the patched policies.
test('policy changes (patched model, incremental compile) give the table and the reports a full rebuild gives', async (t) => {
  const handlers = new CountingTable(handlerTable([...KIND_HANDLERS, fqdnHandler]));
  const store = memoryStore({ registry: new ResourceRegistry([...CORE_RESOURCES, WIDGET]) });
  const { agent } = setup(t, { store, handlers, source: embeddedStoreSource(store, { handlers }) });
  seed(store);
  // Enough objects that a full build (a handler lookup per object) stands out.
  for (let i = 0; i < 30; i++) store.create(runningPod('demo', `filler-${i}`, { app: 'filler' }, `10.0.3.${i + 1}`, { node: 'n2' }));
  store.create(DEMO_POLICY);
  agent.start();
  await agent.whenIdle();
  const reference = (previous: Ruleset): Ruleset => {
    const objects = [NS, NODE, POD, NETPOL, WIDGET].flatMap((r) => store.list(r).items) as unknown as SourceObject[];
    const { snapshot } = buildModel(objects, handlerTable([...KIND_HANDLERS, fqdnHandler]), new ConversionCache());
    return plan(compile(snapshot.cluster, snapshot.policies), { node: 'n1' }, previous.numbering);
  };
  const report = (ref: typeof NETPOL | ResourceType, name: string, ns = 'demo'): { state: string } | undefined => {
    const v = store.get(ref, name, ns).metadata.annotations?.[ENFORCEMENT_ANNOTATION];
    return v === undefined ? undefined : JSON.parse(v) as { state: string };
  };
  const np = (name: string, ns: string, spec: object): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: object } => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
  const steps: ReadonlyArray<readonly [string, () => void, boolean]> = [
    ['the policy allows port 8080 instead of 80', () => {
      const p = store.get(NETPOL, 'demo-policy', 'demo');
      store.update({ ...p, spec: { ...DEMO_POLICY.spec, ingress: [{ ...DEMO_POLICY.spec.ingress[0], ports: [{ port: 8080 }] }] } });
    }, true],
    ['a second policy: the client may send nothing', () => store.create(np('client-deny', 'demo', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Egress'] })), true],
    ['a policy whose rules are enforced only in part (FQDN, L7): reported Partial', () => store.create({ apiVersion: 'example.io/v1', kind: 'FqdnPolicy', metadata: { name: 'web', namespace: 'demo' }, spec: {} }), true],
    ['a staged one: reported NotEnforced', () => store.create({ apiVersion: 'example.io/v1', kind: 'FqdnPolicy', metadata: { name: 'trial', namespace: 'demo' }, spec: { staged: true } }), true],
    ['the first policy deleted', () => store.delete(NETPOL, 'demo-policy', 'demo'), true],
    ['a policy and a pod relabel in one burst', () => {
      store.create(np('server-in', 'demo', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] }));
      relabel(store, 'client', { app: 'client' });
    }, true],
    ['a Node object (not a policy: full rebuild)', () => store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3' }, spec: { podCIDR: '10.0.9.0/24' } }), false],
    ['the FQDN policy deleted: its report goes', () => store.delete(WIDGET, 'web', 'demo'), true],
  ];
  for (const [name, change, patched] of steps) {
    const before = agent.applied();
    assert.ok(before !== undefined);
    const lookups = handlers.lookups;
    change();
    await agent.whenIdle();
    const used = handlers.lookups - lookups;
    assert.deepEqual(agent.applied(), reference(before), name);
    // A patch looks up the changed objects' kinds (old and new version) and the pod kind; a full build one per object.
    if (patched) assert.ok(used <= 8, `${name}: ${used} handler lookups: not a patch`);
    else assert.ok(used > 30, `${name}: ${used} handler lookups: not a full build`);
    if (name.startsWith('a staged')) {
      assert.equal(report(WIDGET, 'web')?.state, 'Partial');
      assert.equal(report(WIDGET, 'trial')?.state, 'NotEnforced');
    }
  }
  assert.equal(report(WIDGET, 'trial')?.state, 'NotEnforced', 'the staged report stays');
});

// kubernetes.io/docs/concepts/architecture/nodes/#heartbeats: kubelets update their Node's
// status all the time, and the agent's own report annotations come back as events. Such
// updates convert as before: no rebuild, no transaction.
test('updates that change nothing the model reads (Node status, annotations) cost no rebuild and no transaction', async (t) => {
  const handlers = new CountingTable(DEFAULT_HANDLERS);
  const { store, table, agent } = setup(t, { handlers });
  seed(store);
  for (let i = 0; i < 30; i++) store.create(runningPod('demo', `filler-${i}`, { app: 'filler' }, `10.0.3.${i + 1}`, { node: 'n2' }));
  store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' }, spec: { podCIDR: '10.0.1.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.2' }], conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 't0' }] } });
  store.create(DEMO_POLICY);
  agent.start();
  await agent.whenIdle();
  const transactions = table.transactions.length;
  const lookups = handlers.lookups;
  const reconciles = agent.status().reconciles;
  for (let i = 1; i <= 5; i++) {
    const n = store.get(NODE, 'n2');
    store.update({ ...n, status: { ...(n['status'] as object), conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: `t${i}` }] } }, { subresource: 'status' });
    const p = store.get(NETPOL, 'demo-policy', 'demo');
    store.update({ ...p, metadata: { ...p.metadata, annotations: { note: `v${i}` } } });
    await agent.whenIdle();
  }
  assert.equal(agent.status().reconciles - reconciles, 5, 'each round reached the agent');
  assert.equal(table.transactions.length, transactions, 'no transaction');
  assert.ok(handlers.lookups - lookups <= 5 * 4, `${handlers.lookups - lookups} handler lookups for 5 rounds: not a rebuild (a rebuild looks up ~40)`);
  // A change the model reads still goes through (a Node is not patched: a full build).
  const before = handlers.lookups;
  const n = store.get(NODE, 'n2');
  store.update({ ...n, status: { ...(n['status'] as object), addresses: [{ type: 'InternalIP', address: '192.0.2.20' }] } }, { subresource: 'status' });
  await agent.whenIdle();
  assert.ok(handlers.lookups - before > 30, 'a new node address rebuilds the model');
});

test('the drop log: each dropped packet is logged with its policy and the pods behind its addresses, counted, and closed on stop', async (t) => {
  let handler: DropLogHandler | undefined;
  let closed = 0;
  const dropLog: DropLogSource = { open: async (h) => { handler = h; return { close: async () => { closed++; } }; } };
  const { store, agent, logger, registry } = setup(t, { dropLog });
  seed(store);
  agent.start();
  await agent.whenIdle();
  assert.ok(handler !== undefined, 'the agent opened the drop log');
  assert.ok(logger.records.some((r) => r.msg === 'logging dropped packets'));
  handler.onPackets([
    { prefix: 'palisade drop NetworkPolicy demo/demo-policy: ', family: 4, protocol: 'TCP', src: '10.0.0.2', srcPort: 40000, dst: '10.0.0.1', dstPort: 80 },
    { prefix: 'palisade drop NetworkPolicy demo/demo-policy: ', family: 4, protocol: 'UDP', src: '192.0.2.9', dst: '10.0.0.1', dstPort: 53 },
    { prefix: 'another program\'s log: ', family: 4, protocol: 'TCP', src: '10.0.0.2', dst: '10.0.0.1' },
  ]);
  handler.onLost?.();
  assert.deepEqual(logger.records.filter((r) => r.msg === 'packet dropped').map((r) => r.obj), [
    { policy: 'NetworkPolicy demo/demo-policy', protocol: 'TCP', src: '10.0.0.2', srcPort: 40000, srcName: 'pod demo/client', dst: '10.0.0.1', dstPort: 80, dstName: 'pod demo/server' },
    { policy: 'NetworkPolicy demo/demo-policy', protocol: 'UDP', src: '192.0.2.9', dst: '10.0.0.1', dstPort: 53, dstName: 'pod demo/server' },
  ]);
  assert.ok(logger.records.some((r) => r.level === 'warn' && /fell behind/.test(r.msg)));
  const text = await registry.metrics();
  assert.match(text, /^palisade_drop_log_up 1$/m);
  assert.match(text, /^palisade_dropped_packets_logged_total 2$/m);
  assert.match(text, /^palisade_drop_log_lost_total 1$/m);
  await agent.stop();
  assert.equal(closed, 1);
  assert.match(await registry.metrics(), /^palisade_drop_log_up 0$/m);
});

test('a drop log that cannot be opened is a warning: the agent enforces all the same', async (t) => {
  const dropLog: DropLogSource = { open: () => Promise.reject(new Error('nflog group 2417 is taken')) };
  const { store, agent, logger, table, registry } = setup(t, { dropLog });
  seed(store);
  agent.start();
  await agent.whenIdle();
  assert.equal(agent.status().ready, true);
  assert.deepEqual(table.transactions.map((x) => x.op), ['replace']);
  await agent.stop();
  const warning = logger.records.find((r) => r.msg === 'dropped packets cannot be logged; drops are still counted');
  assert.deepEqual(warning?.obj, { err: { name: 'Error', message: 'nflog group 2417 is taken' } });
  assert.match(await registry.metrics(), /^palisade_drop_log_up 0$/m);
});
