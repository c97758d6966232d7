// Property tests: no input text or object shape makes parsing or validation throw, and
// no handler hits its internal-error path ("no stack traces ever" at the edge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KIND_HANDLERS } from './handlers.ts';
import { parseText } from './parse-text.ts';
import { buildSnapshot } from './snapshot.ts';

test('property: parseText never throws; every problem names its source', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
    const r = parseText(text, 'fuzz.yaml');
    assert.ok(r.problems.every((p) => p.source === 'fuzz.yaml' && p.message.length > 0));
  }), { numRuns: 300 });
});

const kinds = fc.constantFrom(...KIND_HANDLERS.map((h) => [h.apiVersion, h.kind] as const));
const value = fc.jsonValue({ maxDepth: 4 });
const metadata = fc.oneof(value, fc.record({ name: fc.oneof(fc.constant('ok'), value), namespace: fc.oneof(fc.constant('ns'), value), labels: value }, { requiredKeys: [] }));
const selector = fc.oneof(value, fc.record({ matchLabels: value, matchExpressions: fc.array(fc.record({ key: value, operator: fc.oneof(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), value), values: value }, { requiredKeys: [] })) }, { requiredKeys: [] }));
const peer = fc.record({ podSelector: selector, namespaceSelector: selector, ipBlock: fc.oneof(value, fc.record({ cidr: fc.oneof(fc.constantFrom('10.0.0.0/8', '::/0', '1.2.3.4/33'), value), except: value })) }, { requiredKeys: [] });
const rule = fc.record({ from: fc.oneof(value, fc.array(peer)), to: fc.oneof(value, fc.array(peer)), ports: fc.oneof(value, fc.array(fc.record({ port: value, endPort: value, protocol: value }, { requiredKeys: [] }))) }, { requiredKeys: [] });
const spec = fc.oneof(value, fc.record({
  podSelector: selector, ingress: fc.oneof(value, fc.array(rule)), egress: fc.oneof(value, fc.array(rule)), policyTypes: value,
  replicas: value, selector, template: fc.oneof(value, fc.record({ metadata, spec: value })), containers: value, podCIDR: value, ports: value,
}, { requiredKeys: [] }));

test('property: buildSnapshot never throws and no handler fails internally, whatever the shape', () => {
  fc.assert(fc.property(fc.array(fc.tuple(kinds, metadata, spec, value), { maxLength: 4 }), (items) => {
    const documents = items.map(([[apiVersion, kind], meta, sp, status], index) => ({
      source: 'fuzz.yaml', index, object: { apiVersion, kind, metadata: meta, spec: sp, status },
    }));
    const s = buildSnapshot(documents);
    for (const p of s.problems) assert.ok(!p.message.startsWith('internal error'), p.message);
  }), { numRuns: 400 });
});
