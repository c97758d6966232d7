// The remote side of a flow as peers see it: a pod, a node (or host-network pod), or an
// outside address, with the one address the flow uses. Built the same way by evaluate
// and by the matrix, so both judge peers identically.
import type { Node, Pod } from '../model/cluster.ts';
import { formatIp } from '../model/ip.ts';
import type { IpAddress, IpFamily } from '../model/ip.ts';
import type { Compiled } from './compile.ts';

export interface Remote {
  /** Pod key or address, for messages. */
  readonly text: string;
  /** The remote pod, unless it uses the host network (such pods count as their node). */
  readonly pod: Pod | undefined;
  /** The address the flow uses on this side; undefined when the pod has none in the flow's family. */
  readonly ip: IpAddress | undefined;
  /** A node address or a host-network pod. */
  readonly isHost: boolean;
  readonly node: Node | undefined;
}

/** First address of `family`, the address a pod uses for a flow of that family. */
export function podAddress(c: Compiled, podIndex: number, family: IpFamily | undefined): IpAddress | undefined {
  if (family === undefined) return undefined;
  for (const a of c.podIps[podIndex] ?? []) if (a.family === family) return a;
  return undefined;
}

export function firstFamily(c: Compiled, podIndex: number): IpFamily | undefined {
  return c.podIps[podIndex]?.[0]?.family;
}

export function remoteOfPod(c: Compiled, podIndex: number, family: IpFamily | undefined): Remote {
  const pod = c.pods[podIndex];
  if (pod === undefined) throw new Error(`no pod at index ${podIndex}`);
  const ip = podAddress(c, podIndex, family);
  if (!pod.hostNetwork) return { text: pod.key, pod, ip, isHost: false, node: undefined };
  let node = pod.node === undefined ? undefined : c.node(pod.node);
  if (node === undefined && ip !== undefined) node = c.hostOfIp(formatIp(ip)) ?? undefined;
  return { text: pod.key, pod: undefined, ip, isHost: true, node };
}

/** An address that is no (non host-network) pod's: a node's, or outside the cluster. */
export function remoteOfAddress(c: Compiled, text: string, ip: IpAddress): Remote {
  const host = c.hostOfIp(text);
  return { text, pod: undefined, ip, isHost: host !== null, node: host ?? undefined };
}
