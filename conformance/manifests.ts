// Builders for the raw manifests cases are made of. They return plain objects shaped
// exactly like what `kubectl apply` sends, so a case reads like YAML and the lab can
// replay it through the Kubernetes API unchanged.
import type { Protocol } from '../src/model/protocol.ts';
import type { Manifest } from './case.ts';

export interface ContainerPortSpec {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol: Protocol;
}

export interface ContainerSpec {
  readonly name: string;
  readonly ports: readonly ContainerPortSpec[];
  readonly image?: string;
  readonly command?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
}

/** A Namespace with the given labels (the API server adds `kubernetes.io/metadata.name` itself). */
export function namespace(name: string, labels: Readonly<Record<string, string>> = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels } } };
}

export interface PodOptions {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerSpec[];
  /** Pinned addresses; the first is `status.podIP`. */
  readonly ips: readonly string[];
  readonly hostNetwork?: boolean;
  /** `spec.nodeName`; only where a case depends on placement (host-network pods). */
  readonly nodeName?: string;
}

const DEFAULT_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

/** A running Pod with pinned IPs in `status` (the lab pins them; the engine reads them). */
export function pod(options: PodOptions): Manifest {
  const [primary] = options.ips;
  if (primary === undefined) throw new Error(`pod ${options.namespace}/${options.name} needs at least one IP`);
  const spec: Record<string, unknown> = {
    containers: options.containers.map((c) => ({
      name: c.name,
      image: c.image ?? DEFAULT_IMAGE,
      ...(c.command === undefined ? {} : { command: [...c.command] }),
      ...(c.env === undefined ? {} : { env: c.env.map((e) => ({ ...e })) }),
      ports: c.ports.map((p) => ({ ...p })),
    })),
  };
  if (options.hostNetwork === true) spec['hostNetwork'] = true;
  if (options.nodeName !== undefined) spec['nodeName'] = options.nodeName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: options.namespace, name: options.name, labels: { ...options.labels } },
    spec,
    status: { phase: 'Running', podIP: primary, podIPs: options.ips.map((ip) => ({ ip })) },
  };
}

/** A networking.k8s.io/v1 NetworkPolicy; `spec` is written exactly as in YAML. */
export function networkPolicy(namespace: string, name: string, spec: Readonly<Record<string, unknown>>): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace, name },
    spec,
  };
}
