// Shared by the lab's root-only tests: why they skip here (not root, no `ip`), a fresh
// state directory, and the teardown check that no namespace of the lab survived.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labSupport, listNetns } from './netns.ts';

/** `false` when the lab can run, else the skip message. */
export async function labSkipReason(): Promise<string | false> {
  const s = await labSupport();
  return s.ok ? false : `lab tests need root and iproute2: ${s.reasons.join('; ')}`;
}

/** A fresh, empty directory; destroyLab() removes it once it has emptied it. */
export function tempStateDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `palisade-lab-${tag}-`));
}

export async function assertNoNetnsLeft(prefix: string): Promise<void> {
  const left = (await listNetns()).filter((n) => n.startsWith(prefix));
  assert.deepEqual(left, [], `namespaces of lab ${prefix}* left behind`);
}
