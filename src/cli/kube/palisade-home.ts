// Where the embedded default keeps its files, and so where its kubeconfig is: `--home
// DIR`, else $PALISADE_HOME, else ~/.palisade. The verbs never read $KUBECONFIG: a
// palisade command must not reach a user's real cluster by accident.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ConnectionFlags {
  /** `--home DIR` */
  readonly home?: string;
  /** `--kubeconfig PATH`: overrides `<home>/kubeconfig`. */
  readonly kubeconfig?: string;
}

export function palisadeHome(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string {
  if (flags.home !== undefined && flags.home !== '') return resolve(flags.home);
  const fromEnv = env['PALISADE_HOME'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const home = env['HOME'];
  return join(home !== undefined && home !== '' ? home : homedir(), '.palisade');
}

export function kubeconfigPath(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string {
  if (flags.kubeconfig !== undefined && flags.kubeconfig !== '') return resolve(flags.kubeconfig);
  return join(palisadeHome(flags, env), 'kubeconfig');
}

/** The lab's state directory of a running `palisade up` (lab.json, pidfiles, logs). */
export function labStateDir(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string {
  return join(palisadeHome(flags, env), 'lab');
}
