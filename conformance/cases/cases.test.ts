// Checks the case data itself, independent of any target: names are unique, tables parse,
// every probed pod exists, and every probed pod port is one the pod declares (so the lab
// can serve it: a refused connection must never stand in for a policy drop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceCase, Manifest } from '../case.ts';
import { isPodRef, isTableExpectation } from '../case.ts';
import { ObjectState, manifestRef } from '../object-state.ts';
import { parseTruthTable } from '../truth-table.ts';
import { ALL_CASES } from './index.ts';
import { upstreamNetpolCases } from './upstream-netpol.ts';

interface DeclaredPort { readonly port: number; readonly name?: string; readonly protocol: string }

function podPorts(m: Manifest): DeclaredPort[] {
  const spec = m['spec'] as { containers?: Array<{ ports?: Array<{ containerPort: number; name?: string; protocol?: string }> }> };
  return (spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', ...(p.name === undefined ? {} : { name: p.name }) })));
}

function podsOf(objects: readonly Manifest[]): Map<string, DeclaredPort[]> {
  const pods = new Map<string, DeclaredPort[]>();
  for (const m of objects) {
    const ref = manifestRef(m);
    if (ref.kind === 'Pod') pods.set(`${ref.namespace}/${ref.name}`, podPorts(m));
  }
  return pods;
}

function serves(ports: readonly DeclaredPort[], port: number | string, protocol: string): boolean {
  return ports.some((p) => p.protocol === protocol && (typeof port === 'number' ? p.port === port : p.name === port));
}

function checkCase(c: ConformanceCase): void {
  assert.ok(c.cite.length > 0, 'cite is required');
  assert.ok(c.steps.length > 0, 'a case has steps');
  const state = new ObjectState(c.cluster);
  for (const [i, step] of c.steps.entries()) {
    state.step(step);
    assert.ok(step.expect.length > 0, `step ${i + 1} expects nothing`);
    const pods = podsOf(state.manifests());
    for (const e of step.expect) {
      if (isTableExpectation(e)) {
        const table = parseTruthTable(e.table);
        for (const p of table.pods) {
          const ports = pods.get(p);
          assert.ok(ports !== undefined, `step ${i + 1}: table names unknown pod ${p}`);
          assert.ok(serves(ports, e.port, e.protocol), `step ${i + 1}: ${p} does not serve ${e.protocol}/${e.port}`);
        }
      } else {
        for (const end of [e.flow.from, e.flow.to]) {
          if (isPodRef(end)) assert.ok(pods.has(end), `step ${i + 1}: flow names unknown pod ${end}`);
        }
        const dst = pods.get(e.flow.to);
        if (dst !== undefined) assert.ok(serves(dst, e.flow.port, e.flow.protocol), `step ${i + 1}: ${e.flow.to} does not serve ${e.flow.protocol}/${e.flow.port}`);
      }
    }
  }
}

test('case names are unique', () => {
  const names = ALL_CASES.map((c) => c.name);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
});

test('every It of upstream network_policy.go is encoded (42 TCP + 3 UDP + 3 SCTP)', () => {
  assert.equal(upstreamNetpolCases.length, 48);
  assert.equal(upstreamNetpolCases.filter((c) => c.name.includes('using UDP')).length, 3);
  assert.equal(upstreamNetpolCases.filter((c) => c.name.includes('using SCTP')).length, 3);
});

for (const c of ALL_CASES) {
  test(`case data is consistent: ${c.name}`, () => checkCase(c));
}
