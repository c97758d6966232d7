// The persisted record of one lab: every namespace and process it created, written to
// `<stateDir>/lab.json` atomically (temp file + rename) BEFORE the thing it records is
// created, so another process can tear the lab down after a crash (even kill -9).
import { mkdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Protocol } from '../model/protocol.ts';
import { LabError } from './errors.ts';

export const STATE_FILE = 'lab.json';
export const PID_DIR = 'pids';
export const LOG_DIR = 'logs';

export interface LabNodeState {
  readonly name: string;
  readonly netns: string;
  /** Address on the fabric link between nodes. */
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly podCidrV4: string;
  readonly podCidrV6?: string;
}

export interface LabPortState {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

export interface LabProcessState {
  readonly pid: number;
  /** /proc/<pid>/stat start time: guards against killing a reused PID. */
  readonly startTime: string;
  readonly pidFile: string;
}

export interface LabPodState {
  /** `namespace/name`, as model Pod.key. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly netns: string;
  /** Node-side end of the pod's veth (in the node's namespace). */
  readonly hostVeth: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly ports: readonly LabPortState[];
  readonly command?: readonly string[];
  /** Nodes that carry an extra host route to this pod (pinned IP outside its node's CIDR). */
  readonly extraRoutesOn: readonly string[];
  readonly process?: LabProcessState;
  /** e.g. "sctp unsupported: 9/SCTP is not served". */
  readonly warnings: readonly string[];
}

/**
 * A host outside the cluster (src/lab/external-hosts.ts): its own namespace on the
 * fabric, holding addresses that exist only inside the lab.
 */
export interface LabExternalHostState {
  readonly name: string;
  readonly netns: string;
  /** Its end of the link into the fabric bridge (in the fabric namespace). */
  readonly fabricVeth: string;
  /** Next hop the nodes route its addresses to: an address in the lab's node range. */
  readonly fabricIpv4: string;
  readonly fabricIpv6?: string;
  /** The outside addresses it holds (at most one per family), as the tests name them. */
  readonly ips: readonly string[];
  readonly ports: readonly LabPortState[];
  readonly process?: LabProcessState;
  readonly warnings: readonly string[];
}

export interface LabState {
  readonly version: 1;
  readonly id: string;
  /** Prefix of every namespace and link the lab creates: `pl-<id>-`. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly creatorPid: number;
  readonly fabric: string;
  readonly nodeCidrV4: string;
  readonly nodeCidrV6?: string;
  readonly podCidrV4: string;
  readonly podCidrV6?: string;
  /** Every namespace created or about to be created (written before `ip netns add`). */
  readonly netns: readonly string[];
  readonly nodes: readonly LabNodeState[];
  readonly pods: readonly LabPodState[];
  /** Counter for pod namespace names (never reused within a lab). */
  readonly nextPod: number;
  /** Hosts outside the cluster; absent in labs saved before they existed. */
  readonly externalHosts?: readonly LabExternalHostState[];
  /** Counter for external host namespace names. */
  readonly nextExternal?: number;
}

export function statePath(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

export function writeState(stateDir: string, state: LabState): void {
  mkdirSync(stateDir, { recursive: true });
  const target = statePath(stateDir);
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  // fsync so a crash after rename never leaves an empty file in place of the state.
  const fd = openSync(tmp, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  renameSync(tmp, target);
}

/** The saved state, or undefined when the directory holds no lab. */
export function readState(stateDir: string): LabState | undefined {
  let text: string;
  try {
    text = readFileSync(statePath(stateDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new LabError('invalid-argument', `${statePath(stateDir)}: not valid JSON: ${(e as Error).message}`);
  }
  const s = parsed as Partial<LabState>;
  if (s.version !== 1 || typeof s.id !== 'string' || typeof s.prefix !== 'string' || !Array.isArray(s.netns)) {
    throw new LabError('invalid-argument', `${statePath(stateDir)}: not a Palisade lab state (version 1)`);
  }
  return parsed as LabState;
}
