// Part 3: latency from a policy change to its rules being live, at the big scale. Each
// change flips the bench server's ingress allow between its real port and an unused one,
// so every change is a real decision change for the measured client; after each commit a
// real connection from the client checks that the kernel enforces it (not timed).
import { BENCH_NS, benchPolicyObjects } from './bench-cluster.ts';
import type { BenchLab } from './bench-lab.ts';
import { reachable } from './bench-lab.ts';
import { changeLoop } from './change-path.ts';
import type { ChangeTiming, PathState } from './change-path.ts';

export interface LatencyPartResult {
  readonly timings: readonly ChangeTiming[];
  readonly stoppedByBudget: boolean;
  /** Changes whose real-traffic check disagreed with what the change should do. */
  readonly trafficMismatches: readonly string[];
  readonly state: PathState;
}

/** The bench server's ingress allow on its real ports, or (blocked) on an unused TCP port. */
export function allowPolicy(blocked: boolean): object {
  const objs = benchPolicyObjects({ tcp: blocked ? 9999 : 'http', udp: 'dns' });
  const allow = objs.find((o) => (o as { metadata: { name: string } }).metadata.name === 'allow-client-to-server');
  if (allow === undefined) throw new Error('bench policies lack allow-client-to-server');
  return allow;
}

export async function runLatencyPart(b: BenchLab, start: PathState, count: number, budgetS: number, log: (m: string) => void): Promise<LatencyPartResult> {
  const mismatches: string[] = [];
  const r = await changeLoop(start, count, budgetS, 1,
    (i) => ({ kind: 'upsert', object: allowPolicy(i % 2 === 0) }),
    async (i, _s, timing) => {
      const want = i % 2 === 1;
      const got = await reachable(b, b.clients.same);
      if (got !== want) mismatches.push(`change ${i + 1}: ${BENCH_NS}/client-same -> server:http ${got ? 'connected' : 'was dropped'}, the policy says ${want ? 'allow' : 'deny'}`);
      log(`  policy change ${i + 1}: ${timing.totalMs.toFixed(0)} ms (plan ${timing.phases.plan.toFixed(0)} ms, ${timing.full ? 'full replace' : `${timing.changes} element changes`}); real traffic ${got ? 'allowed' : 'denied'}${got === want ? '' : ' — WRONG'}`);
    });
  return { timings: r.timings, stoppedByBudget: r.stoppedByBudget, trafficMismatches: mismatches, state: r.state };
}
