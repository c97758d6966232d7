// How runNft invokes nft, checked without running it (nothing is ever applied in the
// host's namespace by a test): a named namespace goes through `ip netns exec`, netns null
// (the DaemonSet with hostNetwork) runs nft directly, and a bad name is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nftArgv, runNft, NftError } from './applier.ts';

const cases: ReadonlyArray<{ name: string; netns: string | null; args: string[]; cmd?: { ip?: string; nft?: string }; want: { file: string; argv: string[] } }> = [
  { name: 'named namespace: ip netns exec', netns: 'pal-n1', args: ['-f', '-'], want: { file: 'ip', argv: ['netns', 'exec', 'pal-n1', 'nft', '-f', '-'] } },
  { name: 'host namespace (null): nft directly', netns: null, args: ['-f', '-'], want: { file: 'nft', argv: ['-f', '-'] } },
  { name: 'host namespace with a custom nft binary', netns: null, args: ['-j', 'list', 'table', 'inet', 'palisade'], cmd: { nft: '/usr/sbin/nft', ip: '/sbin/ip' }, want: { file: '/usr/sbin/nft', argv: ['-j', 'list', 'table', 'inet', 'palisade'] } },
  { name: 'named namespace with custom binaries', netns: 'x', args: ['-f', '-'], cmd: { nft: '/usr/sbin/nft', ip: '/sbin/ip' }, want: { file: '/sbin/ip', argv: ['netns', 'exec', 'x', '/usr/sbin/nft', '-f', '-'] } },
];

for (const c of cases) {
  test(`nftArgv: ${c.name}`, () => {
    assert.deepEqual(nftArgv(c.netns, c.args, c.cmd), c.want);
  });
}

test('nftArgv: a namespace name that could be an option or a path is refused; runNft rejects with NftError before spawning', async () => {
  assert.throws(() => nftArgv('-n', ['-f', '-']), /invalid network namespace name/);
  assert.throws(() => nftArgv('../x', ['-f', '-']), /invalid network namespace name/);
  // A missing binary proves nothing was spawned: the rejection comes from the name check.
  await assert.rejects(runNft('bad name', ['-f', '-'], '', { ip: '/nonexistent/ip' }), (e: unknown) => e instanceof NftError && /invalid network namespace name/.test(e.message));
});

test('NftError names the host namespace for netns null', () => {
  assert.match(new NftError(null, 1, 'Error: x', '').message, /^nft failed in the host network namespace \(exit 1\)/);
  assert.match(new NftError('n1', 1, 'Error: x', '').message, /^nft failed in network namespace n1 /);
});
