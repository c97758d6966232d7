// Serves the embedded store's Kubernetes API on loopback and writes the kubeconfig that
// reaches it (home/kubeconfig, 0600, bearer token): what `palisade up` hands to the CLI,
// kubectl and client-node.
import { join } from 'node:path';
import type { Logger } from '../agent/logger.ts';
import { createApiServer } from '../server/api-server.ts';
import { writeKubeconfig } from '../server/kubeconfig.ts';
import { HOME_FILES } from '../cli/commands/up-runtime.ts';
import type { Clock } from '../store/clock.ts';
import type { ObjectStore } from '../store/object-store.ts';

export interface ServeApiOptions {
  readonly store: ObjectStore;
  readonly home: string;
  readonly port: number;
  readonly token: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface ApiServing {
  readonly url: string;
  readonly kubeconfigPath: string;
  close(): Promise<void>;
}

export async function serveApi(o: ServeApiOptions): Promise<ApiServing> {
  const server = createApiServer({ store: o.store, token: o.token, clock: o.clock, logger: o.logger });
  const running = await server.listen('127.0.0.1', o.port);
  const kubeconfigPath = join(o.home, HOME_FILES.kubeconfig);
  writeKubeconfig(kubeconfigPath, {
    server: running.url, token: o.token, contextName: 'palisade',
    ...(running.caCert === undefined ? {} : { certificateAuthority: running.caCert }),
  });
  o.logger.info({ kubeconfig: kubeconfigPath }, 'kubeconfig written');
  return { url: running.url, kubeconfigPath, close: () => running.close() };
}
