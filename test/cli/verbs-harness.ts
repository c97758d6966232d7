// For the verbs' end-to-end tests: a real embedded API server (src/server over an
// in-memory store with the api/ admission, as `palisade up` wires it) on a loopback port,
// its kubeconfig in a temporary Palisade home (the certificate made for the real time, the
// store on a fixed clock so ages and timestamps are stable), and `palisade` run in-process against it.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createApiServer } from '../../src/server/api-server.ts';
import { writeKubeconfig } from '../../src/server/kubeconfig.ts';
import { generateSelfSignedCert } from '../../src/server/self-signed-cert.ts';
import { apiValidator } from '../../src/store/admission.ts';
import type { Clock } from '../../src/store/clock.ts';
import { ObjectStore } from '../../src/store/object-store.ts';
import { runCli } from '../../src/cli/run-cli.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface VerbsEnv {
  readonly home: string;
  readonly store: ObjectStore;
  /** Moves the server's clock (ages, creation times). */
  advance(ms: number): void;
  run(args: readonly string[], stdin?: string): Promise<CliRun>;
  close(): Promise<void>;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => { text += d; });
  return { stream, text: () => text };
}

/** Runs `palisade ARGS` in this process with PALISADE_HOME=home. */
export async function runIn(home: string | undefined, args: readonly string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out = collect();
  const err = collect();
  const code = await runCli(args, {
    stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]),
    env: { HOME: home ?? tmpdir(), ...(home === undefined ? {} : { PALISADE_HOME: home }), ...env },
  });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

export async function startVerbsEnv(start = Date.UTC(2025, 0, 2, 3, 4, 5)): Promise<VerbsEnv> {
  const home = mkdtempSync(join(tmpdir(), 'palisade-verbs-'));
  let now = start;
  const clock: Clock = { now: () => now };
  const store = new ObjectStore({ clock, idGenerator: randomUUID, defaultValidator: apiValidator() });
  const token = randomBytes(16).toString('hex');
  const running = await createApiServer({ store, token, clock, tls: generateSelfSignedCert(Date.now()) }).listen('127.0.0.1', 0);
  writeKubeconfig(join(home, 'kubeconfig'), {
    server: running.url, token, ...(running.caCert === undefined ? {} : { certificateAuthority: running.caCert }),
  });
  return {
    home,
    store,
    advance: (ms) => { now += ms; },
    run: (args, stdin) => runIn(home, args, stdin),
    close: async () => {
      await running.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
