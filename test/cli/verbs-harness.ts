// For the verbs' end-to-end tests: a real embedded API server (src/server/test-support.ts
// loopbackServer: an in-memory store with the api/ admission, as `palisade up` wires it),
// its kubeconfig in the temporary Palisade home, the store on a clock the test moves so
// ages and timestamps are stable, and `palisade` run in-process against it.
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { loopbackServer } from '../../src/server/test-support.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';
import { fakeClock } from '../../src/store/test-support.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { CLI_WIRING } from '../../src/main/cli-wiring.ts';

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
  }, CLI_WIRING);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

export async function startVerbsEnv(start = Date.UTC(2025, 0, 2, 3, 4, 5)): Promise<VerbsEnv> {
  const clock = fakeClock(start);
  const server = await loopbackServer({ clock, token: randomBytes(16).toString('hex'), store: { idGenerator: randomUUID }, dirPrefix: 'palisade-verbs-' });
  return {
    home: server.dir,
    store: server.store,
    advance: (ms) => clock.advance(ms),
    run: (args, stdin) => runIn(server.dir, args, stdin),
    close: () => server.close(),
  };
}
