// Random conformance cases for the differential test (engine vs. lab): a seeded PRNG
// builds 2-3 namespaces and 5-9 pods with random labels and container ports (TCP and UDP
// on 80 and 81, some named), then steps that apply 1-4 random Kubernetes NetworkPolicies
// and change labels. The cases carry no expectations: the engine's answer is the
// expectation. Every pod declares all four probed (port, protocol) pairs, so a refused
// connection can never pass for a policy drop; what varies per pod is which of them are
// named and how, so named ports resolve differently per destination pod.
// Pods pin their IPs (10.30.<case>.10 + pod number) so ipBlock peers and `except` can name them.
// The fields drawn are those of https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (podSelector, namespaceSelector, ipBlock/except, ports with endPort and names, policyTypes).
import { stringify } from 'yaml';
import type { Protocol } from '../src/model/protocol.ts';
import type { ConformanceCase, LabelChange, Manifest, Step } from './case.ts';
import type { ContainerPortSpec } from './manifests.ts';
import { namespace, networkPolicy, pod } from './manifests.ts';

/** mulberry32: tiny, fast, and the same sequence everywhere for a given 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  float(): number {
    return this.#next();
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /** A random subset of `items` (order kept) with at least `min` elements. */
  subset<T>(items: readonly T[], min = 0): T[] {
    for (;;) {
      const out = items.filter(() => this.chance(0.5));
      if (out.length >= min) return out;
    }
  }
}

/** The (port, protocol) pairs every pod serves and the differential test probes. */
export const PROBED: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }> = [
  { port: 80, protocol: 'TCP' },
  { port: 81, protocol: 'TCP' },
  { port: 80, protocol: 'UDP' },
  { port: 81, protocol: 'UDP' },
];

const NAMESPACES = ['dx', 'dy', 'dz'];
const POD_KEYS = ['app', 'tier', 'env'];
const NS_KEYS = ['team', 'env'];
const VALUES = ['a', 'b', 'c'];
const PORT_NAMES = ['serve-a', 'serve-b', 'web'];
const NS_NAME_LABEL = 'kubernetes.io/metadata.name';
const IP_OFFSET = 10;

interface World {
  /** `10.30.N.`: each case its own /24, so a pod of one case never waits for the last case's pod to free its address. */
  readonly base: string;
  readonly namespaces: readonly string[];
  readonly pods: ReadonlyArray<{ readonly namespace: string; readonly name: string; readonly ip: string }>;
}

function randomLabels(r: Rng, keys: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const k of keys) if (r.chance(0.6)) labels[k] = r.pick(VALUES);
  return labels;
}

function randomPorts(r: Rng): ContainerPortSpec[] {
  const names = [...PORT_NAMES];
  return PROBED.map(({ port, protocol }) => {
    if (names.length === 0 || !r.chance(0.45)) return { containerPort: port, protocol };
    const name = r.pick(names);
    names.splice(names.indexOf(name), 1); // names are unique within a pod
    return { containerPort: port, protocol, name };
  });
}

/** matchLabels and/or matchExpressions over `keys`; may be empty (selects everything). */
function randomSelector(r: Rng, keys: readonly string[], extra?: { key: string; values: readonly string[] }): Record<string, unknown> {
  const sel: Record<string, unknown> = {};
  if (r.chance(0.5)) {
    const ml: Record<string, string> = {};
    for (const k of r.subset(keys, 1).slice(0, 2)) ml[k] = r.pick(VALUES);
    sel['matchLabels'] = ml;
  }
  if (r.chance(0.5)) {
    const exprs: Array<Record<string, unknown>> = [];
    for (let i = r.int(1, 2); i > 0; i--) {
      const op = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      const byName = extra !== undefined && r.chance(0.25);
      const key = byName ? extra.key : r.pick(keys);
      const pool = byName ? extra.values : VALUES;
      exprs.push(op === 'In' || op === 'NotIn' ? { key, operator: op, values: r.subset(pool, 1) } : { key, operator: op });
    }
    sel['matchExpressions'] = exprs;
  }
  return sel;
}

function ipOf(w: World, i: number): string {
  return w.pods[i]?.ip ?? `${w.base}${IP_OFFSET + i}`;
}

/** An ipBlock over the pods' addresses: a /32, the /28 or /24 around them, or everything, with excepts inside. */
function randomIpBlock(r: Rng, w: World): Record<string, unknown> {
  const kind = r.pick(['host', 'low', 'all-pods', 'world']);
  if (kind === 'host') return { cidr: `${ipOf(w, r.int(0, w.pods.length - 1))}/32` };
  const cidr = kind === 'low' ? `${w.base}0/28` : kind === 'all-pods' ? `${w.base}0/24` : '0.0.0.0/0';
  const inside = w.pods.map((_, i) => i).filter((i) => kind !== 'low' || IP_OFFSET + i < 16);
  const except = r.chance(0.6)
    ? [...new Set(r.subset(inside, 1).slice(0, 3).map((i) => {
      const n = IP_OFFSET + i;
      // A /31 except covers a neighbour too (an even-aligned pair).
      return r.chance(0.3) ? `${w.base}${n - (n % 2)}/31` : `${w.base}${n}/32`;
    }))]
    : [];
  return except.length > 0 ? { cidr, except } : { cidr };
}

function randomPeer(r: Rng, w: World): Record<string, unknown> {
  const nsName = { key: NS_NAME_LABEL, values: w.namespaces };
  switch (r.pick(['pod', 'ns', 'both', 'both', 'ip'])) {
    case 'pod': return { podSelector: randomSelector(r, POD_KEYS) };
    case 'ns': return { namespaceSelector: randomSelector(r, NS_KEYS, nsName) };
    case 'both': return { podSelector: randomSelector(r, POD_KEYS), namespaceSelector: randomSelector(r, NS_KEYS, nsName) };
    default: return { ipBlock: randomIpBlock(r, w) };
  }
}

function randomPorts80(r: Rng): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = r.int(1, 2); i > 0; i--) {
    const protocol = r.pick<Protocol | undefined>([undefined, 'TCP', 'UDP']);
    const base = protocol === undefined ? {} : { protocol };
    switch (r.pick(['number', 'number', 'name', 'range', 'any'])) {
      case 'number': out.push({ ...base, port: r.pick([80, 81]) }); break;
      case 'name': out.push({ ...base, port: r.pick(PORT_NAMES) }); break;
      case 'range': out.push({ ...base, port: r.pick([79, 80]), endPort: r.pick([80, 81, 90]) }); break;
      default: out.push(base); // a protocol with no port: every port of it
    }
  }
  return out;
}

function randomRules(r: Rng, w: World, peerKey: 'from' | 'to'): Array<Record<string, unknown>> {
  const rules: Array<Record<string, unknown>> = [];
  for (let i = r.int(0, 2); i > 0; i--) {
    const rule: Record<string, unknown> = {};
    if (r.chance(0.8)) {
      const peers: Array<Record<string, unknown>> = [];
      for (let j = r.int(1, 2); j > 0; j--) peers.push(randomPeer(r, w));
      rule[peerKey] = peers;
    }
    if (r.chance(0.6)) rule['ports'] = randomPorts80(r);
    rules.push(rule);
  }
  return rules;
}

function randomPolicy(r: Rng, w: World, name: string): Manifest {
  const spec: Record<string, unknown> = { podSelector: randomSelector(r, POD_KEYS) };
  const direction = r.pick(['ingress', 'egress', 'both']);
  if (direction !== 'egress') spec['ingress'] = randomRules(r, w, 'from');
  if (direction !== 'ingress') spec['egress'] = randomRules(r, w, 'to');
  // policyTypes: absent (defaulted from the rules), or explicit, sometimes naming a direction with no rules (deny all that way).
  const types = r.pick<string[] | undefined>([undefined, undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
  if (types !== undefined) {
    spec['policyTypes'] = types;
    if (!types.includes('Egress')) delete spec['egress'];
  } else if (direction !== 'ingress' && r.chance(0.3)) {
    // No ingress rules and no policyTypes: the policy still isolates ingress (the default Ingress type).
    delete spec['ingress'];
  }
  return networkPolicy(r.pick(w.namespaces), name, spec);
}

function randomLabelChanges(r: Rng, w: World): LabelChange[] {
  const changes: LabelChange[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    if (r.chance(0.3)) {
      const key = r.pick(NS_KEYS);
      changes.push({ kind: 'Namespace', name: r.pick(w.namespaces), labels: { [key]: r.chance(0.25) ? null : r.pick(VALUES) } });
    } else {
      const p = r.pick(w.pods);
      const key = r.pick(POD_KEYS);
      changes.push({ kind: 'Pod', namespace: p.namespace, name: p.name, labels: { [key]: r.chance(0.25) ? null : r.pick(VALUES) } });
    }
  }
  return changes;
}

export interface RandomCaseOptions {
  /** Steps after the policies are applied, each changing labels (and sometimes a policy); default 1. */
  readonly labelSteps?: number;
}

/**
 * Case number `index` of the run seeded with `seed`: the same (seed, index) always gives
 * the same case. Step 1 applies the policies; each later step changes labels and, now and
 * then, replaces or deletes a policy.
 */
export function randomCase(seed: number, index: number, o: RandomCaseOptions = {}): ConformanceCase {
  const r = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const namespaces = NAMESPACES.slice(0, r.int(2, 3));
  const podCount = r.int(5, 9);
  const base = `10.30.${index % 250}.`;
  const pods = Array.from({ length: podCount }, (_, i) => ({ namespace: r.pick(namespaces), name: `p${i}`, ip: `${base}${IP_OFFSET + i}` }));
  const w: World = { base, namespaces, pods };
  const cluster: Manifest[] = [
    ...namespaces.map((n) => namespace(n, randomLabels(r, NS_KEYS))),
    ...pods.map((p) => pod({ namespace: p.namespace, name: p.name, ips: [p.ip], labels: randomLabels(r, POD_KEYS), containers: [{ name: 'c', ports: randomPorts(r) }] })),
  ];
  const policies = Array.from({ length: r.int(1, 4) }, (_, i) => randomPolicy(r, w, `np-${i}`));
  const steps: Step[] = [{ description: `apply ${policies.length} policies`, apply: policies, expect: [] }];
  for (let s = 0; s < (o.labelSteps ?? 1); s++) {
    const step: { description: string; label: LabelChange[]; apply?: Manifest[]; delete?: Array<{ kind: string; namespace: string; name: string }> } = {
      description: 'change labels', label: randomLabelChanges(r, w),
    };
    if (r.chance(0.3)) {
      const victim = r.pick(policies);
      const meta = victim['metadata'] as { namespace: string; name: string };
      if (r.chance(0.5)) step.apply = [{ ...randomPolicy(r, w, meta.name), metadata: { ...meta } }];
      else if (policies.length > 1 && s === 0) step.delete = [{ kind: 'NetworkPolicy', namespace: meta.namespace, name: meta.name }];
      step.description += step.apply !== undefined ? `, replace ${meta.namespace}/${meta.name}` : step.delete !== undefined ? `, delete ${meta.namespace}/${meta.name}` : '';
    }
    steps.push({ ...step, expect: [] });
  }
  return { name: `random #${index} (seed ${seed})`, cite: 'differential: engine vs. lab on generated cases', cluster, steps };
}

/** Multi-document YAML of a state (namespaces, pods, policies) for `palisade matrix -f`. */
export function manifestsYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** `namespace/name` of every pod among the objects, in order. */
export function podKeys(objects: readonly Manifest[]): string[] {
  return objects.filter((o) => o['kind'] === 'Pod').map((o) => {
    const meta = o['metadata'] as { namespace: string; name: string };
    return `${meta.namespace}/${meta.name}`;
  });
}
