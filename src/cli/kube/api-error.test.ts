// kubectl's error lines for API Status errors (k8s.io/kubectl/pkg/cmd/util/helpers.go
// checkErr, StandardErrorMessage, MultilineError) and the home/kubeconfig resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, formatApiError } from './api-error.ts';
import { kubeconfigPath, labStateDir, palisadeHome } from './palisade-home.ts';

const invalid = (causes: Array<{ field?: string; message: string }>): ApiError => new ApiError(422, {
  kind: 'Status', reason: 'Invalid', code: 422, message: 'NetworkPolicy.networking.k8s.io "p" is invalid: ...',
  details: { name: 'p', group: 'networking.k8s.io', kind: 'NetworkPolicy', causes },
});

test('Invalid with one cause: one line with the field path', () => {
  assert.equal(formatApiError(invalid([{ field: 'spec.ingress[0].ports[0].port', message: 'Invalid value: 0' }])),
    'The NetworkPolicy "p" is invalid: spec.ingress[0].ports[0].port: Invalid value: 0\n');
});

test('Invalid with several causes: a bulleted list', () => {
  assert.equal(formatApiError(invalid([{ field: 'a', message: 'x' }, { message: 'y' }])), 'The NetworkPolicy "p" is invalid: \n* a: x\n* y\n');
});

test('NotFound, AlreadyExists, a source, Unauthorized, no reason', () => {
  const nf = new ApiError(404, { reason: 'NotFound', message: 'pods "x" not found' });
  assert.equal(formatApiError(nf), 'Error from server (NotFound): pods "x" not found\n');
  assert.equal(formatApiError(nf.withSource('deleting', 'p.yaml')), 'Error from server (NotFound): error when deleting "p.yaml": pods "x" not found\n');
  assert.equal(formatApiError(new ApiError(401, { reason: 'Unauthorized', message: 'Unauthorized' })), 'error: You must be logged in to the server (Unauthorized)\n');
  assert.equal(formatApiError(new ApiError(500, { message: 'boom' })), 'Error from server: boom\n');
});

test('home: --home, else $PALISADE_HOME, else ~/.palisade; $KUBECONFIG is ignored', () => {
  const env = { HOME: '/home/u', KUBECONFIG: '/real/cluster' };
  assert.equal(palisadeHome({}, env), '/home/u/.palisade');
  assert.equal(kubeconfigPath({}, env), '/home/u/.palisade/kubeconfig');
  assert.equal(kubeconfigPath({}, { ...env, PALISADE_HOME: '/p' }), '/p/kubeconfig');
  assert.equal(kubeconfigPath({ home: '/h' }, { ...env, PALISADE_HOME: '/p' }), '/h/kubeconfig');
  assert.equal(kubeconfigPath({ home: '/h', kubeconfig: '/k' }, env), '/k');
  assert.equal(labStateDir({ home: '/h' }, env), '/h/lab');
});
