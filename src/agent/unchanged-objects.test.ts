// Updates that convert exactly as before are dropped (no patch, no rebuild); every other
// change is kept. Cases: what real clusters send most (Node status, annotations such as the
// agent's own enforcement report) against changes the model reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { SourceObject } from '../sources/object-source.ts';
import { objectRef, sourceName } from './cluster-model.ts';
import { dropUnchanged } from './unchanged-objects.ts';

const meta = (name: string, ns?: string, extra: Record<string, unknown> = {}) => ({ name, ...(ns === undefined ? {} : { namespace: ns }), uid: `u-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', ...extra });
const node = (address: string, conditions: string, labels: Record<string, string> = {}): SourceObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: meta('n1', undefined, { labels }),
  spec: { podCIDR: '10.0.1.0/24' },
  status: { addresses: [{ type: 'InternalIP', address }], conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: conditions }] },
} as SourceObject);
const policy = (port: number, annotations: Record<string, string> = {}): SourceObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('p', 'demo', { annotations }),
  spec: { podSelector: {}, ingress: [{ ports: [{ port }] }] },
} as SourceObject);
const bad = (endPort: number): SourceObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('bad', 'demo'),
  spec: { podSelector: {}, ingress: [{ ports: [{ endPort }] }] },
} as SourceObject);
const key = (o: SourceObject): string => sourceName(objectRef(o));

const cases: ReadonlyArray<{ name: string; before: SourceObject | undefined; after: SourceObject | undefined; dropped: boolean }> = [
  // kubernetes.io/docs/concepts/architecture/nodes/#heartbeats: the kubelet updates .status.
  { name: 'Node heartbeat (status conditions only)', before: node('192.0.2.1', 't1'), after: node('192.0.2.1', 't2'), dropped: true },
  { name: 'Node address changed', before: node('192.0.2.1', 't1'), after: node('192.0.2.9', 't1'), dropped: false },
  { name: 'Node label changed (node selectors read it)', before: node('192.0.2.1', 't1'), after: node('192.0.2.1', 't1', { zone: 'b' }), dropped: false },
  { name: 'the agent\'s own report annotation on a policy', before: policy(80), after: policy(80, { 'palisade.io/enforcement': '{"state":"Partial"}' }), dropped: true },
  { name: 'policy spec changed', before: policy(80), after: policy(8080), dropped: false },
  { name: 'invalid policy, same problem, only the annotation changed', before: bad(90), after: { ...bad(90), metadata: { ...bad(90).metadata, annotations: { a: 'b' } } } as SourceObject, dropped: true },
  { name: 'invalid policy, another problem', before: bad(90), after: bad(91), dropped: false },
  { name: 'deleted', before: policy(80), after: undefined, dropped: false },
  { name: 'created', before: undefined, after: policy(80), dropped: false },
];

for (const c of cases) {
  test(`dropUnchanged: ${c.name} ${c.dropped ? 'is dropped' : 'is kept'}`, () => {
    const o = (c.after ?? c.before) as SourceObject;
    const previous = new Map<string, SourceObject>(c.before === undefined ? [] : [[key(c.before), c.before]]);
    const kept = dropUnchanged(previous, new Map([[key(o), c.after]]), DEFAULT_HANDLERS);
    assert.equal(kept.size, c.dropped ? 0 : 1);
    if (c.dropped) assert.equal(previous.get(key(o)), c.after, 'the latest version is kept for the next comparison');
    else assert.equal(previous.get(key(o)), c.before, 'a kept change is left to the patch that applies it');
  });
}
