// The kubeconfig `palisade up` writes: readable by kubectl's loader (its shape is
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/),
// owner-only (mode 0600) because the token is the server's only credential.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../store/test-support.ts';
import { writeKubeconfig } from './kubeconfig.ts';

test('kubeconfig: one cluster with the pinned CA, one token user, current context, mode 0600', (t) => {
  const file = path.join(tempDir(t, 'palisade-kubeconfig-'), 'sub', 'kubeconfig');
  writeKubeconfig(file, { server: 'https://127.0.0.1:6443', token: 's3cret', certificateAuthority: 'PEM', namespace: 'demo' });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(parse(fs.readFileSync(file, 'utf8')), {
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'palisade', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('PEM').toString('base64') } }],
    users: [{ name: 'palisade', user: { token: 's3cret' } }],
    contexts: [{ name: 'palisade', context: { cluster: 'palisade', user: 'palisade', namespace: 'demo' } }],
    'current-context': 'palisade',
    preferences: {},
  });
});
