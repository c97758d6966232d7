// The shape of a conformance case: a cluster (raw Kubernetes manifests), then steps that
// change it and say what connectivity must follow. Cases are pure data so the same files
// drive the engine now and the lab's real traffic later (through the Kubernetes API).
import type { Protocol } from '../src/model/protocol.ts';

/** A raw Kubernetes object (Namespace, Pod, NetworkPolicy, ...) exactly as it would be sent to the API server. */
export type Manifest = Readonly<Record<string, unknown>>;

/** Identifies an object to delete. `namespace` is absent for cluster-scoped kinds. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * A label change on a live object, merged like `kubectl label`: a string sets the key,
 * `null` removes it (upstream AddPodLabels / AddNamespaceLabel / DeleteNamespaceLabel).
 */
export interface LabelChange {
  readonly kind: 'Namespace' | 'Pod';
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string | null>>;
}

/**
 * A whole from×to matrix probe, written as the e2e suite prints it (truthtable.go
 * PrettyPrint): a tab- or space-separated header `-  x/a  x/b ...`, then one row per source
 * pod, `.` = connected, `X` = blocked. The rows and columns are the pods probed.
 */
export interface TableExpectation {
  /** Destination port; a name resolves against each destination pod's container ports. */
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly table: string;
  /**
   * Skip the diagonal (a pod to itself). Upstream compares with `ignoreLoopback = true`
   * (network_policy.go, kubernetes#95879) because CNIs disagree; defaults to true.
   */
  readonly ignoreLoopback?: boolean;
}

/** One connection, from a pod (`ns/name`) or an address to a pod or an address. */
export interface FlowExpectation {
  readonly flow: {
    readonly from: string;
    readonly to: string;
    readonly port: number;
    readonly protocol: Protocol;
  };
  readonly allowed: boolean;
  /** Why, in a few words; shown when the expectation fails. */
  readonly because?: string;
}

export type Expectation = TableExpectation | FlowExpectation;

/** A step's changes happen in this order: delete, then apply, then label; then every expectation is checked. */
export interface Step {
  readonly description?: string;
  /** Create or replace (same kind/namespace/name) these objects, in order. */
  readonly apply?: readonly Manifest[];
  readonly delete?: readonly ObjectRef[];
  readonly label?: readonly LabelChange[];
  /** Checked after the changes of this step are in place. */
  readonly expect: readonly Expectation[];
}

export interface ConformanceCase {
  /** Unique; for upstream cases the ginkgo `It` title (with a context prefix where titles repeat). */
  readonly name: string;
  /** Where the case comes from: upstream file + It title, or a documentation URL. */
  readonly cite: string;
  /** Objects present before the first step (namespaces and pods). */
  readonly cluster: readonly Manifest[];
  readonly steps: readonly Step[];
}

export function isTableExpectation(e: Expectation): e is TableExpectation {
  return 'table' in e;
}

/** `ns/name` is a pod; anything else is an IP address. */
export function isPodRef(endpoint: string): boolean {
  return endpoint.includes('/');
}
