// Differential test, engine vs. REAL traffic: many generated cases (random namespaces,
// pods, labels, NetworkPolicies and label changes; random-case.ts) run through the engine
// (engine-target.ts: buildSnapshot → compile → computeMatrix) and through the lab
// (lab-target.ts: one two-node embedded cluster for every case, store → agents →
// nftables, objects reset between cases), and the two truth tables must agree on every
// cell for TCP and UDP on ports 80 and 81 (loopback ignored, as upstream's e2e does).
// The lab's tables come from the lab's own prober (src/lab/prober.ts, what probe() and
// the lab target's matrix run), one prober process per source pod and protocol trying
// both ports at once (half the processes of one probe() per port), and each cell's
// outcome is kept: every pod serves every probed port, so a cell may only be `connected`
// or `TIMEOUT` (dropped); anything else (REFUSED, ...) fails the case as a broken
// premise, never counted as a drop.
// The seed is printed; PALISADE_DIFF_SEED and PALISADE_DIFF_CASES override seed and count.
// A disagreement prints the state as YAML (also written to a file, for
// `palisade matrix -f FILE --port P --protocol PROTO`), both tables and the differing
// cells. Root only; skipped elsewhere, saying why.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectOutcome } from '../src/lab/agnhost/connect.ts';
import { joinHostPort } from '../src/lab/agnhost/connect.ts';
import { runRaw } from '../src/lab/exec.ts';
import { mapLimit } from '../src/lab/limit.ts';
import { netnsExecArgv } from '../src/lab/netns.ts';
import type { ProberReply, ProberRequest } from '../src/lab/prober.ts';
import type { Lab } from '../src/lab/topology.ts';
import type { Protocol } from '../src/model/protocol.ts';
import { fileURLToPath } from 'node:url';
import { assertNoNetnsLeft, labSkipReason } from '../src/lab/test-support.ts';
import type { Manifest } from './case.ts';
import { engineTarget } from './engine-target.ts';
import { labTarget } from './lab-target.ts';
import { ObjectState } from './object-state.ts';
import { manifestsYaml, podKeys, PROBED, randomCase } from './random-case.ts';
import type { TruthTable } from './truth-table.ts';
import { compareTruthTables, describeMismatch } from './truth-table.ts';

const skip = await labSkipReason();

function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${text}: want a non-negative integer`);
  return n;
}

// CI (CI=true) replays one fixed seed so a red run is reproducible and not a coin toss;
// elsewhere every run explores new cases. The seed is printed either way.
const SEED = envInt('PALISADE_DIFF_SEED', process.env['CI'] === 'true' ? 193782099 : Math.floor(Math.random() * 2 ** 31));
const CASES = envInt('PALISADE_DIFF_CASES', 25);
const TIMEOUT_MS = 1000; // per connection attempt, as upstream's agnhost connect
const PROBER = fileURLToPath(new URL('../src/lab/prober.ts', import.meta.url));
const REPRO = `PALISADE_DIFF_SEED=${SEED} PALISADE_DIFF_CASES=${CASES} node --test conformance/differential.test.ts`;

/** outcome.get(`${protocol}/${port} ${src} ${dst}`) for every probed (port, protocol) and pair of distinct pods. */
async function probeAll(lab: Lab, pods: readonly string[]): Promise<Map<string, ConnectOutcome>> {
  const out = new Map<string, ConnectOutcome>();
  const jobs = (['TCP', 'UDP'] as const).flatMap((protocol) => pods.map((src) => ({ protocol, src })));
  await mapLimit(jobs, 9, async ({ protocol, src }) => {
    const targets = PROBED.filter((p) => p.protocol === protocol).flatMap(({ port }) => pods.filter((dst) => dst !== src).map((dst) => ({
      key: `${protocol}/${port} ${src} ${dst}`, dest: joinHostPort(lab.pod(dst).ipv4, port),
    })));
    const req: ProberRequest = { protocol: protocol === 'TCP' ? 'tcp' : 'udp', timeoutMs: TIMEOUT_MS, concurrency: 64, targets };
    const r = await runRaw('ip', netnsExecArgv(lab.pod(src).netns, process.execPath, [PROBER]), { input: JSON.stringify(req), timeoutMs: TIMEOUT_MS + 30_000 });
    let reply: ProberReply;
    try {
      reply = JSON.parse(r.stdout) as ProberReply;
    } catch {
      throw new Error(`prober in ${src} failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
    }
    for (const t of targets) out.set(t.key, reply.results[t.key] ?? { status: 'UNKNOWN', message: 'UNKNOWN: no result' });
  });
  return out;
}

function labTable(outcomes: ReadonlyMap<string, ConnectOutcome>, pods: readonly string[], port: number, protocol: Protocol): { table: TruthTable; odd: string[] } {
  const odd: string[] = [];
  const cells = pods.map((src) => pods.map((dst) => {
    if (src === dst) return false; // loopback is not probed (and never compared)
    const o = outcomes.get(`${protocol}/${port} ${src} ${dst}`);
    if (o?.status !== 'connected' && o?.status !== 'TIMEOUT') odd.push(`${src} -> ${dst}: ${o?.message ?? 'no result'}`);
    return o?.status === 'connected';
  }));
  return { table: { pods, cells }, odd };
}

describe(`differential: engine vs. lab on ${CASES} random cases (seed ${SEED})`, { skip, concurrency: false }, () => {
  const target = labTarget({ nodes: 2 });
  let prefix = '';
  const started = Date.now();
  let cells = 0;
  let denied = 0;
  let cases = 0;
  process.stderr.write(`# differential seed ${SEED}, ${CASES} cases; reproduce with: ${REPRO}\n`);

  after(async () => {
    prefix = target.cluster?.lab?.prefix ?? prefix;
    await target.close();
    if (prefix !== '') await assertNoNetnsLeft(prefix);
    process.stderr.write(`# differential seed ${SEED}: ${cases} cases, ${cells} cells compared (${denied} denied by policy) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  // Lab bug found by seed 12345 (case #1): a pod deleted and another created with the same
  // pinned address in one sync raced in the lab's kubelet (it reconciles pods concurrently,
  // so the create could run before the delete freed the address). The kubelet now frees an
  // address held by a pod the cluster no longer has; this case guards it.
  test('lab: a pinned address freed and reused in one sync (kubelet race)', async () => {
    const ns = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const p = (namespace: string, name: string): Manifest => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name },
      spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      status: { phase: 'Running', podIP: '10.30.251.12', podIPs: [{ ip: '10.30.251.12' }] },
    });
    await target.sync([ns('dx'), ns('dy'), p('dy', 'p2')], undefined, { caseName: 'kubelet race', step: 1 });
    prefix = target.cluster?.lab?.prefix ?? prefix;
    await target.sync([ns('dx'), ns('dy'), p('dx', 'p2')], undefined, { caseName: 'kubelet race', step: 2 });
  });

  for (let index = 0; index < CASES; index++) {
    const c = randomCase(SEED, index);
    test(c.name, async (t) => {
      const state = new ObjectState(c.cluster);
      const reports: string[] = [];
      for (const [i, step] of c.steps.entries()) {
        state.step(step);
        const objects = state.manifests();
        const context = { caseName: c.name, step: i + 1 };
        const engine = await engineTarget.sync(objects, undefined, context);
        const t0 = Date.now();
        await target.sync(objects, undefined, context);
        const t1 = Date.now();
        const lab = target.cluster?.lab;
        assert.ok(lab !== undefined, 'the lab target runs a lab');
        prefix = lab.prefix;
        const pods = podKeys(objects);
        const outcomes = await probeAll(lab, pods);
        t.diagnostic(`step ${i + 1}: ${pods.length} pods, sync ${t1 - t0} ms, probes ${Date.now() - t1} ms`);
        for (const { port, protocol } of PROBED) {
          const expected = await engine.matrix({ pods, port, protocol });
          const { table: observed, odd } = labTable(outcomes, pods, port, protocol);
          assert.deepEqual(odd, [], `step ${i + 1} ${protocol}/${port}: cells neither connected nor dropped (every pod serves this port)`);
          const options = { ignoreLoopback: true };
          cells += pods.length * (pods.length - 1);
          denied += expected.cells.flatMap((row, a) => row.filter((ok, b) => a !== b && !ok)).length;
          if (compareTruthTables(expected, observed, options).length === 0) continue;
          const file = join(tmpdir(), `palisade-diff-${SEED}-${index}-step${i + 1}.yaml`);
          writeFileSync(file, manifestsYaml(objects));
          reports.push([
            `step ${i + 1} (${step.description ?? ''}), ${protocol}/${port}: engine = expected, lab = observed`,
            describeMismatch(expected, observed, options),
            `state written to ${file}; engine: palisade matrix -f ${file} --port ${port} --protocol ${protocol}`,
          ].join('\n'));
        }
        if (reports.length > 0) {
          reports.push(`state at step ${i + 1}:\n${manifestsYaml(objects)}`);
          break;
        }
      }
      cases++;
      if (reports.length > 0) t.diagnostic(`reproduce: ${REPRO} --test-name-pattern="${c.name.replace(/[()#]/g, '.')}"`);
      assert.equal(reports.length, 0, `the engine and the lab disagree on ${c.name}:\n${reports.join('\n\n')}`);
    });
  }
});
