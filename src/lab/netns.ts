// Network-namespace primitives over iproute2: create, delete, list, run `ip` batches and
// sysctls inside one namespace. Every call names its namespace explicitly, so nothing
// here can act on the host's own (init) namespace by accident.
import { existsSync } from 'node:fs';
import { run, runRaw } from './exec.ts';
import { LabError } from './errors.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new LabError('invalid-argument', `invalid network namespace name ${JSON.stringify(name)}`);
}

export async function addNetns(name: string): Promise<void> {
  checkName(name);
  await run('ip', ['netns', 'add', name]);
}

/** Deletes the namespace; a namespace that does not exist is not an error (idempotent). */
export async function deleteNetns(name: string): Promise<void> {
  checkName(name);
  const r = await runRaw('ip', ['netns', 'delete', name]);
  if (r.exitCode !== 0 && (await listNetns()).includes(name)) {
    await run('ip', ['netns', 'delete', name]);
  }
}

/** Names of all named network namespaces (`ip netns list`). */
export async function listNetns(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  // Lines look like `name` or `name (id: 3)`.
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => n !== '');
}

/** Runs `ip` commands (one per line, without the leading `ip`) in one process inside `ns`. */
export async function ipBatch(ns: string, lines: readonly string[]): Promise<void> {
  checkName(ns);
  if (lines.length === 0) return;
  await run('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** `ip -n ns args…`: one command inside `ns`; returns stdout. */
export async function ipIn(ns: string, args: readonly string[]): Promise<string> {
  checkName(ns);
  return run('ip', ['-n', ns, ...args]);
}

/**
 * Sets sysctls inside `ns` only (keys like `net.ipv4.ip_forward`). Writes /proc/sys from a
 * shell inside the namespace rather than running `sysctl`, which (procps) a minimal
 * machine may lack. Keys and values are checked, so nothing reaches the shell unescaped.
 */
export async function sysctlIn(ns: string, settings: Readonly<Record<string, string | number>>): Promise<void> {
  checkName(ns);
  const writes = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/i.test(k)) throw new LabError('invalid-argument', `invalid sysctl key ${JSON.stringify(k)}`);
    if (!/^[0-9a-z_-]+$/i.test(String(v))) throw new LabError('invalid-argument', `invalid sysctl value ${JSON.stringify(v)} for ${k}`);
    return `echo ${v} > /proc/sys/${k.replaceAll('.', '/')}`;
  });
  if (writes.length === 0) return;
  await run('ip', ['netns', 'exec', ns, 'sh', '-ec', writes.join('; ')]);
}

/** PIDs of the processes whose network namespace is `ns` (`ip netns pids`). */
export async function netnsPids(ns: string): Promise<number[]> {
  checkName(ns);
  const r = await runRaw('ip', ['netns', 'pids', ns]);
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/** argv that runs `command args…` inside `ns` (for spawn). */
export function netnsExecArgv(ns: string, command: string, args: readonly string[]): string[] {
  checkName(ns);
  return ['netns', 'exec', ns, command, ...args];
}

/** Runs `nft -f -` with `ruleset` inside `ns` (tests use it to simulate drops). */
export async function nftIn(ns: string, ruleset: string): Promise<void> {
  checkName(ns);
  await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: ruleset });
}

export interface LabSupport {
  readonly ok: boolean;
  /** Why the lab cannot run here, one reason per entry. */
  readonly reasons: readonly string[];
}

/** Whether this machine can run the lab: Linux, root, iproute2 with netns support. */
export async function labSupport(): Promise<LabSupport> {
  const reasons: string[] = [];
  if (process.platform !== 'linux') reasons.push(`not Linux (${process.platform})`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) reasons.push('not root: network namespaces need CAP_SYS_ADMIN');
  if (reasons.length === 0) {
    try {
      await run('ip', ['netns', 'list']);
    } catch {
      reasons.push('`ip` (iproute2) is missing or has no netns support');
    }
    if (!existsSync('/proc/self/ns/net')) reasons.push('no /proc/self/ns/net: kernel without network namespaces');
  }
  return { ok: reasons.length === 0, reasons };
}
