// Judges one flow (DESIGN.md "Semantics"): the egress side at the source pod and the
// ingress side at the destination pod each walk the tiers in order; the flow is allowed
// only if both sides allow it. Every decision carries a trace and a one-sentence message.
import type { Pod } from '../model/cluster.ts';
import { formatIp, parseIp } from '../model/ip.ts';
import type { IpAddress, IpFamily } from '../model/ip.ts';
import { policyDisplayName } from '../model/policy.ts';
import type { Direction, Policy } from '../model/policy.ts';
import { isProtocol } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import type { CompiledCluster } from './compile.ts';
import { Compiled } from './compile.ts';
import { EngineError } from './engine-error.ts';
import { internals } from './compile.ts';
import type { Flow, FlowEndpoint } from './flow.ts';
import { cidrPeerContains } from './match-peer.ts';
import { matchRule, rulePortHit } from './match-rule.ts';
import type { RuleHit } from './match-rule.ts';
import { firstFamily, remoteOfAddress, remoteOfPod } from './remote.ts';
import type { Remote } from './remote.ts';
import type { DirectionVerdict, RuleMatch, TierOutcome, TierTrace, Verdict } from './verdict.ts';

/** A flow endpoint resolved against the cluster: a pod (index) and/or a fixed address. */
interface Side {
  readonly podIndex: number;
  readonly address: IpAddress | undefined;
  readonly text: string;
}

function resolve(c: Compiled, e: FlowEndpoint, role: string): Side {
  if (e.kind === 'pod') {
    const i = c.podIndex(e.pod);
    if (i === undefined) throw new EngineError(`unknown pod ${e.pod} as flow ${role}`);
    return { podIndex: i, address: undefined, text: e.pod };
  }
  const address = parseIp(e.ip);
  if (address === undefined) throw new EngineError(`invalid IP address ${e.ip} as flow ${role}`);
  // An address that belongs to a pod is that pod: its policies apply.
  const i = c.podIndexByIp(e.ip);
  return { podIndex: i ?? -1, address, text: i === undefined ? e.ip : (c.pods[i]?.key ?? e.ip) };
}

/**
 * The flow's address family: an explicit address decides; between two pods, the source's
 * primary address family (else the destination's). A pod uses its first address of it.
 */
function flowFamily(c: Compiled, src: Side, dst: Side): IpFamily | undefined {
  return src.address?.family ?? dst.address?.family
    ?? (src.podIndex >= 0 ? firstFamily(c, src.podIndex) : undefined)
    ?? (dst.podIndex >= 0 ? firstFamily(c, dst.podIndex) : undefined);
}

function remoteOf(c: Compiled, side: Side, family: IpFamily | undefined): Remote {
  if (side.podIndex >= 0) {
    const r = remoteOfPod(c, side.podIndex, family);
    return side.address === undefined ? r : { ...r, ip: side.address };
  }
  if (side.address === undefined) throw new EngineError(`flow endpoint ${side.text} has no address`);
  return remoteOfAddress(c, side.text, side.address);
}

export function evaluate(compiled: CompiledCluster, flow: Flow): Verdict {
  const c = internals(compiled);
  if (!isProtocol(flow.protocol)) throw new EngineError(`unknown protocol ${String(flow.protocol)} in flow`);
  if (!Number.isInteger(flow.port) || flow.port < 0 || flow.port > 65535) throw new EngineError(`invalid port ${flow.port} in flow`);
  const notes = new Set<string>();
  const { egress, ingress } = judge(c, flow, notes);
  const view = stagedView(c);
  if (view === undefined) return { flow, allowed: egress.allowed && ingress.allowed, egress, ingress, notes: [...notes] };
  const staged = judge(view, flow, notes);
  return {
    flow, allowed: egress.allowed && ingress.allowed, egress, ingress, notes: [...notes],
    staged: { allowed: staged.egress.allowed && staged.ingress.allowed, egress: staged.egress, ingress: staged.ingress },
  };
}

/**
 * The policy set as it would be with staged policies enforced: each staged policy takes
 * the place of the enforced one it stages (same tier, namespace and name; kind `StagedX`
 * stands for X of its own API group, `StagedKubernetesX` for X of another group, as
 * Calico's StagedKubernetesNetworkPolicy stands for a Kubernetes NetworkPolicy). Built
 * once per compiled cluster; undefined when there are no staged policies.
 */
function stagedView(c: Compiled): Compiled | undefined {
  let view = c.stagedView;
  if (view === undefined) {
    const staged = c.policies.policies.filter((p) => p.staged);
    view = staged.length === 0 ? null : new Compiled(c.cluster, {
      tiers: c.policies.tiers,
      policies: [
        ...c.policies.policies.filter((p) => !p.staged && !staged.some((s) => stages(s, p))),
        ...staged.map((p) => ({ ...p, staged: false })),
      ],
    });
    c.stagedView = view;
  }
  return view ?? undefined;
}

function stages(s: Policy, p: Policy): boolean {
  if (s.tier !== p.tier || s.ref.name !== p.ref.name || s.ref.namespace !== p.ref.namespace) return false;
  const kind = s.ref.kind.startsWith('Staged') ? s.ref.kind.slice('Staged'.length) : s.ref.kind;
  if (kind.startsWith('Kubernetes')) return p.ref.kind === kind.slice('Kubernetes'.length) && p.ref.apiVersion !== s.ref.apiVersion;
  return p.ref.kind === kind && p.ref.apiVersion === s.ref.apiVersion;
}

function judge(c: Compiled, flow: Flow, notes: Set<string>): { egress: DirectionVerdict; ingress: DirectionVerdict } {
  const src = resolve(c, flow.src, 'source');
  const dst = resolve(c, flow.dst, 'destination');
  let egress: DirectionVerdict;
  let ingress: DirectionVerdict;
  if (src.podIndex >= 0 && src.podIndex === dst.podIndex) {
    egress = loopback('egress', src.text);
    ingress = loopback('ingress', dst.text);
  } else {
    const family = flowFamily(c, src, dst);
    const dstPod = dst.podIndex >= 0 ? c.pods[dst.podIndex] : undefined;
    const ctx = { c, protocol: flow.protocol, port: flow.port, dstPod, notes };
    egress = judgeSide(ctx, 'egress', src, remoteOf(c, dst, family));
    ingress = judgeSide(ctx, 'ingress', dst, remoteOf(c, src, family));
  }
  return { egress, ingress };
}

function loopback(direction: Direction, pod: string): DirectionVerdict {
  return {
    direction, endpoint: pod, allowed: true, reason: 'loopback', tiers: [],
    message: `${pod} connects to itself: loopback is always allowed`,
  };
}

interface Context {
  readonly c: Compiled;
  readonly protocol: Protocol;
  readonly port: number;
  readonly dstPod: Pod | undefined;
  readonly notes: Set<string>;
}

function judgeSide(ctx: Context, direction: Direction, self: Side, remote: Remote): DirectionVerdict {
  const { c } = ctx;
  const pod = self.podIndex >= 0 ? c.pods[self.podIndex] : undefined;
  if (pod === undefined) {
    return {
      direction, endpoint: null, allowed: true, reason: 'not-a-pod', tiers: [],
      message: `${self.text} is not a pod of the cluster: no ${direction} policy applies`,
    };
  }
  if (pod.hostNetwork) {
    return {
      direction, endpoint: pod.key, allowed: true, reason: 'host-network', tiers: [],
      message: `${pod.key} uses the host network; policies never select it: ${direction} allowed`,
    };
  }
  // "Traffic to and from the node where a Pod is running is always allowed, regardless of
  // the IP address of the Pod or the node" (kubernetes.io, Network Policies): kubelet
  // probes and host-network pods on that node reach it whatever the policies say.
  if (remote.isHost && pod.node !== undefined && remote.node?.name === pod.node) {
    return {
      direction, endpoint: pod.key, allowed: true, reason: 'own-node', tiers: [],
      message: `${remote.text} is ${pod.key}'s own node ${pod.node}: traffic between a pod and its node is always allowed`,
    };
  }
  const list = c.selectionOf(self.podIndex, direction);
  const tiers: TierTrace[] = [];
  const selectedNames: string[] = [];
  let k = 0;
  for (let t = 0; t < c.tiers.length; t++) {
    const tier = c.tiers[t];
    if (tier === undefined) continue;
    const start = k;
    while (k < list.length && c.enforcedTier[list[k] ?? 0] === t) k++;
    const selected: Policy[] = [];
    for (let i = start; i < k; i++) {
      const p = c.enforced[list[i] ?? 0];
      if (p !== undefined) selected.push(p);
    }
    if (selected.length === 0) {
      tiers.push({ tier: tier.name, selectedBy: [], matches: [], outcome: 'not-selected' });
      continue;
    }
    for (const p of selected) selectedNames.push(policyDisplayName(p.ref));
    const matches: RuleMatch[] = [];
    let outcome: TierOutcome | undefined;
    let decided: RuleMatch | undefined;
    walk: for (const p of selected) {
      for (const rule of p[direction]?.rules ?? []) {
        noteFqdn(ctx, p, rule);
        noteCidrNode(ctx, p, rule, remote);
        const hit = matchRule(c, rule, remote, ctx.protocol, ctx.port, ctx.dstPod);
        if (hit === null) continue;
        const m = ruleMatch(tier.name, p, rule, hit);
        matches.push(m);
        if (rule.l7 !== undefined) {
          ctx.notes.add(`${policyDisplayName(p.ref)} ${rule.path} has L7 rules (${rule.l7.protocol}: ${rule.l7.summary}) that are not enforced; it was matched at L3/L4 only`);
        }
        if (rule.action === 'log') continue;
        outcome = rule.action;
        if (rule.action !== 'pass') decided = m;
        break walk;
      }
    }
    if (outcome === undefined) {
      const isolating = selected.filter((p) => p[direction]?.isolates === true);
      outcome = tier.onNoMatch === 'deny-if-selected' && isolating.length > 0 ? 'no-match-deny' : 'no-match-next';
      tiers.push({ tier: tier.name, selectedBy: selected.map((p) => p.ref), matches, outcome });
      if (outcome === 'no-match-deny') {
        return {
          direction, endpoint: pod.key, allowed: false, reason: 'tier-default', tiers,
          message: `selected by ${nameList(isolating.map((p) => policyDisplayName(p.ref)))}; no ${direction} rule admits ${remote.text} on ${ctx.protocol}/${ctx.port}`,
        };
      }
      continue;
    }
    tiers.push({ tier: tier.name, selectedBy: selected.map((p) => p.ref), matches, outcome });
    if (decided !== undefined) {
      const allowed = decided.action === 'allow';
      return {
        direction, endpoint: pod.key, allowed, reason: 'rule', decidedBy: decided, tiers,
        message: `${allowed ? 'allowed' : 'denied'} by ${describeMatch(decided)}`,
      };
    }
  }
  if (selectedNames.length === 0) {
    return {
      direction, endpoint: pod.key, allowed: true, reason: 'not-selected', tiers,
      message: `no policy selects ${pod.key} for ${direction}: allowed`,
    };
  }
  const walked = tiers.filter((t) => t.outcome !== 'not-selected').map((t) => `${t.tier}: ${t.outcome === 'pass' ? 'pass' : 'no match'}`);
  return {
    direction, endpoint: pod.key, allowed: true, reason: 'end-of-tiers', tiers,
    message: `selected by ${nameList(selectedNames)} but no tier decided ${direction} for ${remote.text} on ${ctx.protocol}/${ctx.port} (${walked.join(', ')}): allowed`,
  };
}

function noteFqdn(ctx: Context, p: Policy, rule: Rule): void {
  for (const peer of rule.peers ?? []) {
    if (peer.kind === 'fqdn') {
      ctx.notes.add(`${policyDisplayName(p.ref)} ${peer.path} names ${peer.pattern}: FQDN rules need DNS and were not matched against this IP flow`);
    }
  }
}

/**
 * Why a CIDR that contains a node's address did not match it: the peer does not count
 * nodes (Cilium: node traffic carries the reserved identities host/remote-node, which
 * CIDR selectors do not select). Only for a rule whose ports admit the flow.
 */
function noteCidrNode(ctx: Context, p: Policy, rule: Rule, remote: Remote): void {
  const ip = remote.ip;
  if (!remote.isHost || ip === undefined) return;
  for (const peer of rule.peers ?? []) {
    if (peer.kind !== 'cidr' || peer.matchesNodes !== false || !cidrPeerContains(ctx.c, peer, ip)) continue;
    if (rulePortHit(rule, ctx.protocol, ctx.port, ctx.dstPod) === -2) return;
    const address = formatIp(ip);
    const node = remote.node === undefined ? 'a cluster node' : `node ${remote.node.name}`;
    const who = remote.text === address ? `the address of ${node}` : `used by host-network pod ${remote.text} (${node})`;
    ctx.notes.add(`${policyDisplayName(p.ref)} ${peer.path}: ${peer.cidr} contains ${address}, ${who}, but this CIDR rule does not select cluster nodes `
      + '(Cilium gives node traffic the identity host or remote-node; select it with toEntities or toNodes, or run the agent with policy-cidr-match-mode=nodes)');
  }
}

function ruleMatch(tier: string, p: Policy, rule: Rule, hit: RuleHit): RuleMatch {
  const peerPath = hit.peer >= 0 ? rule.peers?.[hit.peer]?.path : undefined;
  const portPath = hit.port >= 0 ? rule.ports?.[hit.port]?.path : undefined;
  return {
    tier, policyId: p.id, policy: p.ref, ruleIndex: rule.index, rulePath: rule.path, action: rule.action,
    ...(rule.name === undefined ? {} : { ruleName: rule.name }),
    ...(peerPath === undefined ? {} : { peerPath }),
    ...(portPath === undefined ? {} : { portPath }),
  };
}

/** "NetworkPolicy x/allow-b spec.ingress[0] (peer spec.ingress[0].from[1], port spec.ingress[0].ports[0])" */
export function describeMatch(m: RuleMatch): string {
  const details: string[] = [];
  if (m.tier !== 'default') details.push(`tier ${m.tier}`);
  if (m.peerPath !== undefined) details.push(`peer ${m.peerPath}`);
  if (m.portPath !== undefined) details.push(`port ${m.portPath}`);
  const name = m.ruleName === undefined ? '' : ` "${m.ruleName}"`;
  return `${policyDisplayName(m.policy)} ${m.rulePath}${name}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

function nameList(names: readonly string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 3) return unique.join(', ');
  return `${unique.slice(0, 3).join(', ')} and ${unique.length - 3} more`;
}
