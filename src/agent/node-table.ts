// What the agent needs from the kernel side: send a delta transaction, send a full atomic
// replace, read the table back. sessionNodeTable() is the real one on the hot path: a
// persistent libnftables session (dataplane/nft-session.ts), reopened if its worker dies;
// nftNodeTable() spawns `nft` per call (the fallback where libnftables cannot be loaded).
// Tests pass a recording fake.
import type { NftCommand, TableReadback } from '../dataplane/applier.ts';
import { parseReadback, READBACK_COMMAND, readTable, runNft } from '../dataplane/applier.ts';
import { NftSession } from '../dataplane/nft-session.ts';

export interface NodeTable {
  /** For logs: where the table lives. */
  readonly description: string;
  /** Applies a delta (delta().text): one `nft -f` transaction; all or nothing. */
  apply(text: string): Promise<void>;
  /** Applies a full ruleset (renderRuleset()): one transaction that replaces the table atomically. */
  replace(text: string): Promise<void>;
  /** What the kernel holds: chains, element counts, named counters. */
  readback(): Promise<TableReadback>;
  /** Releases what the table holds open (the session's worker); the kernel's table stays. */
  close?(): Promise<void>;
}

const where = (netns: string | null): string => (netns === null ? 'host network namespace' : `netns ${netns}`);

/**
 * The table `inet palisade` in network namespace `netns`, or in the agent's own namespace
 * for netns null (the DaemonSet on a real node runs with hostNetwork: its namespace is the
 * node's, whose forward path carries the pods' traffic); one `nft` process per call.
 */
export function nftNodeTable(netns: string | null, cmd: NftCommand = {}): NodeTable {
  const load = async (text: string): Promise<void> => {
    await runNft(netns, ['-f', '-'], text, cmd);
  };
  return {
    description: `${where(netns)} (nft per transaction)`,
    apply: load,
    replace: load,
    readback: () => readTable(netns, cmd),
  };
}

/**
 * The same table through a persistent nft session. Resolves with `fallback` (why) and a
 * spawning table when no session can be opened (koffi or libnftables.so.1 missing).
 */
export async function sessionNodeTable(
  netns: string | null,
  open: (netns: string | null) => Promise<NftSession> = (n) => NftSession.open(n),
): Promise<{ readonly table: NodeTable; readonly fallback?: string }> {
  let session: NftSession;
  try {
    session = await open(netns);
  } catch (e) {
    return { table: nftNodeTable(netns), fallback: e instanceof Error ? e.message : String(e) };
  }
  let closed = false;
  const run = async (text: string, json = false): Promise<string> => {
    // A dead worker (it crashed, or the namespace went away) gets one new session per call.
    if (session.ended && !closed) session = await open(netns);
    return session.run(text, { json });
  };
  return {
    table: {
      description: `${where(netns)} (nft session)`,
      apply: async (text) => { await run(text); },
      replace: async (text) => { await run(text); },
      readback: async () => parseReadback(await run(READBACK_COMMAND, true)),
      close: async () => {
        closed = true;
        await session.close();
      },
    },
  };
}
