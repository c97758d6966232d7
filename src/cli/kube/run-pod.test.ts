// The Pod `run` creates, as kubectl run builds it (k8s.io/kubectl/pkg/cmd/run/run.go and
// generate/versioned/run.go): the seed 000 server and client commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRunPod } from './run-pod.ts';

test('seed 000 server: --labels, --port and --command put the words in command', () => {
  const pod = buildRunPod({
    name: 'server', image: 'agnhost:2.33', namespace: 'demo', labels: 'app=server', port: '80', command: true,
    args: ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'],
  });
  assert.deepEqual(pod, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'server', namespace: 'demo', labels: { app: 'server' } },
    spec: {
      containers: [{ name: 'server', image: 'agnhost:2.33', command: ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'], ports: [{ containerPort: 80 }], resources: {} }],
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always',
    },
    status: {},
  });
});

test('seed 000 client: run=NAME label by default; without --command the words are args', () => {
  const pod = buildRunPod({ name: 'client', image: 'agnhost', namespace: 'demo', command: false, args: ['bash'] }) as { metadata: { labels: unknown }; spec: { containers: Array<Record<string, unknown>> } };
  assert.deepEqual(pod.metadata.labels, { run: 'client' });
  assert.deepEqual(pod.spec.containers[0]?.['args'], ['bash']);
  assert.equal(pod.spec.containers[0]?.['command'], undefined);
});

test('bad values are usage errors', () => {
  assert.throws(() => buildRunPod({ name: 'Bad', image: 'i', namespace: 'x', command: false, args: [] }), /invalid pod name/);
  assert.throws(() => buildRunPod({ name: 'a', image: 'i', namespace: 'x', port: '0', command: false, args: [] }), /--port 0/);
  assert.throws(() => buildRunPod({ name: 'a', image: 'i', namespace: 'x', labels: 'novalue', command: false, args: [] }), /--labels/);
});
