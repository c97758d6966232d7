// Admission with src/api's validation: an invalid NetworkPolicy is rejected at write time
// with Invalid (422) and field causes, as kube-apiserver rejects it
// (pkg/apis/networking/validation/validation.go ValidateNetworkPolicy), unknown fields
// follow the fieldValidation mode (https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation),
// and a rejected write stores nothing and tells no watcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Validator } from './admission.ts';
import { apiValidator } from './admission.ts';
import { resourceKey } from './resource-registry.ts';
import { StoreError } from './store-errors.ts';
import { NETPOL, NS, memoryStore, namespace, pod, policy } from './test-support.ts';

function rejected(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  assert.fail('expected the write to be rejected');
}

const BAD_POLICY = policy('demo', 'p', {
  podSelector: {},
  ingress: [{ ports: [{ protocol: 'TCP', port: 8080, endPort: 80 }] }],
  policyTypes: ['Sideways'],
});

test('admission: an invalid NetworkPolicy → Invalid with one field cause per problem, nothing stored, no event', () => {
  const s = memoryStore({ defaultValidator: apiValidator() });
  s.create(namespace('demo'));
  const events: unknown[] = [];
  s.watch(NETPOL, { resourceVersion: s.resourceVersion }, (e) => events.push(e));
  const err = rejected(() => s.create(BAD_POLICY));
  assert.equal(err.reason, 'Invalid');
  assert.equal(err.code, 422);
  assert.match(err.message, /^NetworkPolicy\.networking\.k8s\.io "p" is invalid: \[/);
  const causes = err.details?.causes ?? [];
  assert.deepEqual(causes.map((c) => [c.reason, c.field]).sort(), [
    ['FieldValueInvalid', 'spec.ingress[0].ports[0].endPort'],
    ['FieldValueNotSupported', 'spec.policyTypes[0]'],
  ]);
  assert.equal(err.details?.kind, 'NetworkPolicy');
  assert.equal(err.details?.group, 'networking.k8s.io');
  assert.equal(s.resourceVersion, '1');
  assert.deepEqual(s.list(NETPOL).items, []);
  assert.deepEqual(events, []);
});

test('admission: an invalid update leaves the stored object as it was', () => {
  const s = memoryStore({ defaultValidator: apiValidator() });
  s.create(namespace('demo'));
  const good = s.create(policy('demo', 'p'));
  rejected(() => s.update(BAD_POLICY));
  assert.deepEqual(s.get(NETPOL, 'p', 'demo'), good);
});

test('admission: valid objects of every core kind pass, with their server-set fields', () => {
  const s = memoryStore({ defaultValidator: apiValidator(), systemNamespaces: ['default'] });
  s.create(namespace('demo', { team: 'a' }));
  s.create(pod('demo', 'web', { app: 'web' }, { spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80, name: 'http' }] }] } }));
  s.create(policy('demo', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }));
  s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.0.1.0/24' } });
  s.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'demo' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  assert.equal(s.resourceVersion, '6');
});

test('admission: unknown fields follow fieldValidation: Strict → BadRequest, Warn → warning, Ignore → silent', () => {
  const s = memoryStore({ defaultValidator: apiValidator() });
  s.create(namespace('demo'));
  const withUnknown = policy('demo', 'p', { podSelector: {}, bogus: 1 });
  const err = rejected(() => s.create(withUnknown, { fieldValidation: 'Strict' }));
  assert.equal(err.reason, 'BadRequest');
  assert.equal(err.message, 'NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.bogus"');
  const warnings: string[] = [];
  s.create(withUnknown, { fieldValidation: 'Warn', warnings, dryRun: true });
  assert.deepEqual(warnings, ['unknown field "spec.bogus"']);
  const quiet: string[] = [];
  s.create(withUnknown, { fieldValidation: 'Ignore', warnings: quiet });
  assert.deepEqual(quiet, []);
});

test('admission: per-resource validators override the default and see the old object on update', () => {
  const seen: string[] = [];
  const onlyLabelled: Validator = ({ operation, object, oldObject }) => {
    seen.push(`${operation} ${oldObject?.metadata.resourceVersion ?? '-'}`);
    return object.metadata.labels?.['ok'] === 'yes'
      ? { causes: [], warnings: [], unknownFields: [] }
      : { causes: [{ reason: 'FieldValueRequired', message: 'required: label ok=yes', field: 'metadata.labels' }], warnings: [], unknownFields: [] };
  };
  const s = memoryStore({ validators: new Map([[resourceKey(NS), onlyLabelled]]) });
  const err = rejected(() => s.create(namespace('x')));
  assert.equal(err.message, 'Namespace "x" is invalid: metadata.labels: required: label ok=yes');
  s.create(namespace('x', { ok: 'yes' }));
  s.update(namespace('x', { ok: 'yes', more: '1' }));
  assert.deepEqual(seen, ['CREATE -', 'CREATE -', 'UPDATE 1']);
});
