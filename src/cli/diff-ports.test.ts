// The default port/protocol pairs of `palisade diff`: policy ports (range ends included),
// pod container ports, the protocol filter, the cap, and 80/TCP when nothing is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDiffPorts } from './diff-ports.ts';
import type { Cluster, Pod } from '../model/cluster.ts';
import { EMPTY_CLUSTER } from '../model/cluster.ts';
import type { Policy } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import type { PolicySet } from '../model/tier.ts';
import { STANDARD_TIERS } from '../model/tier.ts';
import { SELECT_ALL } from '../model/selector.ts';

function policyWithPorts(ports: PortMatch[]): PolicySet {
  const p: Policy = {
    id: 'networking.k8s.io/v1/NetworkPolicy/x/p',
    ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'x', name: 'p' },
    tier: 'default', order: 1000, staged: false,
    subject: { namespaces: { kind: 'names', names: ['x'] }, pods: SELECT_ALL },
    ingress: { isolates: true, rules: [{ index: 0, path: 'spec.ingress[0]', action: 'allow', peers: null, ports }] },
  };
  return { tiers: STANDARD_TIERS, policies: [p] };
}

function clusterWithPorts(ports: Pod['ports']): Cluster {
  const pod: Pod = { key: 'x/a', namespace: 'x', name: 'a', labels: {}, ips: ['10.0.0.1'], hostNetwork: false, ports };
  return { ...EMPTY_CLUSTER, pods: [pod] };
}

const noPolicies: PolicySet = { tiers: STANDARD_TIERS, policies: [] };

test('nothing named: 80/TCP (or 80 with the chosen protocol)', () => {
  assert.deepEqual(defaultDiffPorts([{ cluster: EMPTY_CLUSTER, policies: noPolicies }], 'all'), { queries: [{ port: 80, protocol: 'TCP' }], found: 0 });
  assert.deepEqual(defaultDiffPorts([{ cluster: EMPTY_CLUSTER, policies: noPolicies }], 'UDP').queries, [{ port: 80, protocol: 'UDP' }]);
});

test('policy ports of either side, range ends, any-protocol as TCP; named ports skipped; sorted', () => {
  const before = policyWithPorts([
    { protocol: 'UDP', ports: { kind: 'range', from: 53, to: 53 }, path: 'a' },
    { protocol: 'TCP', ports: { kind: 'range', from: 8000, to: 8080 }, path: 'b' },
    { protocol: 'TCP', ports: { kind: 'named', name: 'http' }, path: 'c' },
  ]);
  const after = policyWithPorts([{ protocol: null, ports: { kind: 'range', from: 443, to: 443 }, path: 'd' }]);
  const got = defaultDiffPorts([{ cluster: EMPTY_CLUSTER, policies: before }, { cluster: EMPTY_CLUSTER, policies: after }], 'all');
  assert.deepEqual(got.queries, [
    { port: 443, protocol: 'TCP' }, { port: 8000, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' },
  ]);
  assert.equal(got.found, 4);
});

test('pod container ports count; the protocol filter applies', () => {
  const cluster = clusterWithPorts([{ port: 80, protocol: 'TCP', name: 'http' }, { port: 53, protocol: 'UDP' }]);
  assert.deepEqual(defaultDiffPorts([{ cluster, policies: noPolicies }], 'UDP').queries, [{ port: 53, protocol: 'UDP' }]);
});

test('the cap keeps policy ports before pod ports', () => {
  const cluster = clusterWithPorts([{ port: 1, protocol: 'TCP' }, { port: 2, protocol: 'TCP' }]);
  const policies = policyWithPorts([{ protocol: 'TCP', ports: { kind: 'range', from: 9000, to: 9000 }, path: 'a' }]);
  const got = defaultDiffPorts([{ cluster, policies }], 'all', 2);
  assert.deepEqual(got, { queries: [{ port: 1, protocol: 'TCP' }, { port: 9000, protocol: 'TCP' }], found: 3 });
});
