// The connectivity matrix for one port/protocol over a set of pods, without judging
// every pair: pods are grouped into equivalence classes (pod-classes.ts), and each side
// is walked once per class over all remote classes at once, with bitsets: U holds the
// still-undecided remote classes, and each rule in evaluation order claims U ∩ match(rule)
// (allow/deny: decided; pass: leaves the tier). Results must equal evaluate() cell by
// cell (matrix.test.ts checks it on random clusters). Memory: one class×class bitset.
import type { Protocol } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import type { Compiled, CompiledCluster } from './compile.ts';
import { cmp, internals } from './compile.ts';
import { EngineError } from './engine-error.ts';
import { rulePortHit } from './match-rule.ts';
import { transpose32 } from './bit-transpose.ts';
import { classifyPods } from './pod-classes.ts';
import { firstFamily, remoteOfPod } from './remote.ts';
import type { PeerMode, PodClasses } from './pod-classes.ts';
import type { Direction } from '../model/policy.ts';

export interface MatrixQuery {
  /** A number, or a named port resolved per destination pod; a destination without it: cell false. */
  readonly port: number | string;
  readonly protocol: Protocol;
  /** Default: all pods, sorted by key. */
  readonly pods?: readonly string[];
}

export interface Matrix {
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly pods: readonly string[];
  allowed(srcIndex: number, dstIndex: number): boolean;
  countAllowed(): number;
}

type PortBits = boolean | Uint32Array;

class Walker {
  readonly words: number;
  private readonly all: Uint32Array;
  private readonly undecided: Uint32Array;
  private readonly tier: Uint32Array;
  private readonly notPeerCache = new Map<Rule, Map<PeerMode, Uint32Array>>();
  private readonly denseCache = new Map<Int32Array, Uint32Array>();
  private readonly c: Compiled;
  private readonly classes: PodClasses;

  constructor(c: Compiled, classes: PodClasses) {
    this.c = c;
    this.classes = classes;
    this.words = Math.ceil(classes.count / 32);
    this.all = new Uint32Array(this.words).fill(0xffffffff);
    const tail = classes.count % 32;
    if (tail !== 0 && this.words > 0) this.all[this.words - 1] = (2 ** tail - 1) >>> 0;
    this.undecided = new Uint32Array(this.words);
    this.tier = new Uint32Array(this.words);
  }

  /**
   * Writes into `out` the remote classes this side allows: `self` is the class whose
   * policies decide, `portOf` says which remote classes a rule's ports admit.
   */
  walk(self: number, direction: Direction, mode: PeerMode, portOf: (rule: Rule) => PortBits, out: Uint32Array): void {
    const { c } = this;
    const podIndex = this.classes.rep[self] ?? 0;
    out.fill(0);
    if (c.pods[podIndex]?.hostNetwork === true) {
      out.set(this.all);
      return;
    }
    const list = c.selectionOf(podIndex, direction);
    const U = this.undecided;
    const T = this.tier;
    U.set(this.all);
    let k = 0;
    for (let t = 0; t < c.tiers.length; t++) {
      const start = k;
      while (k < list.length && c.enforcedTier[list[k] ?? 0] === t) k++;
      if (start === k) continue;
      T.set(U);
      let isolating = false;
      for (let i = start; i < k; i++) {
        const rules = c.enforced[list[i] ?? 0]?.[direction];
        if (rules === undefined) continue;
        if (rules.isolates) isolating = true;
        for (const rule of rules.rules) {
          if (rule.action === 'log') continue;
          const ports = portOf(rule);
          if (ports === false) continue;
          this.claim(rule, mode, ports, out);
        }
      }
      if (isolating && c.tiers[t]?.onNoMatch === 'deny-if-selected') {
        for (let w = 0; w < this.words; w++) U[w] = (U[w] ?? 0) & ~(T[w] ?? 0);
      }
    }
    for (let w = 0; w < this.words; w++) out[w] = (out[w] ?? 0) | (U[w] ?? 0);
  }

  private claim(rule: Rule, mode: PeerMode, ports: true | Uint32Array, allowed: Uint32Array): void {
    const T = this.tier;
    const U = this.undecided;
    const action = rule.action;
    const notPeers = rule.notPeers !== undefined && rule.notPeers.length > 0 ? this.notPeerBits(rule, mode) : undefined;
    const apply = (w: number, m: number): void => {
      if (m === 0) return;
      T[w] = (T[w] ?? 0) & ~m;
      if (action === 'pass') return;
      U[w] = (U[w] ?? 0) & ~m;
      if (action === 'allow') allowed[w] = (allowed[w] ?? 0) | m;
    };
    const mask = (w: number, m: number): number => {
      let r = m & (T[w] ?? 0);
      if (ports !== true) r &= ports[w] ?? 0;
      if (notPeers !== undefined) r &= ~(notPeers[w] ?? 0);
      return r;
    };
    if (rule.peers === null) {
      for (let w = 0; w < this.words; w++) apply(w, mask(w, this.all[w] ?? 0));
      return;
    }
    for (const peer of rule.peers) {
      const list = this.classes.peerClasses(peer, mode);
      if (list.length * 2 > this.words) {
        const dense = this.dense(list);
        for (let w = 0; w < this.words; w++) apply(w, mask(w, dense[w] ?? 0));
      } else {
        for (const cls of list) {
          const w = cls >>> 5;
          apply(w, mask(w, 1 << (cls & 31)));
        }
      }
    }
  }

  private dense(list: Int32Array): Uint32Array {
    let d = this.denseCache.get(list);
    if (d === undefined) {
      d = new Uint32Array(this.words);
      for (const cls of list) d[cls >>> 5] = (d[cls >>> 5] ?? 0) | (1 << (cls & 31));
      this.denseCache.set(list, d);
    }
    return d;
  }

  private notPeerBits(rule: Rule, mode: PeerMode): Uint32Array {
    let byMode = this.notPeerCache.get(rule);
    if (byMode === undefined) this.notPeerCache.set(rule, (byMode = new Map()));
    let bits = byMode.get(mode);
    if (bits === undefined) {
      bits = new Uint32Array(this.words);
      for (const p of rule.notPeers ?? []) {
        const d = this.dense(this.classes.peerClasses(p, mode));
        for (let w = 0; w < this.words; w++) bits[w] = (bits[w] ?? 0) | (d[w] ?? 0);
      }
      byMode.set(mode, bits);
    }
    return bits;
  }
}

/**
 * Query positions whose cells fall under evaluate()'s own-node exception: a host-network
 * pod and a pod on the same node, either way. Classes can't carry it (it depends on the
 * pair's nodes), so these cells are answered per pair: allowed wherever there is a port.
 */
function ownNodePairs(c: Compiled, positions: readonly number[]): Map<number, Set<number>> {
  const podsByNode = new Map<string, number[]>();
  const hosts: Array<[number, string]> = [];
  positions.forEach((i, pos) => {
    const pod = c.pods[i];
    if (pod === undefined) return;
    if (pod.hostNetwork) {
      const node = remoteOfPod(c, i, firstFamily(c, i)).node?.name;
      if (node !== undefined) hosts.push([pos, node]);
    } else if (pod.node !== undefined) {
      let l = podsByNode.get(pod.node);
      if (l === undefined) podsByNode.set(pod.node, (l = []));
      l.push(pos);
    }
  });
  const pairs = new Map<number, Set<number>>();
  const add = (a: number, b: number): void => {
    let s = pairs.get(a);
    if (s === undefined) pairs.set(a, (s = new Set()));
    s.add(b);
  };
  for (const [h, node] of hosts) for (const p of podsByNode.get(node) ?? []) { add(h, p); add(p, h); }
  return pairs;
}

function bit(bits: Uint32Array, i: number): boolean {
  return (((bits[i >>> 5] ?? 0) >>> (i & 31)) & 1) === 1;
}

export function computeMatrix(compiled: CompiledCluster, query: MatrixQuery, onProgress?: (done: number, total: number) => void): Matrix {
  const c = internals(compiled);
  const keys = query.pods ?? c.pods.map((p) => p.key).sort(cmp);
  const positions = keys.map((k) => {
    const i = c.podIndex(k);
    if (i === undefined) throw new EngineError(`unknown pod ${k} in matrix query`);
    return i;
  });
  if (new Set(positions).size !== positions.length) throw new EngineError('matrix query lists a pod twice');
  if (typeof query.port === 'number' && (!Number.isInteger(query.port) || query.port < 0 || query.port > 65535)) {
    throw new EngineError(`invalid port ${query.port} in matrix query`);
  }
  const classes = classifyPods(c, positions, query.port, query.protocol);
  const n = classes.count;
  const walker = new Walker(c, classes);
  const W = walker.words;
  const total = 2 * n;
  const step = Math.max(1, Math.floor(n / 100));
  const progress = (done: number): void => {
    if (onProgress !== undefined && (done % step === 0 || done === total)) onProgress(done, total);
  };
  progress(0);

  // Destination classes a named query port resolves on.
  const valid = new Uint32Array(W);
  for (let d = 0; d < n; d++) if ((classes.dstPort[d] ?? -1) >= 0) valid[d >>> 5] = (valid[d >>> 5] ?? 0) | (1 << (d & 31));

  // Ingress, per destination class, over source classes; stored transposed: result[s][d].
  const result = new Uint32Array(n * W);
  const block: Uint32Array[] = Array.from({ length: 32 }, () => new Uint32Array(W));
  const tile = new Uint32Array(32);
  for (let d0 = 0; d0 < n; d0 += 32) {
    const width = Math.min(32, n - d0);
    for (let j = 0; j < width; j++) {
      const d = d0 + j;
      const out = block[j] ?? new Uint32Array(W);
      const port = classes.dstPort[d] ?? -1;
      if (port < 0) out.fill(0);
      else {
        const dstPod = c.pods[classes.rep[d] ?? 0];
        walker.walk(d, 'ingress', 'primary', (rule) => rulePortHit(rule, query.protocol, port, dstPod) !== -2, out);
      }
      progress(d + 1);
    }
    // Transpose 32×32 tiles: rows of this block of destinations become words of sources' rows.
    const w = d0 >>> 5;
    for (let sw = 0; sw < W; sw++) {
      let and = 0xffffffff;
      let or = 0;
      for (let j = 0; j < 32; j++) {
        const v = j < width ? (block[j]?.[sw] ?? 0) : 0;
        tile[j] = v;
        and &= v;
        or |= v;
      }
      const uniform = or === 0 ? 0 : and === -1 || (and >>> 0) === 0xffffffff ? 0xffffffff : -1;
      if (uniform === -1) transpose32(tile);
      const sEnd = Math.min(32, n - (sw << 5));
      for (let k = 0; k < sEnd; k++) result[((sw << 5) + k) * W + w] = uniform === -1 ? (tile[k] ?? 0) : uniform;
    }
  }

  // Egress, per source class, over destination classes; AND into the ingress result.
  const portCache = new Map<Rule, PortBits>();
  const portOf = (rule: Rule): PortBits => {
    let bits = portCache.get(rule);
    if (bits !== undefined) return bits;
    const dependsOnDst = typeof query.port === 'string'
      || [...(rule.ports ?? []), ...(rule.notPorts ?? [])].some((e) => e.ports?.kind === 'named');
    if (rule.ports === null && (rule.notPorts === undefined || rule.notPorts.length === 0)) bits = true;
    else if (!dependsOnDst) bits = rulePortHit(rule, query.protocol, query.port as number, undefined) !== -2;
    else {
      const dense = new Uint32Array(W);
      for (let d = 0; d < n; d++) {
        const port = classes.dstPort[d] ?? -1;
        if (port >= 0 && rulePortHit(rule, query.protocol, port, c.pods[classes.rep[d] ?? 0]) !== -2) dense[d >>> 5] = (dense[d >>> 5] ?? 0) | (1 << (d & 31));
      }
      bits = dense;
    }
    portCache.set(rule, bits);
    return bits;
  };
  const egress = new Uint32Array(W);
  for (let s = 0; s < n; s++) {
    walker.walk(s, 'egress', classes.family[s] ?? 'primary', portOf, egress);
    const row = s * W;
    for (let w = 0; w < W; w++) result[row + w] = (result[row + w] ?? 0) & (egress[w] ?? 0) & (valid[w] ?? 0);
    progress(n + s + 1);
  }

  const classOf = classes.classOf;
  const ownNode = ownNodePairs(c, positions);
  let counted: number | undefined;
  return {
    port: query.port,
    protocol: query.protocol,
    pods: keys,
    allowed(srcIndex: number, dstIndex: number): boolean {
      const dc = classOf[dstIndex];
      const sc = classOf[srcIndex];
      if (sc === undefined || dc === undefined) throw new EngineError(`matrix index out of range: ${srcIndex}, ${dstIndex}`);
      // Loopback is always allowed, if there is a port to connect to.
      if (srcIndex === dstIndex) return bit(valid, dc);
      if (ownNode.get(srcIndex)?.has(dstIndex) === true) return bit(valid, dc);
      return bit(result.subarray(sc * W, sc * W + W), dc);
    },
    countAllowed(): number {
      if (counted !== undefined) return counted;
      // Pods per 32-class word, so full words cost one addition.
      const wordSize = new Float64Array(W);
      for (let d = 0; d < n; d++) wordSize[d >>> 5] = (wordSize[d >>> 5] ?? 0) + (classes.size[d] ?? 0);
      let sum = 0;
      for (let s = 0; s < n; s++) {
        let rowSum = 0;
        for (let w = 0; w < W; w++) {
          let word = result[s * W + w] ?? 0;
          if (word === 0xffffffff && (w < W - 1 || n % 32 === 0)) {
            rowSum += wordSize[w] ?? 0;
            continue;
          }
          while (word !== 0) {
            const low = word & -word;
            rowSum += classes.size[(w << 5) + 31 - Math.clz32(low)] ?? 0;
            word ^= low;
          }
        }
        sum += rowSum * (classes.size[s] ?? 0);
        // Diagonal cells are loopback: counted above as the class's own cell.
        const self = bit(result.subarray(s * W, s * W + W), s) ? 1 : 0;
        sum += (classes.size[s] ?? 0) * ((bit(valid, s) ? 1 : 0) - self);
      }
      // Own-node cells the class result denies but the exception allows.
      for (const [src, dsts] of ownNode) {
        const sc = classOf[src] ?? 0;
        for (const dst of dsts) {
          const dc = classOf[dst] ?? 0;
          if (bit(valid, dc) && !bit(result.subarray(sc * W, sc * W + W), dc)) sum++;
        }
      }
      counted = sum;
      return sum;
    },
  };
}
