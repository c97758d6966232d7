// Named ports resolve against the destination pod's container ports with the flow's
// protocol (Kubernetes NetworkPolicyPort: "a named port on a pod"); unknown pods and
// non-pod destinations are user errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../engine/compile.ts';
import type { Pod } from '../model/cluster.ts';
import { EMPTY_CLUSTER } from '../model/cluster.ts';
import { STANDARD_TIERS } from '../model/tier.ts';
import { CliError } from './cli-error.ts';
import { resolveFlow } from './resolve-flow.ts';

const server: Pod = {
  key: 'demo/server', namespace: 'demo', name: 'server', labels: {}, ips: ['10.0.0.2'], hostNetwork: false,
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }],
};
const client: Pod = { ...server, key: 'demo/client', name: 'client', ips: ['10.0.0.3'], ports: [] };
const compiled = compile({ ...EMPTY_CLUSTER, namespaces: [{ name: 'demo', labels: {} }], pods: [server, client] }, { tiers: STANDARD_TIERS, policies: [] });
const src = { kind: 'pod', pod: 'demo/client' } as const;

const cases: Array<{ name: string; dst: { kind: 'pod'; pod: string } | { kind: 'ip'; ip: string }; port: number | string; protocol: 'TCP' | 'UDP'; expected: number | RegExp }> = [
  { name: 'a number is taken as is', dst: { kind: 'pod', pod: 'demo/server' }, port: 9999, protocol: 'TCP', expected: 9999 },
  { name: 'a name resolves on the destination pod', dst: { kind: 'pod', pod: 'demo/server' }, port: 'http', protocol: 'TCP', expected: 8080 },
  { name: 'a name resolves with its protocol', dst: { kind: 'pod', pod: 'demo/server' }, port: 'dns', protocol: 'UDP', expected: 53 },
  { name: 'a pod IP stands for the pod', dst: { kind: 'ip', ip: '10.0.0.2' }, port: 'http', protocol: 'TCP', expected: 8080 },
  { name: 'the name with another protocol', dst: { kind: 'pod', pod: 'demo/server' }, port: 'dns', protocol: 'TCP', expected: /no TCP container port named dns \(it is UDP\/53, not TCP\)/ },
  { name: 'a pod without named ports', dst: { kind: 'pod', pod: 'demo/client' }, port: 'http', protocol: 'TCP', expected: /the pod has no named ports/ },
  { name: 'an address outside the pods', dst: { kind: 'ip', ip: '192.0.2.1' }, port: 'http', protocol: 'TCP', expected: /192\.0\.2\.1 is not a pod/ },
  { name: 'an unknown pod', dst: { kind: 'pod', pod: 'demo/nope' }, port: 80, protocol: 'TCP', expected: /--to demo\/nope: no such pod in the input \(pods in demo: client, server\)/ },
  { name: 'an unknown namespace', dst: { kind: 'pod', pod: 'prod/x' }, port: 80, protocol: 'TCP', expected: /no pods in namespace prod/ },
];
for (const c of cases) {
  test(`resolveFlow: ${c.name}`, () => {
    const run = (): number => resolveFlow(compiled, { src, dst: c.dst, port: c.port, protocol: c.protocol }).port;
    if (c.expected instanceof RegExp) assert.throws(run, (e: unknown) => e instanceof CliError && c.expected instanceof RegExp && c.expected.test(e.message));
    else assert.equal(run(), c.expected);
  });
}
