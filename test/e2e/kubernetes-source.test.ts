// The agent in its DaemonSet mode, against a Kubernetes API server over the network:
// the real createAgent with the kubernetes source (client-node ListWatch informers) and a
// recording node table, against the embedded API server (HTTPS, bearer token, ephemeral
// loopback port) over an in-memory store; beside it the same agent code with the embedded
// store source. Both must hold the same ruleset after every change, including across a
// restart of the API server (watches resume from their resourceVersion: no relist) and a
// forced 410 Gone (the store's watch history is tiny: the resources are relisted).
// Contract: src/sources/object-source.ts (after client-go's reflector,
// k8s.io/client-go/tools/cache/reflector.go: resume, relist on "too old resource version").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import type { Agent } from '../../src/agent/agent.ts';
import { createAgent } from '../../src/agent/agent.ts';
import { fakeTable, recordingLogger, runningPod, until } from '../../src/agent/test-support.ts';
import { walkPacket } from '../../src/dataplane/packet-walk.ts';
import { renderRuleset } from '../../src/dataplane/render.ts';
import type { Ruleset } from '../../src/dataplane/ruleset.ts';
import { createApiServer } from '../../src/server/api-server.ts';
import type { RunningApiServer } from '../../src/server/api-server.ts';
import { writeKubeconfig } from '../../src/server/kubeconfig.ts';
import { generateSelfSignedCert } from '../../src/server/self-signed-cert.ts';
import type { TlsMaterial } from '../../src/server/self-signed-cert.ts';
import { embeddedStoreSource } from '../../src/sources/embedded-store-source.ts';
import { defaultKubernetesResources, kubernetesSource } from '../../src/sources/kubernetes-source.ts';
import type { ObjectSource } from '../../src/sources/object-source.ts';
import { apiValidator } from '../../src/store/admission.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { resourceKey } from '../../src/store/resource-registry.ts';
import { counterIds, fakeClock, namespace, POD } from '../../src/store/test-support.ts';

const TOKEN = 'kubernetes-source-token';

// kubernetes.io/docs/tasks/administer-cluster/declare-network-policy (seed 000's demo-policy).
const DEMO_POLICY = {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'demo-policy', namespace: 'demo' },
  spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] },
};
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.0.0.9', '192.0.2.7'];

/** Wraps a source to log what it delivers: `replace <resource>`, `<TYPE> <resource>`, `synced`, `error <resource>`. */
function spied(src: ObjectSource, log: string[]): ObjectSource {
  return {
    description: src.description,
    start: (h) => src.start({
      onReplace: (r, objects) => { log.push(`replace ${r}`); h.onReplace(r, objects); },
      onEvent: (e) => { log.push(`${e.type} ${e.resource}`); h.onEvent(e); },
      onSynced: () => { log.push('synced'); h.onSynced(); },
      onError: (err, c) => { log.push(`error ${c.resource}`); h.onError?.(err, c); },
    }),
  };
}

/** What a ruleset does, independent of how its identities happen to be numbered: every packet's verdict and the policy that drops it. */
function behaviour(r: Ruleset | undefined): string[] {
  if (r === undefined) return ['no table'];
  const out = [`local ${r.local.map((a) => a.ip).join(' ')}`];
  for (const src of IPS) {
    for (const dst of IPS) {
      for (const protocol of ['TCP', 'UDP'] as const) {
        for (const port of [80, 443]) {
          const w = walkPacket(r, { src, dst, protocol, port });
          const key = w.target === undefined ? '' : ` by ${r.dropTargets.find((t) => t.index === w.target)?.key ?? '?'}`;
          out.push(`${src}->${dst} ${protocol}/${port}: ${w.verdict}${key}`);
        }
      }
    }
  }
  return out;
}

function verdict(r: Ruleset | undefined, src: string, dst: string, port = 80): string {
  return r === undefined ? 'no table' : walkPacket(r, { src, dst, protocol: 'TCP', port }).verdict;
}

interface Harness {
  readonly store: ObjectStore;
  readonly kube: Agent;
  readonly embedded: Agent;
  readonly log: string[];
  /** Stops serving (open watches end), for the given work, then serves again on the same port with the same certificate. */
  whileDown(work: () => void | Promise<void>): Promise<void>;
  /** Waits until both agents hold rulesets that behave the same. */
  converged(what: string): Promise<void>;
  /** Fresh agents of both kinds, started now: their first (full) rulesets must be the same text. */
  freshTexts(): Promise<[string, string]>;
}

async function harness(t: { after(fn: () => unknown): void }, historySize?: number): Promise<Harness> {
  const clock = fakeClock();
  const store = new ObjectStore({ clock, idGenerator: counterIds(), defaultValidator: apiValidator(), ...(historySize === undefined ? {} : { historySize }) });
  store.create(namespace('demo'));
  store.create(runningPod('demo', 'server', { app: 'server' }, '10.0.0.1', { ports: [{ name: 'http', containerPort: 80 }] }));
  store.create(runningPod('demo', 'client', { app: 'other' }, '10.0.0.2'));
  store.create(runningPod('demo', 'remote', { app: 'client' }, '10.0.1.1', { node: 'n2' }));
  // The certificate must be valid for the real clock (the client checks it), the store's clock is fake.
  const tls: TlsMaterial = generateSelfSignedCert(Date.now());
  const serve = (port: number): Promise<RunningApiServer> =>
    createApiServer({ store, token: TOKEN, clock, bookmarkIntervalMs: 0, tls }).listen('127.0.0.1', port);
  let running: RunningApiServer | undefined = await serve(0);
  const port = running.port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-kube-source-'));
  const file = path.join(dir, 'kubeconfig');
  writeKubeconfig(file, { server: running.url, token: TOKEN, ...(running.caCert === undefined ? {} : { certificateAuthority: running.caCert }) });
  const kc = new KubeConfig();
  kc.loadFromFile(file);

  const log: string[] = [];
  const agents: Agent[] = [];
  const agent = (source: ObjectSource): Agent => {
    const a = createAgent({
      node: 'n1', netns: null, source, applier: fakeTable(), clock, logger: recordingLogger(), metrics: new Registry(),
      debounceMs: 2, retry: { baseMs: 5, maxMs: 50 },
    });
    agents.push(a);
    a.start();
    return a;
  };
  const kubeSource = (): ObjectSource => kubernetesSource({ kubeConfig: kc, backoff: { baseMs: 20, maxMs: 200 }, resyncMs: 0 });
  const kube = agent(spied(kubeSource(), log));
  const embedded = agent(embeddedStoreSource(store));
  t.after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await running?.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const converged = async (what: string): Promise<void> => {
    await embedded.whenIdle();
    const want = behaviour(embedded.applied());
    await until(() => kube.status().ready && JSON.stringify(behaviour(kube.applied())) === JSON.stringify(want), `the kubernetes-source agent to converge (${what})`, 15_000);
  };
  return {
    store, kube, embedded, log, converged,
    async whileDown(work) {
      await running?.close();
      running = undefined;
      await work();
      running = await serve(port);
    },
    async freshTexts() {
      const k = agent(kubeSource());
      const e = agent(embeddedStoreSource(store));
      await e.whenIdle();
      await until(() => k.status().ready, 'a fresh kubernetes-source agent to apply', 15_000);
      return [renderRuleset(k.applied() as Ruleset), renderRuleset(e.applied() as Ruleset)];
    },
  };
}

function relabel(store: ObjectStore, name: string, labels: Record<string, string>): void {
  const p = store.get(POD, name, 'demo');
  store.update({ ...p, metadata: { ...p.metadata, labels } });
}

test('client-node informers drive the agent to the embedded source\'s ruleset; an API server restart resumes the watches without a relist', async (t) => {
  const h = await harness(t);
  await h.converged('initial sync');
  const syncedAt = h.log.indexOf('synced');
  assert.deepEqual(h.log.slice(0, syncedAt).filter((l) => l.startsWith('replace ')).sort(), defaultKubernetesResources().map((r) => `replace ${resourceKey(r)}`).sort(),
    'every followed resource (core and policy CRDs) listed before synced');
  assert.ok(h.log.includes('replace networking.k8s.io/v1/networkpolicies'));
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'accept', 'no policy yet');

  h.store.create(DEMO_POLICY);
  await h.converged('policy created');
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'drop', 'client (app=other) is not allowed');
  assert.equal(verdict(h.kube.applied(), '10.0.1.1', '10.0.0.1'), 'accept', 'remote (app=client) is allowed');
  assert.ok(h.log.includes('ADDED networking.k8s.io/v1/networkpolicies'));

  const before = h.log.length;
  await h.whileDown(async () => {
    relabel(h.store, 'client', { app: 'client' });
    await new Promise((r) => setTimeout(r, 100));
  });
  await h.converged('after the API server restart');
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'accept', 'the relabel made while the server was down arrived');
  const after = h.log.slice(before);
  assert.ok(after.some((l) => l.startsWith('error ')), `the broken watches were reported: ${after.join(', ')}`);
  assert.ok(after.includes('MODIFIED /v1/pods'), 'the change came as a watch event');
  assert.deepEqual(after.filter((l) => l.startsWith('replace ')), [], 'resumed from the resourceVersion: nothing relisted');

  const [kubeText, embeddedText] = await h.freshTexts();
  assert.equal(kubeText, embeddedText, 'fresh agents of both kinds render the very same table');
});

test('forced 410 Gone (tiny watch history): the watch resumes too late, the resources are relisted, the agent converges', async (t) => {
  const h = await harness(t, 3);
  h.store.create(DEMO_POLICY);
  await h.converged('initial sync');
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'drop');
  const before = h.log.length;
  await h.whileDown(() => {
    relabel(h.store, 'client', { app: 'client' });
    for (let i = 0; i < 6; i++) h.store.create(runningPod('demo', `extra${i}`, { app: 'client' }, `10.0.0.${20 + i}`));
    h.store.delete(POD, 'extra0', 'demo');
  });
  await h.converged('after the relist');
  const after = h.log.slice(before);
  assert.ok(after.includes('replace /v1/pods'), `pods were relisted: ${after.join(', ')}`);
  assert.equal(after.filter((l) => l === 'synced').length, 0, 'synced is said once, at the start');
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'accept');
  assert.deepEqual(h.kube.applied()?.local.map((a) => a.ip), h.embedded.applied()?.local.map((a) => a.ip));
  assert.ok(!h.kube.applied()?.addresses.some((a) => a.ip === '10.0.0.20'), 'the pod deleted while the server was down is gone');

  // After the relist, events follow it.
  relabel(h.store, 'client', { app: 'other' });
  await h.converged('an event after the relist');
  assert.equal(verdict(h.kube.applied(), '10.0.0.2', '10.0.0.1'), 'drop');
});
