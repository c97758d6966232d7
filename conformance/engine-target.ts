// The engine as a conformance target: each state is read by the api layer (buildSnapshot,
// exactly as manifests given to the CLI are) and compiled; tables come from
// computeMatrix and single flows from evaluate, whose messages explain failures.
import { buildSnapshot } from '../src/api/snapshot.ts';
import { InputError } from '../src/api/problem.ts';
import type { SourceDocument } from '../src/api/source-document.ts';
import { compile } from '../src/engine/compile.ts';
import type { CompiledCluster } from '../src/engine/compile.ts';
import { evaluate } from '../src/engine/evaluate.ts';
import type { FlowEndpoint } from '../src/engine/flow.ts';
import { computeMatrix } from '../src/engine/matrix.ts';
import type { Manifest } from './case.ts';
import { isPodRef } from './case.ts';
import type { FlowAnswer, FlowProbe, MatrixProbe, SyncContext, Target, TargetAnswers } from './target.ts';
import type { TruthTable } from './truth-table.ts';

function endpoint(text: string): FlowEndpoint {
  return isPodRef(text) ? { kind: 'pod', pod: text } : { kind: 'ip', ip: text };
}

class EngineAnswers implements TargetAnswers {
  private readonly compiled: CompiledCluster;

  constructor(compiled: CompiledCluster) {
    this.compiled = compiled;
  }

  matrix(probe: MatrixProbe): TruthTable {
    const m = computeMatrix(this.compiled, { port: probe.port, protocol: probe.protocol, pods: probe.pods });
    const index = new Map(m.pods.map((p, i) => [p, i]));
    // Read back by name: the engine's row order need not be the table's.
    const cells = probe.pods.map((from) => probe.pods.map((to) => {
      const i = index.get(from);
      const j = index.get(to);
      if (i === undefined || j === undefined) throw new Error(`engine matrix lacks ${i === undefined ? from : to}`);
      return m.allowed(i, j);
    }));
    return { pods: probe.pods, cells };
  }

  flow(probe: FlowProbe): FlowAnswer {
    const v = evaluate(this.compiled, { src: endpoint(probe.from), dst: endpoint(probe.to), port: probe.port, protocol: probe.protocol });
    return { allowed: v.allowed, explanation: `egress: ${v.egress.message}\ningress: ${v.ingress.message}` };
  }
}

export const engineTarget: Target = {
  name: 'engine',
  sync(objects: readonly Manifest[], _change, context: SyncContext): TargetAnswers {
    const source = `${context.caseName} @ step ${context.step}`;
    const documents: SourceDocument[] = objects.map((object, index) => ({ source, index, object }));
    const snapshot = buildSnapshot(documents);
    if (snapshot.problems.length > 0) throw new InputError(snapshot.problems);
    return new EngineAnswers(compile(snapshot.cluster, snapshot.policies));
  },
};
