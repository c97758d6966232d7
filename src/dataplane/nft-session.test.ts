// NftSession on the real kernel: transactions land in the session's namespace only, a
// failing transaction commits nothing of its text and leaves the session usable, JSON
// output reads back, and a closed session refuses work. Skips (saying why) without root
// or nft; always removes its namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftError, parseReadback, runNft } from './applier.ts';
import { NftSession } from './nft-session.ts';
import { withEmptyNamespace } from './test-netns.ts';

const withNamespace = (t: { skip(m: string): void }, body: (netns: string) => Promise<void>): Promise<void> => withEmptyNamespace(t, 'session', body);

const TABLE = 'inet palisade_session_test';

test('NftSession: a transaction lands in its namespace, not in the host namespace', (t) => withNamespace(t, async (netns) => {
  const s = await NftSession.open(netns);
  try {
    await s.run(`add table ${TABLE}\nadd set ${TABLE} s { type ipv4_addr; }\nadd element ${TABLE} s { 10.1.0.1, 10.1.0.2 }\n`);
    const inside = await runNft(netns, ['list', 'set', ...TABLE.split(' '), 's']);
    assert.match(inside, /10\.1\.0\.1, 10\.1\.0\.2/);
    // Read-only look at the host namespace: the table must not be there.
    const host = await runNft(null, ['list', 'tables']);
    assert.ok(!host.includes('palisade_session_test'), `host namespace has no test table:\n${host}`);
  } finally {
    await s.close();
  }
}));

test('NftSession: a failing transaction commits nothing of its text, says where it failed, and the session goes on', (t) => withNamespace(t, async (netns) => {
  const s = await NftSession.open(netns);
  try {
    await s.run(`add table ${TABLE}\nadd set ${TABLE} s { type ipv4_addr; }\n`);
    await assert.rejects(
      s.run(`add element ${TABLE} s { 10.2.0.1 }\nadd element ${TABLE} missing { 10.2.0.2 }\n`),
      (e: unknown) => e instanceof NftError && e.netns === netns && e.exitCode === 1 && /missing/.test(e.stderr) && e.message.includes(`network namespace ${netns}`),
    );
    assert.doesNotMatch(await s.run(`list set ${TABLE} s`), /10\.2\.0\.1/, 'the first command of the failed transaction is not committed');
    await s.run(`add element ${TABLE} s { 10.2.0.3 }`);
    assert.match(await s.run(`list set ${TABLE} s`), /10\.2\.0\.3/);
  } finally {
    await s.close();
  }
}));

test('NftSession: JSON output reads back like `nft -j`', (t) => withNamespace(t, async (netns) => {
  const s = await NftSession.open(netns);
  try {
    await s.run('add table inet palisade\nadd set inet palisade local4 { type ipv4_addr; }\nadd element inet palisade local4 { 10.3.0.1, 10.3.0.2, 10.3.0.3 }\nadd chain inet palisade c\n');
    const back = parseReadback(await s.run('list table inet palisade', { json: true }));
    assert.equal(back.elements.get('local4'), 3);
    assert.deepEqual(back.chains, ['c']);
    // The JSON flag is per request: the next listing is text again.
    assert.match(await s.run('list set inet palisade local4'), /^table inet palisade/);
  } finally {
    await s.close();
  }
}));

test('NftSession: a closed session refuses work; a missing namespace cannot be opened', (t) => withNamespace(t, async (netns) => {
  const s = await NftSession.open(netns);
  await s.close();
  assert.equal(s.ended, true);
  await assert.rejects(s.run('list tables'), (e: unknown) => e instanceof NftError && /session ended: closed/.test(e.message));
  await assert.rejects(NftSession.open(`${netns}-absent`), (e: unknown) => e instanceof NftError && /cannot open an nft session/.test(e.message));
  await assert.rejects(NftSession.open('-bad name'), /invalid network namespace name/);
}));
