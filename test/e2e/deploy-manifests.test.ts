// Offline checks of deploy/: the real `kubectl kustomize` renders it, and the rendered
// objects pass the embedded API server's validation through the real
// `kubectl apply --dry-run=server -k deploy/` (the deploy kinds registered as plain types,
// src/store/resources-deploy.ts; the DaemonSet also goes through src/api's apps/v1
// workload checks). Also what the DaemonSet must say for the agent to work (hostNetwork,
// NODE_NAME from spec.nodeName, probes on the agent's loopback port) and that the RBAC is
// least privilege: read exactly the resources the agent follows, `patch` only the policy
// resources (the enforcement annotation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loopbackServer } from '../../src/server/test-support.ts';
import { systemClock } from '../../src/store/clock.ts';
import { CORE_RESOURCES, ResourceRegistry } from '../../src/store/resource-registry.ts';
import { DEPLOY_RESOURCES } from '../../src/store/resources-deploy.ts';
import { namespace } from '../../src/store/test-support.ts';
import { defaultKubernetesResources } from '../../src/sources/kubernetes-source.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = hasKubectl ? false : 'kubectl is not installed (needed to render the kustomization)';

interface Result { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function kubectl(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

async function rendered(): Promise<Obj[]> {
  const r = await kubectl(['kustomize', DEPLOY]);
  assert.equal(r.status, 0, r.stderr);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

test('deploy/: kubectl kustomize renders the namespace, service account, RBAC and DaemonSet', { skip }, async () => {
  const objs = await rendered();
  assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}${o.metadata.namespace === undefined ? '' : ` -n ${o.metadata.namespace}`}`), [
    'Namespace/palisade-system',
    'ServiceAccount/palisade-agent -n palisade-system',
    'ClusterRole/palisade-agent',
    'ClusterRoleBinding/palisade-agent',
    'DaemonSet/palisade-agent -n palisade-system',
  ]);
  const ds = objs.find((o) => o.kind === 'DaemonSet') as unknown as { spec: { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } } };
  const pod = ds.spec.template.spec;
  assert.equal(pod.hostNetwork, true, 'enforces in the node\'s network namespace');
  assert.equal(pod.serviceAccountName, 'palisade-agent');
  assert.equal(pod.priorityClassName, 'system-node-critical');
  assert.deepEqual(pod.tolerations, [{ operator: 'Exists' }], 'runs on every node, whatever its taints');
  const c = pod.containers[0] as { env: Array<{ name: string; value?: string; valueFrom?: unknown }>; livenessProbe: { httpGet: unknown }; readinessProbe: { httpGet: unknown }; securityContext: { capabilities: { add: string[] } } };
  assert.deepEqual(c.env.find((e) => e.name === 'NODE_NAME')?.valueFrom, { fieldRef: { fieldPath: 'spec.nodeName' } });
  const port = Number(c.env.find((e) => e.name === 'PALISADE_HEALTH_PORT')?.value);
  assert.deepEqual(c.livenessProbe.httpGet, { host: '127.0.0.1', path: '/healthz', port });
  assert.deepEqual(c.readinessProbe.httpGet, { host: '127.0.0.1', path: '/readyz', port });
  assert.deepEqual([...c.securityContext.capabilities.add].sort(), ['NET_ADMIN', 'NET_RAW']);

  const role = objs.find((o) => o.kind === 'ClusterRole') as unknown as { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
  assert.ok(!role.rules.some((r) => r.resources.includes('*') || r.apiGroups.includes('*') || r.verbs.includes('*')), 'no wildcards');
  const granted = (verb: string): string[] => role.rules.filter((r) => r.verbs.includes(verb)).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))).sort();
  const followed = defaultKubernetesResources().map((r) => `${r.group}/${r.resource}`).sort();
  for (const verb of ['get', 'list', 'watch']) assert.deepEqual(granted(verb), followed, `${verb}: exactly the resources the agent follows`);
  assert.deepEqual(new Set(role.rules.flatMap((r) => r.verbs)), new Set(['get', 'list', 'watch', 'patch']), 'no other verbs');
  const core = new Set(['/pods', '/namespaces', '/nodes', '/services']);
  assert.deepEqual(granted('patch'), followed.filter((r) => !core.has(r)), 'patch (the enforcement annotation) on the policy resources only');
});

test('deploy/: kubectl apply --dry-run=server -k is accepted by the embedded API server, and nothing is stored', { skip }, async (t) => {
  const { store, dir, kubeconfig, close } = await loopbackServer({
    clock: systemClock(), store: { registry: new ResourceRegistry([...CORE_RESOURCES, ...DEPLOY_RESOURCES]) }, dirPrefix: 'palisade-deploy-',
  });
  t.after(close);
  // A dry run creates nothing, so the namespaced objects need their namespace to exist (as on a real server).
  store.create(namespace('palisade-system'));
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
  const rv = store.resourceVersion;
  const r = await kubectl(['apply', '--dry-run=server', '-k', DEPLOY, '--kubeconfig', kubeconfig], env);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [
    'clusterrole.rbac.authorization.k8s.io/palisade-agent created (server dry run)',
    'clusterrolebinding.rbac.authorization.k8s.io/palisade-agent created (server dry run)',
    'daemonset.apps/palisade-agent created (server dry run)',
    'namespace/palisade-system configured (server dry run)',
    'serviceaccount/palisade-agent created (server dry run)',
  ]);
  assert.equal(store.resourceVersion, rv, 'a dry run stores nothing');

  // The check can fail: a DaemonSet whose selector misses its template's labels is refused (apps/v1 validation).
  const broken = path.join(dir, 'broken');
  fs.mkdirSync(broken);
  for (const f of fs.readdirSync(DEPLOY)) if (f.endsWith('.yaml')) fs.copyFileSync(path.join(DEPLOY, f), path.join(broken, f));
  const dsFile = path.join(broken, 'daemonset.yaml');
  fs.writeFileSync(dsFile, fs.readFileSync(dsFile, 'utf8').replace('      labels:\n        app.kubernetes.io/name: palisade-agent', '      labels:\n        app.kubernetes.io/name: something-else'));
  const bad = await kubectl(['apply', '--dry-run=server', '-k', broken, '--kubeconfig', kubeconfig], env);
  assert.notEqual(bad.status, 0, 'a mismatched selector must be rejected');
  assert.match(bad.stderr, /DaemonSet/);
});
