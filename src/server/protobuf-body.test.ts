// Decoding what kubectl 1.32 actually sends for `kubectl create namespace demo`
// (captured from the real binary: application/vnd.kubernetes.protobuf), and refusing
// what this server cannot decode rather than dropping it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './api-status.ts';
import { decodeProtobufObject } from './protobuf-body.ts';

const KUBECTL_CREATE_NAMESPACE_DEMO = 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhwKFAoEZGVtbxIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==';

test('protobuf: kubectl create namespace demo decodes to the JSON object', () => {
  const got = decodeProtobufObject(Buffer.from(KUBECTL_CREATE_NAMESPACE_DEMO, 'base64'));
  assert.deepEqual(got, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' }, spec: {}, status: {} });
});

test('protobuf: a kind without a decoding table is 415', () => {
  // Envelope: typeMeta {apiVersion "v1", kind "Pod"}, raw = empty message.
  const envelope = Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x09, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x03, 0x50, 0x6f, 0x64, 0x12, 0x00]);
  assert.throws(() => decodeProtobufObject(envelope), (e: unknown) => e instanceof ApiError && e.status.code === 415);
});

test('protobuf: a non-zero field this server does not know is 415, not dropped', () => {
  // Namespace whose metadata carries field 13 (ownerReferences) with content.
  const meta = [0x0a, 0x01, 0x61, 0x6a, 0x02, 0x0a, 0x00];
  const raw = [0x0a, meta.length, ...meta];
  const envelope = Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, ...Buffer.from('Namespace'), 0x12, raw.length, ...raw]);
  assert.throws(() => decodeProtobufObject(envelope), (e: unknown) => e instanceof ApiError && /field 13 of Namespace.metadata/.test(e.message));
});

test('protobuf: without the k8s magic prefix is a 400', () => {
  assert.throws(() => decodeProtobufObject(Buffer.from('{}')), /missing the k8s envelope prefix/);
});
