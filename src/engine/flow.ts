// A flow the engine judges: one new connection from a source to a destination on a
// destination port and protocol. Named ports are resolved before a flow is built.
import type { Protocol } from '../model/protocol.ts';

export type FlowEndpoint =
  | { readonly kind: 'pod'; readonly pod: string }
  | { readonly kind: 'ip'; readonly ip: string };

export interface Flow {
  readonly src: FlowEndpoint;
  readonly dst: FlowEndpoint;
  readonly protocol: Protocol;
  readonly port: number;
}

export function endpointText(e: FlowEndpoint): string {
  return e.kind === 'pod' ? e.pod : e.ip;
}
