// Where a new connection's CPU goes, by kernel function: the rate part's end-to-end rates
// swing 15–30% from run to run on a shared 2-core VM (the load generator and the server
// are Node programs), far more than the few percent a table costs. So each scenario also
// runs once under `perf record -a`, and the samples in netfilter's functions (nf_tables
// rules and set lookups; conntrack; the hook dispatch) are divided by the connections
// made: microseconds of CPU per connection, a figure that repeats within ~0.5 µs. The
// classification and arithmetic are pure (tested); running perf is left to the caller.

export const NETFILTER_PARTS = ['nftables', 'conntrack', 'hooks'] as const;
export type NetfilterPart = (typeof NETFILTER_PARTS)[number];

/** Which part of netfilter a kernel symbol belongs to; undefined: not netfilter. */
export function classifySymbol(sym: string): NetfilterPart | undefined {
  if (/^(__)?nft_|^nf_tables_/.test(sym)) return 'nftables';
  if (/^(__)?nf_conntrack|^(__)?nf_ct_|^ipv[46]_conntrack|^nf_confirm|^hash_conntrack|^nf_defrag|^ipv[46]_(defrag|confirm)|^tcp_in_window|^nf_nat_/.test(sym)) return 'conntrack';
  if (/^nf_hook(_slow)?$|^nf_hook_slow_list$/.test(sym)) return 'hooks';
  return undefined;
}

/** The idle loop: time no CPU had work (the run was not CPU-bound then). */
export function isIdleSymbol(sym: string): boolean {
  return /^(pv_)?native_safe_halt$|^default_idle|^cpuidle_|^intel_idle|^acpi_idle|^poll_idle|^mwait_idle|^do_idle$/.test(sym);
}

export interface Attribution {
  /** Samples per part, of the idle loop, and of everything. */
  readonly samples: Readonly<Record<NetfilterPart, number>>;
  readonly idle: number;
  readonly total: number;
}

/**
 * Reads `perf report --no-children --sort sym -g none -q -F overhead,sample,sym` output:
 * lines like `   1.28%   2571  [k] nft_do_chain`.
 */
export function attribute(report: string): Attribution {
  const samples: Record<NetfilterPart, number> = { nftables: 0, conntrack: 0, hooks: 0 };
  let total = 0;
  let idle = 0;
  for (const line of report.split('\n')) {
    const m = /^\s*[\d.]+%\s+(\d+)\s+\[[k.]\]\s+(\S+)/.exec(line);
    if (m === null) continue;
    const n = Number(m[1]);
    total += n;
    const sym = m[2] ?? '';
    const part = classifySymbol(sym);
    if (part !== undefined) samples[part] += n;
    else if (isIdleSymbol(sym)) idle += n;
  }
  return { samples, idle, total };
}

export interface PerConnection {
  /** CPU microseconds per connection in each part, and in netfilter altogether. */
  readonly parts: Readonly<Record<NetfilterPart, number>>;
  readonly netfilter: number;
  /** Busy CPU time of the run (idle left out) per connection. */
  readonly busy: number;
}

/** Samples taken at `hz` per CPU → CPU microseconds per connection. */
export function perConnection(a: Attribution, hz: number, connections: number): PerConnection {
  const us = (n: number): number => (connections > 0 ? (n / hz / connections) * 1e6 : Number.NaN);
  const parts = { nftables: us(a.samples.nftables), conntrack: us(a.samples.conntrack), hooks: us(a.samples.hooks) };
  return { parts, netfilter: parts.nftables + parts.conntrack + parts.hooks, busy: us(a.total - a.idle) };
}

/**
 * The rate a CPU-bound node would reach with the scenario's table relative to the
 * baseline's, if only netfilter's CPU per connection differed: busy / (busy + extra), with
 * busy the baseline's busy CPU per connection and extra the scenario's additional
 * netfilter time. A model, printed beside the measured rates, never instead of them.
 */
export function modelledRatio(scenario: PerConnection, baseline: PerConnection): number {
  const extra = scenario.netfilter - baseline.netfilter;
  return baseline.busy / (baseline.busy + extra);
}
