// Whether one rule matches a flow at L3/L4: some peer and no notPeer, some port entry and
// no notPort. `peers: null` is any peer and `[]` none (model/rule.ts); the same for ports.
import type { Pod } from '../model/cluster.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import type { Compiled } from './compile.ts';
import { firstMatchingPeer } from './match-peer.ts';
import { firstMatchingPort } from './match-port.ts';
import type { Remote } from './remote.ts';

/** Which peer and port entry matched; -1 means the rule admits any. */
export interface RuleHit {
  readonly peer: number;
  readonly port: number;
}

const ANY: RuleHit = Object.freeze({ peer: -1, port: -1 });

/** Port side only: does the rule admit this protocol/port to this destination? -2 = no. */
export function rulePortHit(rule: Rule, protocol: Protocol, port: number, dstPod: Pod | undefined): number {
  let hit = -1;
  if (rule.ports !== null) {
    hit = firstMatchingPort(rule.ports, protocol, port, dstPod);
    if (hit < 0) return -2;
  }
  if (rule.notPorts !== undefined && rule.notPorts.length > 0
    && firstMatchingPort(rule.notPorts, protocol, port, dstPod) >= 0) return -2;
  return hit;
}

export function matchRule(c: Compiled, rule: Rule, remote: Remote, protocol: Protocol, port: number, dstPod: Pod | undefined): RuleHit | null {
  const portHit = rulePortHit(rule, protocol, port, dstPod);
  if (portHit === -2) return null;
  let peerHit = -1;
  if (rule.peers !== null) {
    peerHit = firstMatchingPeer(c, rule.peers, remote);
    if (peerHit < 0) return null;
  }
  if (rule.notPeers !== undefined && rule.notPeers.length > 0 && firstMatchingPeer(c, rule.notPeers, remote) >= 0) return null;
  return peerHit === -1 && portHit === -1 ? ANY : { peer: peerHit, port: portHit };
}
