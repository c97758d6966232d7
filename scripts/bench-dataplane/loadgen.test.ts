// The load generator on loopback (no lab needed): a one-shot run and the warm `serve`
// mode count real connections to a real server, and bad requests name their field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadRun, loadRunProblems } from './loadgen.ts';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));

test('loadRunProblems names each bad field', () => {
  assert.deepEqual(loadRunProblems({ protocol: 'tcp', ip: '127.0.0.1', port: 80, seconds: 1, concurrency: 2 }), []);
  const p = loadRunProblems({ protocol: 'sctp', ip: '', port: 70000, seconds: 0, concurrency: 1.5 });
  assert.deepEqual(p.map((x) => x.split(':')[0]), ['protocol', 'ip', 'port', 'seconds', 'concurrency']);
});

test('a TCP run counts connections the server answered and closed', async (t) => {
  const server = createServer((s) => s.end('x'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const r = await loadRun({ protocol: 'tcp', ip: '127.0.0.1', port, seconds: 0.3, concurrency: 4 });
  assert.ok(r.completed > 10, `${r.completed} completed`);
  assert.equal(r.failed, 0);
  assert.ok(r.warmupCompleted > 0 && r.seconds >= 0.3);
});

test('serve mode answers one line per request from the same process, and an error line for a bad one', async (t) => {
  const udp = createSocket('udp4');
  udp.on('message', (m, rinfo) => udp.send(m, rinfo.port, rinfo.address));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  t.after(() => udp.close());
  const child = spawn(process.execPath, [LOADGEN, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buf = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (b: Buffer) => {
    buf += b.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
      waiters.shift()?.();
    }
  });
  const next = (): Promise<string> => new Promise((resolve) => {
    const n = lines.length;
    const check = (): void => (lines.length > n ? resolve(lines[n] as string) : void waiters.push(check));
    check();
  });
  const { port } = udp.address();
  for (let i = 0; i < 2; i++) {
    const reply = next();
    child.stdin.write(`${JSON.stringify({ protocol: 'udp', ip: '127.0.0.1', port, seconds: 0.2, concurrency: 2 })}\n`);
    const r = JSON.parse(await reply) as { completed: number; failed: number };
    assert.ok(r.completed > 5 && r.failed === 0, `run ${i}: ${JSON.stringify(r)}`);
  }
  const bad = next();
  child.stdin.write('{"protocol":"icmp","ip":"127.0.0.1","port":1,"seconds":1,"concurrency":1}\n');
  assert.match(JSON.parse(await bad).error as string, /^protocol: must be tcp or udp$/);
  const exit = new Promise<number | null>((r) => child.on('close', r));
  child.stdin.end();
  assert.equal(await exit, 0);
});
