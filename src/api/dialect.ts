// The plug-in point for policy dialects and cluster objects: a handler per apiVersion +
// kind validates a raw object and converts it to model objects. buildSnapshot only
// dispatches through a table of these, so a new dialect (Calico, Cilium,
// ClusterNetworkPolicy) is one more entry in handlers.ts and nothing else.
import type { Namespace, NetworkSet, Node, Pod, Service } from '../model/cluster.ts';
import type { Policy } from '../model/policy.ts';
import type { Tier } from '../model/tier.ts';
import type { Issues } from './validation/issues.ts';
import type { JsonObject } from './validation/shape.ts';
import type { Workload } from './k8s/workload.ts';

/** What one object turns into. Pods may come without IPs: buildSnapshot assigns them. */
export type Decoded =
  | { readonly type: 'namespace'; readonly namespace: Namespace }
  | { readonly type: 'pod'; readonly pod: Pod }
  | { readonly type: 'node'; readonly node: Node }
  | { readonly type: 'service'; readonly service: Service }
  | { readonly type: 'networkSet'; readonly networkSet: NetworkSet }
  | { readonly type: 'policy'; readonly policy: Policy }
  | { readonly type: 'tier'; readonly tier: Tier }
  | { readonly type: 'workload'; readonly workload: Workload };

export interface DecodeResult {
  /** Identity for duplicate detection; absent when the object could not be named. */
  readonly name?: string;
  readonly namespace?: string;
  /** Empty when the object had errors (they are in `issues`). */
  readonly objects: readonly Decoded[];
}

export interface KindHandler {
  /** e.g. `networking.k8s.io/v1` */
  readonly apiVersion: string;
  readonly kind: string;
  /** Validates `object` (reporting every problem into `issues`) and converts it when valid. */
  decode(object: JsonObject, issues: Issues): DecodeResult;
}

export function handlerKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The API group of an apiVersion (`` for the core group `v1`). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
