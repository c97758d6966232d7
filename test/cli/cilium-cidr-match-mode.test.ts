// End-to-end: `--cilium-policy-cidr-match-mode`, Cilium's agent option policy-cidr-match-mode
// on every command that reads policies (docs/cli.md "Engine settings"). Cilium's CIDR rules
// select only addresses outside the cluster: "CIDR rules do not apply to traffic where both
// sides of the connection are either managed by Cilium or use an IP belonging to a node in
// the cluster (including host networking pods)" unless the agent runs with
// `--policy-cidr-match-mode=nodes`
// (https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based and
// #selecting-nodes-with-cidr-ipblock). Fixture: test/cli/fixtures/cilium-cidr-nodes/ (two
// nodes, app/client on node-a, a host-network pod on node-b, a CNP that lets app/client
// send only to toCIDR 0.0.0.0/0). Most cases run the CLI in this process (runIn); the
// agent process and `up`'s process are spawned as `palisade agent` and `palisade up` do.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_ENTRY, agentArgs } from '../../src/cli/commands/agent.ts';
import { UP_ENTRY } from '../../src/cli/commands/up.ts';
import { writePidfile, writeRuntime } from '../../src/cli/commands/up-runtime.ts';
import { ROOT, assertNoStackTrace, fixture, runCommand } from './run-palisade.ts';
import { runIn, startVerbsEnv } from './verbs-harness.ts';

const FLAG = '--cilium-policy-cidr-match-mode';
const F = ['-f', join(ROOT, fixture('cilium-cidr-nodes'))];
const NODE_B = '192.168.10.2';
const run = (args: readonly string[]): ReturnType<typeof runIn> => runIn(undefined, args);
const BAD = `error: ${FLAG}: unsupported value "pods": supported values: "nodes" (a comma- or space-separated list; empty for Cilium's default)\n`;

suite('--cilium-policy-cidr-match-mode (end-to-end)', () => {
  const evalCases: { name: string; flags: string[]; to: string; code: number; first: string }[] = [
    { name: 'default agent: toCIDR 0.0.0.0/0 does not reach a node\'s InternalIP', flags: [], to: NODE_B, code: 1, first: `DENIED app/client -> ${NODE_B} TCP/10250` },
    { name: 'nodes: the same policy reaches it', flags: [FLAG, 'nodes'], to: NODE_B, code: 0, first: `ALLOWED app/client -> ${NODE_B} TCP/10250` },
    { name: 'an address outside the cluster is allowed either way (default)', flags: [], to: '203.0.113.9', code: 0, first: 'ALLOWED app/client -> 203.0.113.9 TCP/10250' },
    { name: 'an address outside the cluster is allowed either way (nodes)', flags: [FLAG, 'nodes'], to: '203.0.113.9', code: 0, first: 'ALLOWED app/client -> 203.0.113.9 TCP/10250' },
    { name: 'a comma list with a repeated flag, as Cilium\'s list option', flags: [FLAG, 'nodes,', `${FLAG}=nodes`], to: NODE_B, code: 0, first: `ALLOWED app/client -> ${NODE_B} TCP/10250` },
    { name: 'an empty value is Cilium\'s default', flags: [`${FLAG}=`], to: NODE_B, code: 1, first: `DENIED app/client -> ${NODE_B} TCP/10250` },
  ];
  for (const c of evalCases) {
    test(`eval: ${c.name}`, async () => {
      const r = await run(['eval', ...F, '--from', 'app/client', '--to', c.to, '--port', '10250', ...c.flags]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, c.code, r.stdout);
      assert.equal(r.stdout.split('\n')[0], c.first);
    });
  }

  test('eval: the default verdict says which node the CIDR left out; with nodes the CIDR rule decides', async () => {
    const denied = await run(['eval', ...F, '--from', 'app/client', '--to', NODE_B, '--port', '10250']);
    assert.match(denied.stdout, /^note: .*toCIDR\[0\]: 0\.0\.0\.0\/0 contains 192\.168\.10\.2, the address of node node-b, but this CIDR rule does not select cluster nodes/m);
    const allowed = await run(['eval', ...F, '--from', 'app/client', '--to', NODE_B, '--port', '10250', FLAG, 'nodes']);
    assert.match(allowed.stdout, /^ {4}allow: CiliumNetworkPolicy app\/client-egress spec\.egress\[0\] \(peer spec\.egress\[0\]\.toCIDR\[0\]; any port\)$/m);
  });

  test('matrix: the host-network pod (its node\'s address) is reachable only with nodes', async () => {
    const table = (rows: string[]): string => `${['-\tapp/client\tmonitoring/node-agent', ...rows].join('\n')}\n`;
    const byDefault = await run(['matrix', ...F, '--port', '9100']);
    assert.deepEqual([byDefault.code, byDefault.stdout], [0, table(['app/client\t.\tX', 'monitoring/node-agent\t.\t.'])]);
    const nodes = await run(['matrix', ...F, '--port', '9100', FLAG, 'nodes']);
    assert.deepEqual([nodes.code, nodes.stdout], [0, table(['app/client\t.\t.', 'monitoring/node-agent\t.\t.'])]);
  });

  test('dataplane render: node-a\'s ruleset follows the flag', async () => {
    const byDefault = await run(['dataplane', 'render', ...F, '--node', 'node-a']);
    const nodes = await run(['dataplane', 'render', ...F, '--node', 'node-a', FLAG, 'nodes']);
    assert.deepEqual([byDefault.code, nodes.code, byDefault.stderr, nodes.stderr], [0, 0, '', '']);
    assert.notEqual(byDefault.stdout, nodes.stdout);
    // The egress drop of app/client's CIDR-only policy: there by default (nodes stay outside the CIDR).
    assert.match(byDefault.stdout, /log prefix "palisade drop CiliumNetworkPolicy app\/client-egress: "/);
  });

  test('convert: the input, the output and the target agent share the setting', async () => {
    const toK8s = await run(['convert', ...F, '--to', 'k8s']);
    assert.equal(toK8s.code, 1, 'an ipBlock matches the nodes the Cilium CIDR did not');
    assert.match(toK8s.stderr, /a Cilium CIDR never matches pods or nodes, an ipBlock does: .*node node-b \(192\.168\.10\.2\)/);
    const toK8sNodes = await run(['convert', ...F, '--to', 'k8s', FLAG, 'nodes']);
    assert.equal(toK8sNodes.code, 0, toK8sNodes.stderr);
    assert.doesNotMatch(toK8sNodes.stderr, /node node-b/);
    const toCilium = await run(['convert', ...F, '--to', 'cilium', FLAG, 'nodes']);
    assert.equal(toCilium.code, 0, toCilium.stderr);
    assert.doesNotMatch(toCilium.stderr, /no longer match/);
  });

  test('validate, explain and diff accept it', async () => {
    assert.deepEqual(await run(['validate', ...F, FLAG, 'nodes']), { code: 0, stdout: '7 objects valid\n', stderr: '' });
    const explained = await run(['explain', ...F, FLAG, 'nodes']);
    assert.equal(explained.code, 0);
    assert.match(explained.stdout, /Egress: isolated; allows to 0\.0\.0\.0\/0 \(not pod addresses\) on any port\./);
    const diff = await run(['diff', ...F, '--against', F[1] ?? '', FLAG, 'nodes']);
    assert.equal(diff.code, 0, diff.stdout);
  });

  // Every command that reads policies, and the two that run agents.
  const commands: { command: string[]; args: string[] }[] = [
    { command: ['validate'], args: F },
    { command: ['eval'], args: [...F, '--from', 'app/client', '--to', NODE_B, '--port', '80'] },
    { command: ['matrix'], args: F },
    { command: ['explain'], args: F },
    { command: ['diff'], args: [...F, '--against', F[1] ?? ''] },
    { command: ['convert'], args: [...F, '--to', 'k8s'] },
    { command: ['dataplane', 'render'], args: F },
    { command: ['agent'], args: ['--node', 'n1'] },
    { command: ['up'], args: ['-d'] },
    { command: ['describe'], args: ['cnp', 'x'] },
  ];
  for (const c of commands) {
    test(`${c.command.join(' ')}: documented in --help; a bad value is a usage error (exit 2) naming the flag and the values`, async () => {
      const help = await run([...c.command, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`${FLAG} <modes>`));
      const r = await run([...c.command, ...c.args, FLAG, 'nodes,pods']);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', BAD]);
      assertNoStackTrace(r);
    });
  }
});

test('describe: reads a Cilium CIDR rule with the running up\'s setting (runtime.json); the flag wins; --kubeconfig means defaults', async (t) => {
  const env = await startVerbsEnv();
  t.after(() => env.close());
  const policy = readFileSync(join(ROOT, fixture('cilium-cidr-nodes'), 'egress-to-world.yaml'), 'utf8');
  const applied = await env.run(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n---\n${policy}`);
  assert.equal(applied.code, 0, applied.stderr);
  const reading = async (...flags: string[]): Promise<string> => {
    const r = await env.run(['describe', 'ciliumnp', 'client-egress', '-n', 'app', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\nPalisade:\n')[1] ?? '';
  };
  const DEFAULT = /allows to 0\.0\.0\.0\/0 \(addresses outside the cluster only\)/;
  const NODES = /allows to 0\.0\.0\.0\/0 \(not pod addresses\)/;
  assert.match(await reading(), DEFAULT, 'no runtime.json: the defaults');
  writeRuntime(env.home, { pid: process.pid, ready: true, enforced: false, reasons: [], nodes: [], ciliumPolicyCidrMatchMode: ['nodes'] });
  assert.match(await reading(), NODES, 'as the running up reads it');
  assert.match(await reading(`${FLAG}=`), DEFAULT, 'the flag wins');
  assert.match(await reading('--kubeconfig', join(env.home, 'kubeconfig')), DEFAULT, 'another server: the defaults');
  assert.match(await reading('--kubeconfig', join(env.home, 'kubeconfig'), FLAG, 'nodes'), NODES);
});

test('up -d while one runs with another setting: says which one holds until "palisade down"', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'palisade-cidr-mode-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  // This test process stands for the running `up` (its pid and start time).
  writePidfile(home, process.pid);
  writeRuntime(home, { pid: process.pid, ready: true, enforced: false, reasons: [], nodes: [], ciliumPolicyCidrMatchMode: ['nodes'] });
  const again = await run(['up', '-d', '--home', home]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /^palisade is already running in /);
  assert.equal(again.stderr, 'warning: it reads Cilium policies with policy-cidr-match-mode nodes, not the default (none); run "palisade down" and "palisade up" again to change it\n');
  const same = await run(['up', '-d', '--home', home, FLAG, 'nodes']);
  assert.deepEqual([same.code, same.stderr], [0, '']);
});

test('agentArgs: the agent process gets the checked list, even empty (it overrides the environment)', () => {
  assert.deepEqual(agentArgs({ node: 'n1' }), ['--node', 'n1']);
  assert.deepEqual(agentArgs({ ciliumPolicyCidrMatchMode: ['nodes', ' nodes,'] }), [`${FLAG}=nodes`]);
  assert.deepEqual(agentArgs({ ciliumPolicyCidrMatchMode: [''] }), [`${FLAG}=`]);
});

suite('the agent and `up` processes check the setting before starting', { concurrency: 3 }, () => {
  const node = process.execPath;
  test('agent: a bad $PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE is named, exit 1', async () => {
    const r = await runCommand(node, [AGENT_ENTRY, '--node', 'n1'], { env: { PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE: 'pods' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE: unsupported value "pods": supported values: "nodes"/);
  });
  test('agent: the flag wins over the environment', async () => {
    const r = await runCommand(node, [AGENT_ENTRY, '--node', 'n1', `${FLAG}=pods`], { env: { PALISADE_CILIUM_POLICY_CIDR_MATCH_MODE: 'nodes' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: ${FLAG}: unsupported value "pods"`));
  });
  test('up: a bad value stops it before it touches its home', async (t) => {
    const home = mkdtempSync(join(tmpdir(), 'palisade-cidr-mode-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const r = await runCommand(node, [UP_ENTRY, '--home', join(home, 'h'), `${FLAG}=pods`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: ${FLAG}: unsupported value "pods"`));
    assert.equal(existsSync(join(home, 'h')), false);
  });
});
