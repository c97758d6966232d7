// The single-writer lock of a store directory: refused while a live process holds it
// (including the same process), taken over from a dead one, released on close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from './open-store.ts';
import { StoreLockedError, acquireLock, isProcessAlive } from './store-lock.ts';
import { counterIds, fakeClock, tempDir } from './test-support.ts';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(Number.isInteger(pid) && pid > 0);
  assert.equal(isProcessAlive(pid), false);
  return pid;
}

const cases: ReadonlyArray<{ name: string; existing: (dir: string) => string | undefined; wantLocked: boolean }> = [
  { name: 'no lock file: acquired', existing: () => undefined, wantLocked: false },
  { name: 'held by a live process (the parent of this one): refused', existing: () => String(process.ppid), wantLocked: true },
  { name: 'held by this very process: refused (a second open in one process)', existing: () => String(process.pid), wantLocked: true },
  { name: 'held by a dead process: stolen', existing: () => String(deadPid()), wantLocked: false },
  { name: 'unreadable content (crash while creating it): stolen', existing: () => '', wantLocked: false },
];

for (const c of cases) {
  test(`lock: ${c.name}`, (t) => {
    const dir = tempDir(t);
    const content = c.existing(dir);
    if (content !== undefined) fs.writeFileSync(path.join(dir, 'lock'), content);
    if (c.wantLocked) {
      assert.throws(() => acquireLock(dir), (e: unknown) => e instanceof StoreLockedError && e.pid === Number(content) && e.message.includes(`in use by process ${content}`));
      assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), content, 'a refused open leaves the lock alone');
    } else {
      const lock = acquireLock(dir);
      assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8').trim(), String(process.pid));
      lock.release();
      assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
    }
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  });
}

test('lock: a second openStore on the same directory is refused until the first closes', (t) => {
  const dir = tempDir(t);
  const opts = { dir, clock: fakeClock(), idGenerator: counterIds(), systemNamespaces: [] };
  const first = openStore(opts);
  assert.throws(() => openStore(opts), StoreLockedError);
  first.close();
  openStore(opts).close();
});
