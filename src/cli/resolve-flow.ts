// Turns `eval`'s --from/--to/--port/--protocol into an engine Flow against a compiled
// cluster: pods must exist, and a named port resolves against the destination pod's
// container ports with that protocol (Kubernetes semantics).
import type { Pod } from '../model/cluster.ts';
import type { Protocol } from '../model/protocol.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import type { Flow, FlowEndpoint } from '../engine/flow.ts';
import { CliError } from './cli-error.ts';

export interface FlowRequest {
  readonly src: FlowEndpoint;
  readonly dst: FlowEndpoint;
  readonly port: number | string;
  readonly protocol: Protocol;
}

/** Checks a pod endpoint exists; an address stays an address (the engine maps pod IPs). */
export function checkEndpoint(compiled: CompiledCluster, flag: string, e: FlowEndpoint): void {
  if (e.kind !== 'pod' || compiled.pod(e.pod) !== undefined) return;
  const ns = e.pod.slice(0, e.pod.indexOf('/'));
  const inNs = compiled.cluster.pods.filter((p) => p.namespace === ns).map((p) => p.name).sort();
  const hint = inNs.length === 0
    ? `no pods in namespace ${ns}`
    : `pods in ${ns}: ${inNs.slice(0, 10).join(', ')}${inNs.length > 10 ? ', ...' : ''}`;
  throw new CliError(`${flag} ${e.pod}: no such pod in the input (${hint})`);
}

/** The pod a destination endpoint stands for: itself, or the pod owning that address. */
function destinationPod(compiled: CompiledCluster, e: FlowEndpoint): Pod | undefined {
  return e.kind === 'pod' ? compiled.pod(e.pod) : compiled.podByIp(e.ip);
}

export function resolvePort(compiled: CompiledCluster, dst: FlowEndpoint, port: number | string, protocol: Protocol): number {
  if (typeof port === 'number') return port;
  const pod = destinationPod(compiled, dst);
  if (pod === undefined) {
    throw new CliError(`--port ${port}: a named port needs a destination pod to resolve against, and ${dst.kind === 'ip' ? dst.ip : dst.pod} is not a pod`);
  }
  const match = pod.ports.find((p) => p.name === port && p.protocol === protocol);
  if (match !== undefined) return match.port;
  const other = pod.ports.find((p) => p.name === port);
  const named = pod.ports.filter((p) => p.name !== undefined).map((p) => `${p.name}=${p.protocol}/${p.port}`);
  const hint = other !== undefined
    ? `it is ${other.protocol}/${other.port}, not ${protocol}`
    : named.length === 0 ? 'the pod has no named ports' : `its named ports: ${named.join(', ')}`;
  throw new CliError(`--port ${port}: pod ${pod.key} has no ${protocol} container port named ${port} (${hint})`);
}

export function resolveFlow(compiled: CompiledCluster, req: FlowRequest): Flow {
  checkEndpoint(compiled, '--from', req.src);
  checkEndpoint(compiled, '--to', req.dst);
  return { src: req.src, dst: req.dst, protocol: req.protocol, port: resolvePort(compiled, req.dst, req.port, req.protocol) };
}
