// Command line of `npm run bench:dataplane`: which parts to run and at what sizes, parsed
// into plain options (pure, so the parsing is unit-tested). Every problem is collected and
// reported together, as the rest of Palisade does with validation errors.
import { parseArgs } from 'node:util';

export const PARTS = ['rate', 'load', 'latency', 'pod'] as const;
export type Part = (typeof PARTS)[number];

export const PROTOCOLS = ['tcp', 'udp'] as const;

/** simultaneous: both tables at once on two node pairs (rate-ab-part.ts); sequential: one scenario after another on one pair. */
export const RATE_METHODS = ['simultaneous', 'sequential'] as const;
export type RateMethod = (typeof RATE_METHODS)[number];
export type LoadProtocol = (typeof PROTOCOLS)[number];

export const LOADGEN_MODES = ['warm', 'fresh'] as const;
/** split: pair i on CPU i; shared: both pairs on CPU 0 with equal cgroup shares (cpu-share-groups.ts). */
export const AB_CPU_MODES = ['split', 'shared'] as const;
export type AbCpuMode = (typeof AB_CPU_MODES)[number];
export type LoadgenMode = (typeof LOADGEN_MODES)[number];

export interface BenchOptions {
  readonly parts: readonly Part[];
  /** Scale of the big ruleset (rate scenario c, load, latency, pod sizes' largest). */
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
  /** Synthetic pods of the big cluster placed on each lab node (they shape the node's own decisions). */
  readonly localPods: number;
  /** Seconds of load per rate run. */
  readonly duration: number;
  /** Runs of each rate scenario (interleaved). */
  readonly reps: number;
  /** How rates are compared (RATE_METHODS). */
  readonly rateMethod: RateMethod;
  /** The simultaneous comparison's load generators: warm (one process per client pod for the whole part) or fresh (a process per run). */
  readonly loadgen: LoadgenMode;
  /** Where the simultaneous comparison's two pairs run (AB_CPU_MODES). */
  readonly abCpus: AbCpuMode;
  /** Connections in flight in the load generator. */
  readonly concurrency: number;
  readonly protocols: readonly LoadProtocol[];
  /** Successive policy changes in the latency part, and its time budget in seconds. */
  readonly changes: number;
  readonly latencyBudget: number;
  /** Cluster sizes (pods) of the one-pod-change part, each change count, and a time budget per size. */
  readonly podSizes: readonly number[];
  readonly podChanges: number;
  readonly podBudget: number;
  /** Profile the one-pod change at the largest size and name the hottest functions. */
  readonly cpuProf: boolean;
  /** Use the agent (createAgent) for the latency part when it exists; `direct` measures plan → delta → apply. */
  readonly via: 'auto' | 'agent' | 'direct';
  readonly json?: string;
  readonly seed: number;
  readonly help: boolean;
}

export const DEFAULTS: BenchOptions = {
  parts: PARTS,
  pods: 100_000,
  policies: 10_000,
  namespaces: 5_000,
  localPods: 100,
  duration: 5,
  reps: 6,
  rateMethod: 'simultaneous',
  loadgen: 'warm',
  abCpus: 'shared',
  concurrency: 32,
  protocols: PROTOCOLS,
  changes: 100,
  latencyBudget: 120,
  podSizes: [1_000, 10_000, 100_000],
  podChanges: 200,
  podBudget: 60,
  cpuProf: false,
  via: 'auto',
  seed: 4242,
  help: false,
};

export const USAGE = `usage: npm run bench:dataplane -- [options]   (needs root: network namespaces, nftables)
  --parts LIST          rate,load,latency,pod (default: all)
  --pods N              pods of the big cluster (default 100k)
  --policies N          NetworkPolicies of the big cluster (default 10k)
  --namespaces N        namespaces of the big cluster (default 5k)
  --local-pods N        synthetic pods of the big cluster on each lab node (default 100)
  --duration S          counted seconds per load run, after a 0.5 s warm-up (default 5; 2 s runs swing twice as much)
  --reps N              repetitions of each rate comparison; judged by the median of per-repetition ratios (default 6)
  --rate-method M       simultaneous (both tables at once on two node pairs, one CPU each, swapped; default)
                        or sequential (one table after another on one pair, interleaved)
  --loadgen M           the simultaneous comparison's load generators: warm (one process per client pod,
                        warmed up, for every run; default) or fresh (a new process per run)
  --ab-cpus M           shared (both pairs on CPU 0 with equal cgroup cpu.shares: both tables see the
                        same CPU at the same moments; needs --loadgen warm; default) or split (pair i on CPU i)
  --concurrency N       connections in flight (default 32)
  --protocols LIST      tcp,udp (default both)
  --changes N           policy changes in the latency part (default 100)
  --latency-budget S    stop the latency part after S seconds (default 120)
  --pod-sizes LIST      cluster sizes of the one-pod-change part (default 1k,10k,100k)
  --pod-changes N       timed one-pod changes per size, after 6 untimed warm-up ones (default 200)
  --pod-budget S        stop a size after S seconds of changes (default 60)
  --cpu-prof            profile the one-pod change at the largest size, print hot functions
  --via agent|direct    latency through the agent and the embedded store (default) or plan→delta→apply directly
  --seed N              generator seed (default 4242)
  --json FILE           also write the results as JSON`;

export class ArgsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ArgsError';
    this.problems = problems;
  }
}

/** "100k", "1_000", "2M" → integer; undefined when it is not one. */
export function parseCount(text: string): number | undefined {
  const m = /^([0-9][0-9_]*(?:\.[0-9]+)?)([kKmM]?)$/.exec(text.trim());
  if (m === null) return undefined;
  const base = Number((m[1] ?? '').replace(/_/g, ''));
  const mult = m[2] === '' ? 1 : m[2]?.toLowerCase() === 'k' ? 1_000 : 1_000_000;
  const n = base * mult;
  return Number.isSafeInteger(n) ? n : undefined;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        parts: { type: 'string' }, pods: { type: 'string' }, policies: { type: 'string' }, namespaces: { type: 'string' },
        'local-pods': { type: 'string' }, duration: { type: 'string' }, reps: { type: 'string' }, 'rate-method': { type: 'string' }, loadgen: { type: 'string' }, 'ab-cpus': { type: 'string' }, concurrency: { type: 'string' },
        protocols: { type: 'string' }, changes: { type: 'string' }, 'latency-budget': { type: 'string' },
        'pod-sizes': { type: 'string' }, 'pod-changes': { type: 'string' }, 'pod-budget': { type: 'string' },
        'cpu-prof': { type: 'boolean' }, via: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new ArgsError([(e as Error).message]);
  }
  const problems: string[] = [];
  const count = (name: string, fallback: number, min: number): number => {
    const v = values[name];
    if (typeof v !== 'string') return fallback;
    const n = parseCount(v);
    if (n === undefined || n < min) {
      problems.push(`--${name}: want an integer >= ${min}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  };
  const list = <T extends string>(name: string, known: readonly T[], fallback: readonly T[]): readonly T[] => {
    const v = values[name];
    if (typeof v !== 'string') return fallback;
    const items = v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    const bad = items.filter((s) => !(known as readonly string[]).includes(s));
    if (bad.length > 0 || items.length === 0) {
      problems.push(`--${name}: unknown ${bad.length > 0 ? bad.join(', ') : '(empty list)'} (known: ${known.join(', ')})`);
      return fallback;
    }
    // Keep the canonical order: the report reads the same whatever order was typed.
    return known.filter((k) => items.includes(k));
  };
  const sizes = ((): number[] => {
    const v = values['pod-sizes'];
    if (typeof v !== 'string') return [...DEFAULTS.podSizes];
    const out: number[] = [];
    for (const s of v.split(',')) {
      const n = parseCount(s);
      if (n === undefined || n < 10) problems.push(`--pod-sizes: want sizes >= 10, got ${JSON.stringify(s)}`);
      else out.push(n);
    }
    return [...new Set(out)].sort((a, b) => a - b);
  })();
  const via = values['via'];
  if (via !== undefined && via !== 'agent' && via !== 'direct' && via !== 'auto') problems.push(`--via: want agent, direct or auto, got ${JSON.stringify(via)}`);
  const choice = <T extends string>(name: string, known: readonly T[], fallback: T): T => {
    const v = values[name];
    if (v === undefined) return fallback;
    if ((known as readonly unknown[]).includes(v)) return v as T;
    problems.push(`--${name}: want ${known.join(' or ')}, got ${JSON.stringify(v)}`);
    return fallback;
  };
  const rateMethod = choice('rate-method', RATE_METHODS, DEFAULTS.rateMethod);
  const loadgen = choice('loadgen', LOADGEN_MODES, DEFAULTS.loadgen);
  const abCpus = choice('ab-cpus', AB_CPU_MODES, DEFAULTS.abCpus);
  if (abCpus === 'shared' && loadgen === 'fresh') problems.push('--ab-cpus shared needs --loadgen warm (a fresh process per run would start outside its pair\'s CPU share)');
  const json = values['json'];
  const options: BenchOptions = {
    parts: list('parts', PARTS, DEFAULTS.parts),
    pods: count('pods', DEFAULTS.pods, 10),
    policies: count('policies', DEFAULTS.policies, 0),
    namespaces: count('namespaces', DEFAULTS.namespaces, 4),
    localPods: count('local-pods', DEFAULTS.localPods, 0),
    duration: count('duration', DEFAULTS.duration, 1),
    reps: count('reps', DEFAULTS.reps, 1),
    rateMethod,
    loadgen,
    abCpus,
    concurrency: count('concurrency', DEFAULTS.concurrency, 1),
    protocols: list('protocols', PROTOCOLS, DEFAULTS.protocols),
    changes: count('changes', DEFAULTS.changes, 1),
    latencyBudget: count('latency-budget', DEFAULTS.latencyBudget, 1),
    podSizes: sizes.length === 0 ? DEFAULTS.podSizes : sizes,
    podChanges: count('pod-changes', DEFAULTS.podChanges, 1),
    podBudget: count('pod-budget', DEFAULTS.podBudget, 1),
    cpuProf: values['cpu-prof'] === true,
    via: via === 'agent' || via === 'direct' ? via : 'auto',
    ...(typeof json === 'string' ? { json } : {}),
    seed: count('seed', DEFAULTS.seed, 0),
    help: values['help'] === true,
  };
  if (options.namespaces >= options.pods) problems.push(`--namespaces (${options.namespaces}) must be fewer than --pods (${options.pods})`);
  if (problems.length > 0) throw new ArgsError(problems);
  return options;
}
