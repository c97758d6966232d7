// Opening the lab of a running `palisade up` for exec and probe: `<home>/lab` holds its
// state (lab.json), which the lab's own code reads. A missing lab is explained: either
// palisade is not running at all, or it runs without a lab (not root, not Linux).
import { existsSync } from 'node:fs';
import { openLab } from '../../lab/topology.ts';
import type { Lab } from '../../lab/topology.ts';
import type { CliIo } from '../cli-io.ts';
import { NotRunningError } from './api-error.ts';
import { kubeconfigPath, labStateDir } from './palisade-home.ts';
import type { ConnectionFlags } from './palisade-home.ts';

export function openRunningLab(flags: ConnectionFlags, io: CliIo): Lab {
  const dir = labStateDir(flags, io.env);
  if (existsSync(`${dir}/lab.json`)) return openLab(dir);
  const kubeconfig = kubeconfigPath(flags, io.env);
  if (!existsSync(kubeconfig)) throw new NotRunningError(`palisade is not running (no kubeconfig at ${kubeconfig}); start it with "palisade up -d"`);
  throw new NotRunningError(`palisade is running without a lab (no ${dir}/lab.json): real traffic needs the lab, which needs Linux, root and iproute2`);
}
