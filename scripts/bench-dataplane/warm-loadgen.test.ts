// The warm load generator in a real network namespace: one process, pinned to a CPU,
// answers several runs against a real pod, and a failure to start is an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFixture, kernelSkipReason } from '../../src/dataplane/test-netns.ts';
import { startWarmLoadgen } from './warm-loadgen.ts';

test('one warm generator measures successive TCP and UDP runs from a pod to another pod', async (t) => {
  const skip = await kernelSkipReason();
  if (skip !== undefined) {
    t.skip(skip);
    return;
  }
  const fx = await createFixture(2, { tcp: [8080], udp: [5353] });
  t.after(() => fx.destroy());
  const [client, server] = fx.pods;
  assert.ok(client !== undefined && server !== undefined);
  const gen = startWarmLoadgen(client.netns, 0);
  try {
    for (const [protocol, port] of [['tcp', 8080], ['udp', 5353], ['tcp', 8080]] as const) {
      const r = await gen.run({ protocol, ip: server.ip, port, seconds: 0.3, concurrency: 4 });
      assert.ok(r.completed > 10 && r.failed === 0, `${protocol}: ${JSON.stringify(r)}`);
    }
    await assert.rejects(gen.run({ protocol: 'tcp', ip: server.ip, port: 0, seconds: 0.3, concurrency: 1 }), /refused the run: port: must be 1-65535/);
  } finally {
    await gen.close();
  }
  await assert.rejects(gen.run({ protocol: 'tcp', ip: server.ip, port: 8080, seconds: 0.3, concurrency: 1 }), /exited 0/);
});

test('a generator in a namespace that does not exist fails at its first run', async (t) => {
  const skip = await kernelSkipReason();
  if (skip !== undefined) {
    t.skip(skip);
    return;
  }
  const gen = startWarmLoadgen('pd-no-such-netns', 0);
  await assert.rejects(gen.run({ protocol: 'tcp', ip: '10.0.0.1', port: 80, seconds: 0.2, concurrency: 1 }), /exited 255|exited 1/);
  await gen.close();
});
