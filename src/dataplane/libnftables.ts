// The few calls of libnftables (the library behind the `nft` program) that a persistent
// session needs, bound with koffi, plus setns(2) from libc to enter a network namespace.
// A buffer given to run() is parsed and committed exactly as `nft -f` commits a file: one
// transaction, all or nothing. Loaded only inside the session's worker thread (setns
// moves the calling thread only), never on the main thread.
import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';

/** libnftables output flag: JSON output (`nft -j`). */
const NFT_CTX_OUTPUT_JSON = 1 << 4;
const CLONE_NEWNET = 0x40000000;

export interface NftContext {
  /** Runs one buffer; rc 0 is success. Output and error text are what `nft` would print. */
  run(text: string, json: boolean): { readonly rc: number; readonly out: string; readonly err: string };
}

/** Moves the CALLING THREAD into the network namespace bound at /run/netns/NAME (`ip netns` names). */
export function enterNetns(name: string): void {
  const libc = koffi.load('libc.so.6');
  const setns = libc.func('int setns(int fd, int nstype)');
  const fd = openSync(`/run/netns/${name}`, 'r');
  try {
    if (setns(fd, CLONE_NEWNET) !== 0) throw new Error(`setns into network namespace ${name} failed (errno ${String(koffi.errno())})`);
  } finally {
    closeSync(fd);
  }
}

/** A libnftables context bound to the calling thread's network namespace (its netlink socket is opened here). */
export function openContext(): NftContext {
  const lib = koffi.load('libnftables.so.1');
  const ctxNew = lib.func('void *nft_ctx_new(uint32_t flags)');
  const bufferOutput = lib.func('int nft_ctx_buffer_output(void *ctx)');
  const bufferError = lib.func('int nft_ctx_buffer_error(void *ctx)');
  const getOutput = lib.func('const char *nft_ctx_get_output_buffer(void *ctx)');
  const getError = lib.func('const char *nft_ctx_get_error_buffer(void *ctx)');
  const getFlags = lib.func('uint32_t nft_ctx_output_get_flags(void *ctx)');
  const setFlags = lib.func('void nft_ctx_output_set_flags(void *ctx, uint32_t flags)');
  const runBuffer = lib.func('int nft_run_cmd_from_buffer(void *ctx, const char *buf)');
  const ctx: unknown = ctxNew(0);
  if (ctx === null) throw new Error('nft_ctx_new failed');
  if (bufferOutput(ctx) !== 0 || bufferError(ctx) !== 0) throw new Error('libnftables could not buffer its output');
  const plain = getFlags(ctx) as number;
  return {
    run(text, json) {
      setFlags(ctx, json ? plain | NFT_CTX_OUTPUT_JSON : plain);
      const rc = runBuffer(ctx, text) as number;
      // Reading a buffer resets it for the next command.
      const out = (getOutput(ctx) as string | null) ?? '';
      const err = (getError(ctx) as string | null) ?? '';
      return { rc, out, err };
    },
  };
}
