// `palisade get/describe/label/delete` on the policy kinds the server lists beyond the
// built-in ones (Calico, Cilium, admin network policies): the type words resolve through
// the server's discovery as kubectl's do (short names, `resource.group`), and `describe`
// prints exactly what the real kubectl prints for them (its generic describer), followed by
// Palisade's plain-words reading of the policy. Skipped, saying why, without kubectl.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { systemClock } from '../../src/store/clock.ts';
import { loopbackServer } from '../../src/server/test-support.ts';
import { runIn } from './verbs-harness.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = hasKubectl ? false : 'kubectl is not installed (needed to compare with its describe output)';

const LONG = `{"state":"Partial","messages":["${'a Log rule logs nothing here; '.repeat(6)}"]}`;
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-smtp
  labels: {team: sec, tier: x}
spec:
  order: 10
  selector: all()
  types: [Egress]
  egress:
  - action: Deny
    protocol: TCP
    destination: {ports: [25, "587:588"], nets: [10.0.0.0/8]}
  - action: Allow
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: log-then-deny
  namespace: demo
  annotations: {example.com/note: "${LONG.replaceAll('"', '\\"')}", short: "yes"}
spec:
  selector: app == 'server'
  ingress:
  - action: Log
  - action: Deny
    protocol: TCP
    destination: {ports: [80]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-egress, namespace: demo}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: deny-demo}
spec:
  tier: Admin
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: demo}}}
  ingress:
  - action: Deny
    name: from-everyone
    from: [{namespaces: {}}]
`;

function run(kubeconfig: string, env: NodeJS.ProcessEnv, args: readonly string[], stdin?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

test('policy kinds beyond the built-in ones: discovery names, and describe as the real kubectl prints it', { skip }, async (t) => {
  const { dir, kubeconfig, close } = await loopbackServer({ clock: systemClock(), dirPrefix: 'palisade-describe-' });
  t.after(close);
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
  const p = (...args: string[]) => runIn(dir, args);
  const a = await runIn(dir, ['apply', '-f', '-'], MANIFESTS);
  assert.equal(a.code, 0, a.stderr);

  // Type words: short names, plural, `resource.group`; `networkpolicies` stays networking.k8s.io's.
  const cases: Array<{ args: string[]; want: RegExp }> = [
    { args: ['get', 'gnp'], want: /^NAME\s+AGE\ndeny-smtp\s+\S+\n$/ },
    { args: ['get', 'globalnetworkpolicies.projectcalico.org', '-o', 'name'], want: /^globalnetworkpolicy\.projectcalico\.org\/deny-smtp\n$/ },
    { args: ['get', 'caliconetworkpolicies', '-n', 'demo', '-o', 'name'], want: /^networkpolicy\.projectcalico\.org\/log-then-deny\n$/ },
    { args: ['get', 'networkpolicies.projectcalico.org', '-n', 'demo', '-o', 'name'], want: /^networkpolicy\.projectcalico\.org\/log-then-deny\n$/ },
    { args: ['get', 'ciliumnp', '-n', 'demo', '-o', 'name'], want: /^ciliumnetworkpolicy\.cilium\.io\/client-egress\n$/ },
    { args: ['get', 'cnp', '-o', 'name'], want: /^clusternetworkpolicy\.policy\.networking\.k8s\.io\/deny-demo\n$/ },
  ];
  for (const c of cases) {
    const r = await p(...c.args);
    assert.equal(r.code, 0, `${c.args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, c.want, c.args.join(' '));
  }
  const k8s = await p('get', 'networkpolicies', '-n', 'demo');
  assert.equal(k8s.stderr, 'No resources found in demo namespace.\n', 'networkpolicies are networking.k8s.io\'s');
  const unknown = await p('get', 'widgets');
  assert.deepEqual([unknown.code, unknown.stderr], [2, 'error: the server doesn\'t have a resource type "widgets"\n']);

  // describe: kubectl's text exactly, then Palisade's reading.
  for (const [type, name, ns] of [['gnp', 'deny-smtp', undefined], ['caliconetworkpolicy', 'log-then-deny', 'demo'], ['ciliumnp', 'client-egress', 'demo'], ['cnp', 'deny-demo', undefined]] as const) {
    const nsArgs = ns === undefined ? [] : ['-n', ns];
    const want = await run(kubeconfig, env, ['describe', type, name, ...nsArgs]);
    assert.equal(want.status, 0, want.stderr);
    const got = await p('describe', type, name, ...nsArgs);
    assert.equal(got.code, 0, got.stderr);
    const [kubectlPart, palisadePart] = got.stdout.split('\nPalisade:\n');
    assert.equal(`${kubectlPart}`, want.stdout, `describe ${type} ${name}: kubectl's text`);
    assert.ok(palisadePart !== undefined && palisadePart.trim().length > 0, `describe ${type} ${name}: Palisade's reading follows`);
  }

  // label and delete by the same names.
  assert.deepEqual(await p('label', 'gnp', 'deny-smtp', 'reviewed=yes'), { code: 0, stdout: 'globalnetworkpolicy.projectcalico.org/deny-smtp labeled\n', stderr: '' });
  assert.deepEqual(await p('delete', 'globalnetworkpolicy.projectcalico.org', 'deny-smtp'), { code: 0, stdout: 'globalnetworkpolicy.projectcalico.org "deny-smtp" deleted\n', stderr: '' });
});
