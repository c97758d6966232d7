// Teardown is complete and crash-proof (DESIGN.md "The lab": `down` removes everything
// the lab created, also after a crash): a lab built by a process that is then killed
// with SIGKILL is removed by destroyLab(stateDir) from another process — namespaces,
// pod processes, pidfiles — and destroyLab is idempotent. Root only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addNetns, listNetns } from './netns.ts';
import { isRunning } from './processes.ts';
import { readState } from './lab-state.ts';
import { createLab, destroyLab } from './topology.ts';
import { LabError } from './errors.ts';
import { assertNoNetnsLeft, crashLabCreator, labSkipReason, tempStateDir } from './test-support.ts';

const skip = await labSkipReason();

describe('destroyLab', { skip }, () => {
  it('cleans up after the creating process was killed with SIGKILL', async (t) => {
    const stateDir = tempStateDir('crash');
    t.after(() => destroyLab(stateDir));
    const prefix = await crashLabCreator({ 'topology.ts': ['createLab', 'addPod'] }, `const lab = await createLab({ stateDir: ${JSON.stringify(stateDir)}, nodes: 2 });
await addPod(lab, { namespace: 'a', name: 'p1', ports: [{ port: 80 }] });
await addPod(lab, { namespace: 'a', name: 'p2', ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] });`);

    const state = readState(stateDir);
    assert.ok(state);
    const pids = state.pods.flatMap((p) => (p.process === undefined ? [] : [p.process.pid]));
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.equal(isRunning(pid), true, 'pod servers outlive their creator');
    assert.equal((await listNetns()).filter((n) => n.startsWith(prefix)).length, 5);

    const report = await destroyLab(stateDir);
    assert.equal(report.netnsDeleted.length, 5);
    assert.equal(report.processesKilled, 2);
    await assertNoNetnsLeft(prefix);
    for (const pid of pids) assert.equal(isRunning(pid), false, `pod process ${pid} survived`);
    assert.equal(existsSync(stateDir), false);

    const again = await destroyLab(stateDir);
    assert.deepEqual(again, { netnsDeleted: [], processesKilled: 0 });
  });

  it('also removes a namespace with the lab prefix that lab.json never recorded', async (t) => {
    const stateDir = tempStateDir('stray');
    t.after(() => destroyLab(stateDir));
    const lab = await createLab({ stateDir, nodes: 1, podCidrV6: false });
    await addNetns(`${lab.prefix}stray`);
    const report = await destroyLab(stateDir);
    assert.ok(report.netnsDeleted.includes(`${lab.prefix}stray`));
    await assertNoNetnsLeft(lab.prefix);
  });

  it('refuses a second lab in the same directory, and bad options leave nothing behind', async (t) => {
    const stateDir = tempStateDir('twice');
    t.after(() => destroyLab(stateDir));
    const lab = await createLab({ stateDir, nodes: 1 });
    await assert.rejects(createLab({ stateDir, nodes: 1 }), (e: unknown) => e instanceof LabError && e.code === 'conflict');
    await destroyLab(stateDir);
    await assertNoNetnsLeft(lab.prefix);

    const other = tempStateDir('badopts');
    await assert.rejects(createLab({ stateDir: other, nodes: 3, podCidrV4: '10.240.0.0/23' }), /no room for subnet #2/);
    assert.equal(readState(other), undefined);
    rmSync(other, { recursive: true, force: true });
  });

  it('kills only a recorded process whose start time still matches (no PID reuse accidents)', async (t) => {
    const stateDir = tempStateDir('pidreuse');
    t.after(() => destroyLab(stateDir));
    // A live process (this test's own runner) recorded with a wrong start time must survive.
    mkdirSync(`${stateDir}/pids`, { recursive: true });
    writeFileSync(`${stateDir}/pids/fake.pid`, `${process.pid}\n1\n`);
    const report = await destroyLab(stateDir);
    assert.equal(report.processesKilled, 0);
    assert.equal(existsSync(dirname(`${stateDir}/pids/fake.pid`)), false);
  });
});
