// Child process of the crash-safety test (persistence.test.ts): opens the store in the
// directory argv[2] with tiny compaction thresholds (a background compaction every few
// dozen writes, serialised in small chunks so it spans many event-loop turns) and writes
// pods named `<argv[3]>-p<i>` as fast as it can — creates, updates, deletes — yielding to
// the event loop after each write, until the parent kills it with SIGKILL. Protocol on
// stdout: `ready`; before each write `will <create|update|delete> <name> [<gen>]`, after
// it `ok`; `step <step>` after each compaction step. With argv[4] set to a step name, the
// first compaction stops there for good (writes go on), so the parent can kill it there.
// Not part of the product.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { systemClock } from './clock.ts';
import { openStore } from './open-store.ts';
import { isStoreError } from './store-errors.ts';

const [, , dir, prefix, pauseAt] = process.argv;
if (dir === undefined || prefix === undefined) throw new Error('usage: crash-writer-child.ts DIR PREFIX [PAUSE_AT_STEP]');
// stdout is a pipe: writes to it are synchronous on Linux, so a line printed here has
// left the process before the next write starts.
const say = (line: string): void => { process.stdout.write(`${line}\n`); };
let paused = false;
const store = openStore({
  dir, clock: systemClock(), idGenerator: randomUUID, systemNamespaces: [],
  compactMinBytes: 4096, compactRatio: 0.5, snapshotChunkChars: 512,
  onCompactionError: (err) => { process.stderr.write(`compaction failed: ${String(err)}\n`); process.exit(3); },
  onCompactionStep: (step) => {
    say(`step ${step}`);
    if (step === pauseAt && !paused) {
      paused = true;
      return new Promise<void>(() => undefined);
    }
    return undefined;
  },
});
try {
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash' } });
} catch (err) {
  if (!isStoreError(err, 'AlreadyExists')) throw err;
}
say('ready');
const pod = (name: string, gen: number): Parameters<typeof store.create>[0] => (
  { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'crash', labels: { gen: String(gen) } }, spec: { containers: [{ name: 'c', image: 'agnhost' }] } }
);
for (let i = 0; ; i++) {
  say(`will create ${prefix}-p${i} 0`);
  store.create(pod(`${prefix}-p${i}`, 0));
  say('ok');
  await nextTurn();
  if (i > 0 && i % 3 === 0) {
    say(`will update ${prefix}-p${i - 1} ${i}`);
    store.update(pod(`${prefix}-p${i - 1}`, i));
    say('ok');
    await nextTurn();
  }
  if (i >= 5 && i % 5 === 0) {
    say(`will delete ${prefix}-p${i - 5}`);
    store.delete({ group: '', version: 'v1', resource: 'pods' }, `${prefix}-p${i - 5}`, 'crash');
    say('ok');
    await nextTurn();
  }
}
