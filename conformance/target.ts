// What a conformance target is: something that can be brought to a cluster state and then
// answers connectivity questions. The engine answers from its model (engine-target.ts);
// the lab will answer with real traffic. Answers may be asynchronous for that reason.
import type { Protocol } from '../src/model/protocol.ts';
import type { LabelChange, Manifest, ObjectRef } from './case.ts';
import type { TruthTable } from './truth-table.ts';

export interface MatrixProbe {
  /** Rows and columns, in order. */
  readonly pods: readonly string[];
  readonly port: number | string;
  readonly protocol: Protocol;
}

export interface FlowProbe {
  /** `ns/name` for a pod, otherwise an IP address. */
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface FlowAnswer {
  readonly allowed: boolean;
  /** Why, as the target explains it (shown when an expectation fails). */
  readonly explanation?: string;
}

/** The target's view of one cluster state. */
export interface TargetAnswers {
  matrix(probe: MatrixProbe): TruthTable | Promise<TruthTable>;
  flow(probe: FlowProbe): FlowAnswer | Promise<FlowAnswer>;
}

/** What one step changed; targets that apply deltas (the lab through the API) use it. */
export interface StepChange {
  readonly delete: readonly ObjectRef[];
  readonly apply: readonly Manifest[];
  readonly label: readonly LabelChange[];
}

export interface SyncContext {
  readonly caseName: string;
  /** 0 for the initial cluster, then 1-based step numbers. */
  readonly step: number;
}

export interface Target {
  readonly name: string;
  /**
   * Brings the target to `objects`, the whole desired state (cluster plus every step so
   * far); `change` is absent for the initial cluster.
   */
  sync(objects: readonly Manifest[], change: StepChange | undefined, context: SyncContext): TargetAnswers | Promise<TargetAnswers>;
  /** Releases what the case created (the lab tears its cluster down). */
  reset?(): void | Promise<void>;
}
