// The cluster of the upstream e2e NetworkPolicy suite (test/e2e/network/netpol/model.go):
// namespaces x, y, z labelled `ns: <name>`, pods a, b, c in each labelled `pod: <name>`,
// one agnhost container per (port, protocol) with container port name
// `serve-<port>-<protocol>`. Pod IPs are pinned so ipBlock cases are deterministic.
import type { Protocol } from '../src/model/protocol.ts';
import type { Manifest } from './case.ts';
import { namespace, pod, type ContainerSpec } from './manifests.ts';

export const E2E_NAMESPACES = ['x', 'y', 'z'] as const;
export const E2E_POD_NAMES = ['a', 'b', 'c'] as const;

export type E2eNamespace = (typeof E2E_NAMESPACES)[number];
export type E2ePodName = (typeof E2E_POD_NAMES)[number];

/** All nine pods in upstream order (x/a, x/b, ..., z/c): the rows and columns of every table. */
export const E2E_PODS: readonly string[] = E2E_NAMESPACES.flatMap((ns) => E2E_POD_NAMES.map((p) => `${ns}/${p}`));

/** x/a = 10.10.0.1, x/b = 10.10.0.2, ..., z/c = 10.10.0.9 (all inside 10.10.0.0/24). */
export function e2ePodIp(ns: E2eNamespace, podName: E2ePodName): string {
  return `10.10.0.${E2E_NAMESPACES.indexOf(ns) * E2E_POD_NAMES.length + E2E_POD_NAMES.indexOf(podName) + 1}`;
}

/** Container port name as model.go's Container.PortName(): `serve-80-tcp`. */
export function e2ePortName(port: number, protocol: Protocol): string {
  return `serve-${port}-${protocol.toLowerCase()}`;
}

function container(port: number, protocol: Protocol): ContainerSpec {
  const lower = protocol.toLowerCase();
  // The commands model.go runs; the lab serves the declared ports itself, but the
  // manifests stay what upstream creates.
  const base = { name: `cont-${port}-${lower}`, ports: [{ containerPort: port, name: e2ePortName(port, protocol), protocol }] };
  switch (protocol) {
    case 'TCP':
      return { ...base, command: ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', String(port)] };
    case 'UDP':
      return { ...base, command: ['/agnhost', 'serve-hostname', '--udp', '--http=false', '--port', String(port)] };
    case 'SCTP':
      return { ...base, command: ['/agnhost', 'porter'], env: [{ name: `SERVE_SCTP_PORT_${port}`, value: 'foo' }] };
  }
}

export interface E2eModelOptions {
  /** The `ports` an upstream test passes to initializeResources; default [80, 81]. */
  readonly ports?: readonly number[];
  /** The `protocols` it passes; default TCP, UDP and SCTP. */
  readonly protocols?: readonly Protocol[];
}

/** Namespaces then pods of the x/y/z model, as raw manifests. */
export function e2eCluster(options: E2eModelOptions = {}): Manifest[] {
  const ports = options.ports ?? [80, 81];
  const protocols = options.protocols ?? ['TCP', 'UDP', 'SCTP'];
  const containers = ports.flatMap((port) => protocols.map((protocol) => container(port, protocol)));
  return [
    ...E2E_NAMESPACES.map((ns) => namespace(ns, { ns })),
    ...E2E_NAMESPACES.flatMap((ns) =>
      E2E_POD_NAMES.map((name) => pod({ namespace: ns, name, labels: { pod: name }, containers, ips: [e2ePodIp(ns, name)] })),
    ),
  ];
}
