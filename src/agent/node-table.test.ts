// sessionNodeTable on the real kernel: deltas and replaces go through one persistent
// session; when that session has died, the next call opens a new one and still lands;
// readback parses what the kernel holds. Skips (saying why) without root or nft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftSession } from '../dataplane/nft-session.ts';
import { withEmptyNamespace } from '../dataplane/test-netns.ts';
import { sessionNodeTable } from './node-table.ts';

test('sessionNodeTable: replace, delta, a new session after the old one died, readback', (t) => withEmptyNamespace(t, 'table', async (netns) => {
  const opened: NftSession[] = [];
  const { table, fallback } = await sessionNodeTable(netns, async (n) => {
    const s = await NftSession.open(n);
    opened.push(s);
    return s;
  });
  assert.equal(fallback, undefined);
  assert.match(table.description, new RegExp(`netns ${netns} \\(nft session\\)`));
  try {
    await table.replace('add table inet palisade\ndelete table inet palisade\ntable inet palisade {\n\tset local4 {\n\t\ttype ipv4_addr\n\t}\n}\n');
    await table.apply('add element inet palisade local4 { 10.9.0.1 }\n');
    assert.equal((await table.readback()).elements.get('local4'), 1);
    // The worker dies (here: closed behind the table's back): the next call reopens.
    await opened[0]?.close();
    await table.apply('add element inet palisade local4 { 10.9.0.2 }\n');
    assert.equal(opened.length, 2, 'a second session was opened');
    assert.equal((await table.readback()).elements.get('local4'), 2);
  } finally {
    await table.close?.();
  }
  assert.equal(opened.every((s) => s.ended), true, 'close() ends the session');
}));
