// Which destination ports a rule matches. `protocol: null` matches every protocol;
// `ports: null` matches every port of that protocol. Named ports resolve against the
// destination pod's container ports (Kubernetes semantics, for both directions).
import type { Protocol } from './protocol.ts';

export type PortSpec =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly name: string };

export interface PortMatch {
  readonly protocol: Protocol | null;
  readonly ports: PortSpec | null;
  /** Field path in the source object, e.g. `spec.ingress[0].ports[1]`. */
  readonly path: string;
}
