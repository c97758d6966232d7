// The dispatch table of buildSnapshot: every apiVersion + kind Palisade understands.
// A new dialect adds its handlers here; nothing else changes.
import type { KindHandler } from './dialect.ts';
import { handlerKey } from './dialect.ts';
import { namespaceHandler } from './k8s/namespace.ts';
import { networkPolicyHandler } from './k8s/network-policy-ir.ts';
import { nodeHandler } from './k8s/node.ts';
import { podHandler } from './k8s/pod.ts';
import { serviceHandler } from './k8s/service.ts';
import { WORKLOAD_HANDLERS } from './k8s/workload.ts';

export const KIND_HANDLERS: readonly KindHandler[] = [
  namespaceHandler,
  podHandler,
  nodeHandler,
  serviceHandler,
  ...WORKLOAD_HANDLERS,
  networkPolicyHandler,
];

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
