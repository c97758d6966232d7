// The rate part's equal-share groups on the real cgroup v1 cpu controller: a process moves
// in, gets its share, and goes back to the root group when the groups are removed, also
// when a crashed run left them (removeShareGroups by prefix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createShareGroups, removeShareGroups, shareGroupsUnavailable } from './cpu-share-groups.ts';

const cpuGroupOf = (pid: number): string => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:cpu(,|:)/.test(l) || /:cpu,cpuacct:/.test(l))?.split(':')[2] ?? '';

test('a process moves into its pair\'s group and back out when the groups are removed', async (t) => {
  const why = shareGroupsUnavailable() ?? (process.getuid?.() === 0 ? undefined : 'needs root');
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const prefix = `pl-t${randomBytes(3).toString('hex')}-`;
  const child = spawn('sleep', ['30']);
  t.after(() => child.kill('SIGKILL'));
  const pid = child.pid as number;
  const groups = createShareGroups(prefix, 2);
  try {
    assert.equal(readFileSync(`${groups.dirs[1]}/cpu.shares`, 'utf8').trim(), '1024');
    groups.add(1, [pid, 999_999_999 - 1]);
    assert.equal(cpuGroupOf(pid), `/${prefix}rate-pair1`);
  } catch (e) {
    groups.remove();
    throw e;
  }
  removeShareGroups(prefix);
  assert.equal(cpuGroupOf(pid), '/');
  for (const d of groups.dirs) assert.equal(existsSync(d), false, `${d} removed`);
  assert.throws(() => groups.add(5, [pid]), /no share group 5/);
});

test('without a cpu controller the reason names the path', () => {
  assert.match(shareGroupsUnavailable('/nonexistent-cgroup') ?? '', /no cgroup v1 cpu controller at \/nonexistent-cgroup/);
});
