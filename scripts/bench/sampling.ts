// Random inputs for the benchmark, all from a seeded Rng: flows between pods, and
// uniform samples of pods for the matrix and the naive reference.
import type { Flow } from '../../src/engine/flow.ts';
import type { Pod } from '../../src/model/cluster.ts';
import type { Protocol } from '../../src/model/protocol.ts';
import type { Rng } from './prng.ts';

const COMMON_PORTS: readonly (readonly [number, Protocol])[] = [
  [80, 'TCP'], [443, 'TCP'], [8080, 'TCP'], [5432, 'TCP'], [6379, 'TCP'], [9090, 'TCP'], [53, 'UDP'], [8500, 'TCP'], [31000, 'TCP'],
];

/**
 * Random pod→pod flows: half stay inside the source's namespace (as most real traffic
 * does), half go to any pod; mostly to a port the destination declares (so allow rules
 * with numeric and named ports get exercised), else a common or random port.
 */
export function randomFlows(pods: readonly Pod[], count: number, rng: Rng): Flow[] {
  const byNamespace = new Map<string, Pod[]>();
  for (const p of pods) {
    let list = byNamespace.get(p.namespace);
    if (list === undefined) byNamespace.set(p.namespace, (list = []));
    list.push(p);
  }
  const flows: Flow[] = new Array<Flow>(count);
  for (let i = 0; i < count; i++) {
    const src = rng.pick(pods);
    const dst = rng.chance(0.5) ? rng.pick(byNamespace.get(src.namespace) ?? pods) : rng.pick(pods);
    let port: number;
    let protocol: Protocol;
    const r = rng.next();
    const declared = dst.ports.length > 0 ? rng.pick(dst.ports) : undefined;
    if (declared !== undefined && r < 0.7) {
      port = declared.port;
      protocol = declared.protocol;
    } else if (r < 0.9) {
      [port, protocol] = rng.pick(COMMON_PORTS);
    } else {
      port = 1 + rng.int(65535);
      protocol = 'TCP';
    }
    flows[i] = { src: { kind: 'pod', pod: src.key }, dst: { kind: 'pod', pod: dst.key }, protocol, port };
  }
  return flows;
}

/** A uniform sample of `count` distinct pods (all of them when count >= pods). */
export function samplePods(pods: readonly Pod[], count: number, rng: Rng): Pod[] {
  if (count >= pods.length) return [...pods];
  // Partial Fisher-Yates over indexes: a uniform sample without repeats.
  const idx = Int32Array.from({ length: pods.length }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(pods.length - i);
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return Array.from(idx.subarray(0, count), (i) => pods[i] as Pod);
}
