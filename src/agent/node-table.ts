// What the agent needs from the kernel side: send a delta transaction, send a full atomic
// replace, read the table back. nftNodeTable() is the real one, through the dataplane's
// runNft (the only code that runs nft); tests pass a recording fake.
import type { NftCommand, TableReadback } from '../dataplane/applier.ts';
import { readTable, runNft } from '../dataplane/applier.ts';

export interface NodeTable {
  /** For logs: where the table lives. */
  readonly description: string;
  /** Applies a delta (delta().text): one `nft -f` transaction; all or nothing. */
  apply(text: string): Promise<void>;
  /** Applies a full ruleset (renderRuleset()): one transaction that replaces the table atomically. */
  replace(text: string): Promise<void>;
  /** What the kernel holds: chains, element counts, named counters. */
  readback(): Promise<TableReadback>;
}

/**
 * The table `inet palisade` in network namespace `netns`, or in the agent's own namespace
 * for netns null (the DaemonSet on a real node runs with hostNetwork: its namespace is the
 * node's, whose forward path carries the pods' traffic).
 */
export function nftNodeTable(netns: string | null, cmd: NftCommand = {}): NodeTable {
  const load = async (text: string): Promise<void> => {
    await runNft(netns, ['-f', '-'], text, cmd);
  };
  return {
    description: netns === null ? 'host network namespace' : `netns ${netns}`,
    apply: load,
    replace: load,
    readback: () => readTable(netns, cmd),
  };
}
