// The dispatch table of buildSnapshot: every apiVersion + kind Palisade understands.
// A new dialect adds its handlers here; nothing else changes. Settings of the engines a
// dialect comes from (the Cilium agent's flags) choose how its handlers read.
import type { KindHandler } from './dialect.ts';
import { handlerKey } from './dialect.ts';
import { namespaceHandler } from './k8s/namespace.ts';
import { networkPolicyHandler } from './k8s/network-policy-ir.ts';
import { nodeHandler } from './k8s/node.ts';
import { podHandler } from './k8s/pod.ts';
import { serviceHandler } from './k8s/service.ts';
import { WORKLOAD_HANDLERS } from './k8s/workload.ts';
import { CALICO_NETWORK_SET_HANDLERS } from './calico/calico-network-set.ts';
import { CALICO_POLICY_HANDLERS } from './calico/calico-policy.ts';
import { tierHandler } from './calico/calico-tier.ts';
import { adminNetworkPolicyHandler, baselineAdminNetworkPolicyHandler } from './cnp/admin-network-policy.ts';
import { clusterNetworkPolicyHandler } from './cnp/cluster-network-policy-ir.ts';
import type { CiliumAgentOptions } from './cilium/cilium-policy.ts';
import { ciliumHandlers } from './cilium/cilium-policy.ts';

/** Engine settings that change what a dialect's objects mean; absent: each engine's defaults. */
export interface DialectOptions {
  readonly cilium?: CiliumAgentOptions;
}

/** Every handler, reading with `options`. */
export function kindHandlers(options: DialectOptions = {}): readonly KindHandler[] {
  return [
    namespaceHandler,
    podHandler,
    nodeHandler,
    serviceHandler,
    ...WORKLOAD_HANDLERS,
    networkPolicyHandler,
    ...CALICO_POLICY_HANDLERS,
    tierHandler,
    ...CALICO_NETWORK_SET_HANDLERS,
    clusterNetworkPolicyHandler,
    adminNetworkPolicyHandler,
    baselineAdminNetworkPolicyHandler,
    ...ciliumHandlers(options.cilium ?? {}),
  ];
}

export const KIND_HANDLERS: readonly KindHandler[] = kindHandlers();

export type HandlerTable = ReadonlyMap<string, KindHandler>;

export function handlerTable(handlers: readonly KindHandler[]): HandlerTable {
  const table = new Map<string, KindHandler>();
  for (const h of handlers) {
    const key = handlerKey(h.apiVersion, h.kind);
    if (table.has(key)) throw new Error(`two handlers for ${key}`);
    table.set(key, h);
  }
  return table;
}

export const DEFAULT_HANDLERS: HandlerTable = handlerTable(KIND_HANDLERS);
