// End-to-end with real traffic: `palisade exec` and `palisade probe` against a lab made
// with src/lab (createLab + addPod, as `palisade up`'s kubelet makes it) in a temporary
// Palisade home (<home>/lab). Needs root and iproute2; skipped elsewhere. The lab is
// always destroyed afterwards.
import { after, before, suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addPod, createLab, destroyLab } from '../../src/lab/topology.ts';
import type { Lab } from '../../src/lab/topology.ts';
import { assertNoNetnsLeft, labSkipReason } from '../../src/lab/test-support.ts';
import { sctpSupport } from '../../src/lab/sctp.ts';
import { runIn } from './verbs-harness.ts';

const skip = await labSkipReason();

suite('palisade exec and probe in the lab (real traffic)', { skip }, () => {
  let home: string;
  let lab: Lab;
  let serverIp: string;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'palisade-verbs-lab-'));
    lab = await createLab({ stateDir: join(home, 'lab'), podCidrV6: false });
    const server = await addPod(lab, { namespace: 'demo', name: 'server', ports: [{ port: 80 }], command: ['/agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '80'] });
    await addPod(lab, { namespace: 'demo', name: 'client', command: ['sleep', 'infinity'] });
    await addPod(lab, { namespace: 'other', name: 'web', ports: [{ port: 80 }] });
    serverIp = server.ipv4;
  });
  after(async () => {
    const prefix = lab.prefix;
    await destroyLab(join(home, 'lab'));
    await assertNoNetnsLeft(prefix);
    rmSync(home, { recursive: true, force: true });
  });

  test('exec: agnhost connect prints nothing on success (seed 000), exit 0', async () => {
    assert.deepEqual(await runIn(home, ['exec', '-n', 'demo', 'client', '--', '/agnhost', 'connect', `${serverIp}:80`, '--timeout=3s', '--protocol=tcp']),
      { code: 0, stdout: '', stderr: '' });
  });

  test('exec: the command\'s stderr and exit code pass through (REFUSED on a closed port)', async () => {
    const r = await runIn(home, ['exec', '-n', 'demo', 'client', '--', 'agnhost', 'connect', `${serverIp}:81`, '--timeout=3s', '--protocol=tcp']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'REFUSED\n');
    const sh = await runIn(home, ['exec', '-n', 'demo', 'client', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.deepEqual(sh, { code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  test('probe: the truth table by real traffic in matrix\'s formats, -n limits the pods', async () => {
    const table = await runIn(home, ['probe', '--port', '80']);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stdout, [
      '-\tdemo/client\tdemo/server\tother/web',
      'demo/client\tX\t.\t.',
      'demo/server\tX\t.\t.',
      'other/web\tX\t.\t.',
      '',
    ].join('\n'));
    const json = await runIn(home, ['probe', '-n', 'demo', '--port', '80', '-o', 'json', '--timeout', '500ms']);
    assert.equal(json.stdout, '{"port":80,"protocol":"TCP","pods":["demo/client","demo/server"],"allowed":{"demo/client":{"demo/client":false,"demo/server":true},"demo/server":{"demo/client":false,"demo/server":true}}}\n');
  });

  // With python3 the lab probes SCTP by raw INITs (src/lab/sctp/): no pod here declares an SCTP port, so every cell is X.
  test('probe --protocol SCTP by raw packets: no pod serves SCTP, every cell X', { skip: sctpSupport().raw ? false : 'raw SCTP unavailable' }, async () => {
    const r = await runIn(home, ['probe', '--port', '80', '--protocol', 'sctp', '--timeout', '500ms']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\tX/);
    assert.doesNotMatch(r.stdout, /\t\./);
    assert.match(r.stderr, /^note: SCTP probed by raw INIT delivery/m);
  });

  test('probe --protocol SCTP: a note that SCTP cannot be probed here, exit 1', { skip: sctpSupport().raw ? 'raw SCTP is available here' : false }, async () => {
    const r = await runIn(home, ['probe', '--port', '80', '--protocol', 'sctp']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^note: SCTP cannot be probed with real traffic here \(.*sctp unsupported.*\); "palisade matrix --protocol SCTP" gives the engine's answer\n$/);
  });

  test('exec: a pod the lab does not have, without an API server: not running', async () => {
    const r = await runIn(home, ['exec', '-n', 'demo', 'ghost', '--', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: palisade is not running \(no kubeconfig at /);
  });
});
