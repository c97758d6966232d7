// Writes the kubeconfig `palisade up` hands to kubectl and client-node: one cluster (its
// self-signed certificate pinned), one user with the bearer token, one context, current. Mode 0600 because the token is the
// only credential of the API server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** e.g. `http://127.0.0.1:6443` */
  readonly server: string;
  readonly token: string;
  /** PEM certificate the client trusts for the server (the API server's self-signed certificate). */
  readonly certificateAuthority?: string;
  /** Names the cluster, user and context; default `palisade`. */
  readonly contextName?: string;
  /** Default namespace of the context. */
  readonly namespace?: string;
}

export function kubeconfigText(opts: KubeconfigOptions): string {
  const name = opts.contextName ?? 'palisade';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{
      name,
      cluster: {
        server: opts.server,
        ...(opts.certificateAuthority === undefined ? {} : { 'certificate-authority-data': Buffer.from(opts.certificateAuthority).toString('base64') }),
      },
    }],
    users: [{ name, user: { token: opts.token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }) } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes atomically (temp file + rename) with mode 0600, creating the directory. */
export function writeKubeconfig(file: string, opts: KubeconfigOptions): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, kubeconfigText(opts), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
