// Equal CPU shares for the two pairs of the simultaneous rate comparison when both run on
// ONE CPU (--ab-cpus shared): each pair's processes (its client pods' load generators and
// its server) go into a cgroup of their own with the same cpu.shares, so the scheduler
// gives each pair half of the CPU, interleaved every few milliseconds. Both tables then see
// the same CPU at the same moments: a vCPU that runs slower for a while (a busy sibling
// hyperthread on the host, frequency) slows both alike, where with a CPU per pair it
// slowed one side only and swung the ratio by ±5% per run. Softirq work is charged to the
// task it interrupts, mostly the sender whose packet it carries, so each pair pays for its
// own table. cgroup v1's cpu controller (this VM's); the groups are named with the lab's
// prefix and removed afterwards.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CPU_ROOT = '/sys/fs/cgroup/cpu';

export interface ShareGroups {
  readonly dirs: readonly string[];
  /** Moves whole processes into group i. */
  add(i: number, pids: readonly number[]): void;
  /** Moves every process back to the root group and removes the groups. */
  remove(): void;
}

/** Why the groups cannot be made here, or undefined. */
export function shareGroupsUnavailable(root = CPU_ROOT): string | undefined {
  return existsSync(join(root, 'cgroup.procs')) && existsSync(join(root, 'cpu.shares')) ? undefined : `no cgroup v1 cpu controller at ${root}`;
}

const groupName = (prefix: string, i: number): string => `${prefix}rate-pair${i}`;

/** Moves a group's processes back to the root group and removes it. */
function removeGroup(root: string, dir: string): void {
  if (!existsSync(dir)) return;
  for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((l) => l.trim() !== '')) {
    try {
      writeFileSync(join(root, 'cgroup.procs'), pid);
    } catch {
      // Exited meanwhile.
    }
  }
  rmdirSync(dir);
}

/** Removes groups a crashed bench left behind (the lab's teardown calls it with the lab's prefix). */
export function removeShareGroups(prefix: string, root = CPU_ROOT): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) if (name.startsWith(`${prefix}rate-pair`)) removeGroup(root, join(root, name));
}

export function createShareGroups(prefix: string, count: number, root = CPU_ROOT): ShareGroups {
  const why = shareGroupsUnavailable(root);
  if (why !== undefined) throw new Error(`--ab-cpus shared needs equal CPU shares per pair: ${why}`);
  const dirs = Array.from({ length: count }, (_, i) => join(root, groupName(prefix, i)));
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cpu.shares'), '1024');
  }
  return {
    dirs,
    add: (i, pids) => {
      const d = dirs[i];
      if (d === undefined) throw new Error(`no share group ${i}`);
      for (const pid of pids) {
        try {
          writeFileSync(join(d, 'cgroup.procs'), String(pid));
        } catch (e) {
          // A process that exited meanwhile (ESRCH) has nothing to move.
          if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
        }
      }
    },
    remove: () => {
      for (const d of dirs) removeGroup(root, d);
    },
  };
}
