// Child process of the agent's kernel test (kernel.test.ts): an agent for node argv[2]
// on network namespace argv[3], fed by a store of its own holding the objects given as
// JSON on stdin. It prints `ready` once its table is applied, then runs until the parent
// kills it with SIGKILL. Not part of the product.
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { embeddedStoreSource } from '../sources/embedded-store-source.ts';
import { systemClock } from '../store/clock.ts';
import { ObjectStore } from '../store/object-store.ts';
import type { ObjectInput } from '../store/store-object.ts';
import { createAgent } from './agent.ts';
import { SILENT_LOGGER } from './logger.ts';
import { sessionNodeTable } from './node-table.ts';

const [node, netns] = process.argv.slice(2);
if (node === undefined || netns === undefined) throw new Error('usage: crash-agent-child.ts NODE NETNS < objects.json');
const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ObjectInput[];
const store = new ObjectStore({ clock: systemClock(), idGenerator: randomUUID, systemNamespaces: [] });
for (const o of objects) {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...metadata } = o.metadata;
  store.create({ ...o, metadata });
}
const { table } = await sessionNodeTable(netns);
const agent = createAgent({
  node, netns, source: embeddedStoreSource(store), applier: table, clock: systemClock(),
  logger: SILENT_LOGGER, metrics: new Registry(), debounceMs: 1,
});
agent.start();
await agent.whenIdle();
if (agent.status().ready !== true) throw new Error(`the agent is not ready: ${agent.status().lastApply?.error ?? 'no apply'}`);
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
