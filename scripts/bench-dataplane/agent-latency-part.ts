// Part 3 through the real agent: a policy change written to the embedded control plane's
// store until the agent (createAgent, wired as main/embedded-cluster.ts wires a lab node's)
// has the change in the node's kernel table. The figure covers what a `palisade up` user
// waits for: the store's durable write (fsynced log), the synchronous watch delivery, the
// agent's debounce, its reconcile (conversion cache, model, recompile, plan, delta) and
// the nft transaction. Each change flips the bench server's ingress allow between its real
// port and an unused one (as latency-part.ts does); after each change a real connection
// checks that the kernel enforces it (untimed).
//
// The store and the agent run in a worker thread (agent-host.ts): their own heap, as in
// the `palisade up` process, and each change reports the collections that paused it.
import type { AgentChangeTiming, StoreLoad } from './agent-change.ts';
import { BENCH_NS } from './bench-cluster.ts';
import type { BenchLab } from './bench-lab.ts';
import { reachable } from './bench-lab.ts';
import type { AgentHostJob, HostReady, HostTiming } from './agent-host.ts';
import { hostDir, startAgentHost } from './agent-host.ts';
import { formatPressure } from './host-pressure.ts';
import { fmtMs, table } from './report.ts';
import { median, summarizeLatency } from './stats.ts';

export interface AgentLatencyResult {
  readonly timings: readonly HostTiming[];
  readonly stoppedByBudget: boolean;
  /** Changes whose real-traffic check disagreed with what the change should do. */
  readonly trafficMismatches: readonly string[];
  readonly load: StoreLoad;
  /** From agent.start() until its first full replace returned, and until it was idle after it (status writes). */
  readonly initial: HostReady['initial'];
  /** The host thread's heap (store + ready agent) after a full collection. */
  readonly heapMb: number;
  /** Why the agent had no persistent nft session (it spawned nft per transaction). */
  readonly fallback?: string;
}

/** The big cluster (the host regenerates its objects from the seeded spec), the node and its namespace. */
export type AgentLatencyInput = Omit<AgentHostJob, 'dir'>;

/** A change this slow gets a line on what the machine did meanwhile (p50 is ~45 ms). */
const SLOW_CHANGE_MS = 100;

export async function runAgentLatencyPart(b: BenchLab, input: AgentLatencyInput, count: number, budgetS: number, log: (m: string) => void): Promise<AgentLatencyResult> {
  const dir = hostDir(b.stateDir);
  log(`  starting the store and the agent in a worker thread: generating, loading the store (${dir}), first full replace...`);
  // Only what the host starts is stopped (the agent, its nft session, the store); the table stays.
  const host = await startAgentHost({ ...input, dir }, log);
  try {
    const { load, initial, heapMb, fallback } = host.ready;
    log(`  store: ${load.objects} objects, create ${fmtMs(load.createMs)}, snapshot ${fmtMs(load.persistMs)}, reopen ${fmtMs(load.openMs)}`);
    if (fallback !== undefined) log(`  no persistent nft session (${fallback}): the agent spawns nft per transaction`);
    log(`  agent ready after ${fmtMs(initial.readyMs)}, idle after ${fmtMs(initial.idleMs)} (${initial.reconciles} reconciles), ${initial.elements} elements; host heap ${heapMb.toFixed(0)} MB`);
    const timings: HostTiming[] = [];
    const mismatches: string[] = [];
    const began = performance.now();
    let stoppedByBudget = false;
    for (let i = 0; i < count; i++) {
      if (i >= 1 && performance.now() - began > budgetS * 1000) {
        stoppedByBudget = true;
        break;
      }
      const blocked = i % 2 === 0;
      const t = await host.change(blocked);
      timings.push(t);
      const got = await reachable(b, b.clients.same);
      if (got === blocked) mismatches.push(`change ${i + 1}: ${BENCH_NS}/client-same -> server:http ${got ? 'connected' : 'was dropped'}, the policy says ${blocked ? 'deny' : 'allow'}`);
      log(`  policy change ${i + 1}: live after ${t.totalMs.toFixed(1)} ms (write ${t.writeMs.toFixed(1)} ms of which log append + fsync ${t.commitMs.toFixed(1)} ms, reconcile ${t.reconcileMs} ms of which nft ${t.applyMs} ms, ${t.mode === 'delta' ? `delta of ${t.changes} changes` : 'full replace'}${t.reconciles === 1 ? '' : `, ${t.reconciles} reconciles`}${gcText(t)}); real traffic ${got ? 'allowed' : 'denied'}${got === blocked ? ' — WRONG' : ''}`);
      if (t.totalMs >= SLOW_CHANGE_MS) log(`    slow change; the machine meanwhile: ${formatPressure(t.pressure)}`);
    }
    return { timings, stoppedByBudget, trafficMismatches: mismatches, load, initial, heapMb, ...(fallback === undefined ? {} : { fallback }) };
  } finally {
    await host.stop();
  }
}

function gcText(t: HostTiming): string {
  const parts = [t.gc.majorMs > 0 ? `major GC ${t.gc.majorMs.toFixed(1)} ms` : '', t.gc.minorMs >= 1 ? `minor GC ${t.gc.minorMs.toFixed(1)} ms` : ''].filter((p) => p !== '');
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}

/** The report's rows: totals, then the write, the wait (delivery, debounce, timers), the reconcile's computation and the transaction. */
export function formatAgentChanges(timings: readonly AgentChangeTiming[]): string {
  const s = summarizeLatency(timings.map((t) => t.totalMs));
  const w = summarizeLatency(timings.map((t) => t.writeMs));
  const c = summarizeLatency(timings.map((t) => t.commitMs));
  const p50 = (f: (t: AgentChangeTiming) => number): string => fmtMs(median(timings.map(f)));
  const modes = modeCounts(timings);
  return table([
    ['what', 'n', 'p50', 'p90', 'p99', 'max', 'write p50', 'write p99', 'fsynced append p99', 'wait p50', 'compute p50', 'nft p50', 'transactions'],
    [
      'policy change', String(s.n), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max), fmtMs(w.p50), fmtMs(w.p99), fmtMs(c.p99),
      p50((t) => t.totalMs - t.writeMs - t.reconcileMs), p50((t) => t.reconcileMs - t.applyMs), p50((t) => t.applyMs),
      `${modes.delta} delta, ${modes.replace} replace`,
    ],
  ], 1);
}

/** One line on the collections inside changes: how many changes a major one paused, and for how long at most. */
export function formatChangeGc(timings: ReadonlyArray<Pick<HostTiming, 'totalMs' | 'gc'>>): string {
  const major = timings.filter((t) => t.gc.majorMs > 0);
  const minor = timings.map((t) => t.gc.minorMs);
  const worst = major.reduce<Pick<HostTiming, 'totalMs' | 'gc'> | undefined>((w, t) => (w === undefined || t.gc.majorMs > w.gc.majorMs ? t : w), undefined);
  const majorText = worst === undefined
    ? 'no major collection paused a change'
    : `a major collection paused ${major.length} of ${timings.length} changes (longest ${fmtMs(worst.gc.majorMs)}, in a change of ${fmtMs(worst.totalMs)})`;
  return `${majorText}; minor collections ${fmtMs(median(minor))} per change (median), ${fmtMs(Math.max(0, ...minor))} at most`;
}

export function modeCounts(timings: readonly AgentChangeTiming[]): { delta: number; replace: number; extraReconciles: number } {
  let delta = 0;
  let replace = 0;
  let extra = 0;
  for (const t of timings) {
    if (t.mode === 'delta') delta++;
    else replace++;
    extra += Math.max(0, t.reconciles - 1);
  }
  return { delta, replace, extraReconciles: extra };
}
