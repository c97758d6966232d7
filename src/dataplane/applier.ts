// The only code that runs `nft`: inside a named network namespace (`ip netns exec NS nft`),
// or, for netns null, directly in this process's own namespace (the DaemonSet on a real
// node, which runs with hostNetwork); rules on stdin, one transaction per call. It keeps
// the last applied plan so later plans go in as deltas; a failed delta is followed by a full resync (an atomic table replace),
// and readTable() reads the table back (`nft -j list table`) to verify what the kernel holds.
import { spawn } from 'node:child_process';
import { delta } from './delta.ts';
import { elementCounts } from './layout.ts';
import { FAMILY_TABLE, fixedChains, renderRuleset } from './render.ts';
import { TABLE_NAME } from './ruleset.ts';
import type { Ruleset } from './ruleset.ts';

export class NftError extends Error {
  /** null: the process's own (host) network namespace. */
  readonly netns: string | null;
  readonly exitCode: number | null;
  readonly stderr: string;
  /** The first lines of the transaction that failed, for logs. */
  readonly excerpt: string;

  constructor(netns: string | null, exitCode: number | null, stderr: string, input: string) {
    super(`nft failed in ${netns === null ? 'the host network namespace' : `network namespace ${netns}`} (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n').slice(0, 6).join(' | ') || 'no message'}`);
    this.name = 'NftError';
    this.netns = netns;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.excerpt = input.split('\n').slice(0, 20).join('\n');
  }
}

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Throws unless `netns` is an `ip netns` name (never an option or a path). */
export function checkNetnsName(netns: string): void {
  if (!NETNS_NAME.test(netns)) throw new Error(`invalid network namespace name ${JSON.stringify(netns)}`);
}

export interface NftCommand {
  /** Default `ip`. */
  readonly ip?: string;
  /** Default `nft`. */
  readonly nft?: string;
}

/** The program and argv that run `nft ARGS` in `netns` (null: in our own namespace, no `ip netns exec`). */
export function nftArgv(netns: string | null, args: readonly string[], cmd: NftCommand = {}): { readonly file: string; readonly argv: readonly string[] } {
  const nft = cmd.nft ?? 'nft';
  if (netns === null) return { file: nft, argv: [...args] };
  checkNetnsName(netns);
  return { file: cmd.ip ?? 'ip', argv: ['netns', 'exec', netns, nft, ...args] };
}

/** Runs `nft ARGS` in network namespace `netns` (null: the current one), with `input` on stdin; resolves with stdout. */
export function runNft(netns: string | null, args: readonly string[], input = '', cmd: NftCommand = {}): Promise<string> {
  let run: ReturnType<typeof nftArgv>;
  try {
    run = nftArgv(netns, args, cmd);
  } catch (e) {
    return Promise.reject(new NftError(netns, null, e instanceof Error ? e.message : String(e), input));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(run.file, run.argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new NftError(netns, null, e.message, input)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new NftError(netns, code, Buffer.concat(err).toString('utf8'), input));
    });
    child.stdin.on('error', () => { /* the exit code and stderr tell what happened */ });
    child.stdin.end(input);
  });
}

export interface ApplyResult {
  readonly full: boolean;
  /** Element and chain changes of a delta; NaN for a full load. */
  readonly changes: number;
}

/** Keeps one node's table in sync with successive plans. */
export class TableApplier {
  readonly netns: string;
  readonly cmd: NftCommand;
  #current: Ruleset | undefined;

  constructor(netns: string, cmd: NftCommand = {}) {
    this.netns = netns;
    this.cmd = cmd;
  }

  get current(): Ruleset | undefined {
    return this.#current;
  }

  async apply(next: Ruleset): Promise<ApplyResult> {
    const old = this.#current;
    if (old !== undefined) {
      const d = delta(old, next);
      if (!d.full) {
        try {
          if (d.text !== '') await runNft(this.netns, ['-f', '-'], d.text, this.cmd);
          this.#current = next;
          return { full: false, changes: d.changes };
        } catch (e) {
          if (!(e instanceof NftError)) throw e;
          // The kernel's table is not what we think (someone changed it): replace it whole.
        }
      }
    }
    this.#current = undefined;
    await runNft(this.netns, ['-f', '-'], renderRuleset(next), this.cmd);
    this.#current = next;
    return { full: true, changes: Number.NaN };
  }

  /** Removes the table (if present), in one transaction. */
  async remove(): Promise<void> {
    await runNft(this.netns, ['-f', '-'], `add table ${FAMILY_TABLE}\ndelete table ${FAMILY_TABLE}\n`, this.cmd);
    this.#current = undefined;
  }
}

export interface TableReadback {
  readonly chains: readonly string[];
  /** Set/map name → number of elements the kernel holds. */
  readonly elements: ReadonlyMap<string, number>;
  /** Named counter → packets, bytes. */
  readonly counters: ReadonlyMap<string, { readonly packets: number; readonly bytes: number }>;
}

interface NftJsonObject {
  readonly chain?: { readonly name: string };
  readonly set?: { readonly name: string; readonly elem?: readonly unknown[] };
  readonly map?: { readonly name: string; readonly elem?: readonly unknown[] };
  readonly counter?: { readonly name: string; readonly packets: number; readonly bytes: number };
}

export async function readTable(netns: string | null, cmd: NftCommand = {}): Promise<TableReadback> {
  return parseReadback(await runNft(netns, ['-j', 'list', 'table', 'inet', TABLE_NAME], '', cmd));
}

/** The command whose JSON output (`nft -j`) parseReadback() reads. */
export const READBACK_COMMAND = `list table ${FAMILY_TABLE}`;

/** What `nft -j list table inet palisade` printed, as chains, element counts and counters. */
export function parseReadback(text: string): TableReadback {
  const doc = JSON.parse(text) as { nftables?: readonly NftJsonObject[] };
  const chains: string[] = [];
  const elements = new Map<string, number>();
  const counters = new Map<string, { packets: number; bytes: number }>();
  for (const o of doc.nftables ?? []) {
    if (o.chain !== undefined) chains.push(o.chain.name);
    const s = o.set ?? o.map;
    if (s !== undefined) elements.set(s.name, s.elem?.length ?? 0);
    if (o.counter !== undefined) counters.set(o.counter.name, { packets: o.counter.packets, bytes: o.counter.bytes });
  }
  return { chains, elements, counters };
}

/** Differences between what the kernel holds and the plan (element counts per set, chain names); empty when they agree. */
export function verifyReadback(r: Ruleset, back: TableReadback): string[] {
  const problems: string[] = [];
  for (const [set, n] of elementCounts(r)) {
    const got = back.elements.get(set);
    if (got !== n) problems.push(`${set}: kernel holds ${got ?? 'no set'} elements, plan has ${n}`);
  }
  const want = new Set([...r.dropTargets.map((t) => `drop_${t.index}`), ...fixedChains().map((ch) => ch.name)]);
  for (const ch of want) if (!back.chains.includes(ch)) problems.push(`chain ${ch} is missing`);
  for (const ch of back.chains) if (!want.has(ch)) problems.push(`chain ${ch} is not in the plan`);
  return problems;
}
