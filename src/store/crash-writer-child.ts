// Child process of the crash-safety test (persistence.test.ts): opens the store in the
// directory given as argv[2] and writes as fast as it can, printing one line per
// acknowledged write, until the parent kills it with SIGKILL. Not part of the product.
import { randomUUID } from 'node:crypto';
import { systemClock } from './clock.ts';
import { openStore } from './open-store.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-writer-child.ts DIR');
const store = openStore({ dir, clock: systemClock(), idGenerator: randomUUID, systemNamespaces: [], compactEvery: 7 });
store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crash' } });
// stdout is a pipe: writes to it are synchronous on Linux, so an acknowledgement printed
// here has left the process before the next write starts.
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'crash', labels: { gen: '0' } }, spec: { containers: [] } });
  process.stdout.write(`create p${i}\n`);
  if (i > 0 && i % 3 === 0) {
    const name = `p${i - 1}`;
    store.update({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'crash', labels: { gen: String(i) } }, spec: { containers: [] } });
    process.stdout.write(`update ${name} ${i}\n`);
  }
}
