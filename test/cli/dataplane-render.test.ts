// End-to-end: `palisade dataplane render` prints the nftables transaction per node for
// the seed walkthrough (no nodes: one default node) and for a two-node snapshot.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStackTrace, fixture, runPalisade } from './run-palisade.ts';

const TWO_NODES = `
apiVersion: v1
kind: Node
metadata: {name: n2}
status: {addresses: [{type: InternalIP, address: 192.168.0.20}]}
---
apiVersion: v1
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 192.168.0.10}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: demo, labels: {app: server}}
spec: {nodeName: n1, containers: [{name: s, image: agnhost, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.244.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: demo, labels: {app: client}}
spec: {nodeName: n2, containers: [{name: c, image: agnhost}]}
status: {podIP: 10.244.2.10}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: demo-policy, namespace: demo}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}]
`;

/** The class the rendered table gives a port: its class map element's chain, or (large classes) the per-bit sets. */
function classOfPort(text: string, protocol: string, port: number): number {
  const map = new RegExp(`map ${protocol}_port_class \\{\\n\\t\\ttype inet_service : verdict\\n\\t\\tflags interval\\n\\t\\telements = \\{\\n([^}]*)\\t\\t\\}`).exec(text);
  assert.ok(map !== null, `map ${protocol}_port_class is rendered`);
  const target = (map[1] ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '').map((e) => e.split(' : ')).find(([range = '']) => {
    const [from = Number.NaN, to = from] = range.split('-').map(Number);
    return from <= port && port <= to;
  })?.[1];
  const direct = /^jump port_class_(\d+)$/.exec(target ?? '');
  if (direct !== null) return Number(direct[1]);
  assert.equal(target, `jump ${protocol}_port_bits`);
  let cls = 0;
  for (let b = 0; b < 12; b++) {
    const body = new RegExp(`set ${protocol}_port_bit${b} \\{\\n\\t\\ttype inet_service\\n\\t\\tflags interval\\n(?:\\t\\telements = \\{\\n([^}]*)\\t\\t\\}\\n)?\\t\\}`).exec(text);
    assert.ok(body !== null, `set ${protocol}_port_bit${b} is rendered`);
    const holds = (body[1] ?? '').split(/[,\s]+/).filter((e) => e !== '').some((e) => {
      const [from = Number.NaN, to = from] = e.split('-').map(Number);
      return from <= port && port <= to;
    });
    if (holds) cls += 2 ** b;
  }
  return cls;
}

suite('palisade dataplane render (end-to-end)', { concurrency: 4 }, () => {
  test('seed walkthrough without nodes: one table for node "default" holding every pod', async () => {
    const r = await runPalisade(['dataplane', 'render', '-f', fixture('demo')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 4), ['# palisade ruleset for node default', 'add table inet palisade', 'delete table inet palisade', 'table inet palisade {']);
    // Only the server is isolated (for ingress): only it is checked, only in that direction.
    assert.match(r.stdout, /set ingress_local4 \{\n\t\ttype ipv4_addr\n\t\telements = \{\n\t\t\t10\.224\.0\.72\n\t\t\}/, 'the server is a checked local pod');
    assert.match(r.stdout, /set egress_local4 \{\n\t\ttype ipv4_addr\n\t\}/, 'no local pod is isolated for egress');
    assert.match(r.stdout, /\t\t\t10\.224\.0\.73 : \d+/, 'the client has an identity');
    assert.match(r.stdout, /log prefix "palisade drop NetworkPolicy demo\/demo-policy: "/);
    // Only app=client may reach the server; the unlabelled client is not: nothing is allowed
    // into the server, so its ingress default drops and no cell is an exception.
    assert.match(r.stdout, /map ingress_default4 \{\n\t\ttype ipv4_addr : verdict\n\t\telements = \{\n\t\t\t10\.224\.0\.72 : goto drop_\d+\n/);
    assert.match(r.stdout, /map ingress_cells4 \{\n\t\ttype ipv4_addr \. mark : verdict\n\t\}/, 'no exception cell');
  });

  test('two nodes: a table per node in name order, each holding its own pods; --node picks one', async () => {
    const all = await runPalisade(['dataplane', 'render', '-f', '-'], TWO_NODES);
    assert.equal(all.code, 0, all.stderr);
    const headers = all.stdout.split('\n').filter((l) => l.startsWith('# palisade ruleset'));
    assert.deepEqual(headers, ['# palisade ruleset for node n1', '# palisade ruleset for node n2']);
    const n1 = await runPalisade(['dataplane', 'render', '-f', '-', '--node', 'n1'], TWO_NODES);
    assert.equal(n1.code, 0, n1.stderr);
    // Only the server is isolated (for ingress): only it is checked, only in that direction.
    assert.match(n1.stdout, /set ingress_local4 \{\n\t\ttype ipv4_addr\n\t\telements = \{\n\t\t\t10\.244\.1\.10\n\t\t\}/);
    assert.match(n1.stdout, /set egress_local4 \{\n\t\ttype ipv4_addr\n\t\}/);
    // The cell is keyed by the server's address and the conntrack mark the check computes:
    // the client's identity in the low 20 bits, the class of TCP port 80 in the high 12.
    const client = /\t\t\t10\.244\.2\.10 : (\d+)/.exec(n1.stdout)?.[1];
    assert.ok(client !== undefined, 'the client has an identity');
    const mark = (Number(client) + classOfPort(n1.stdout, 'tcp', 80) * 2 ** 20).toString(16).padStart(8, '0');
    assert.ok(n1.stdout.includes(`\t\t\t10.244.1.10 . 0x${mark} : return`), `the client may reach the server on its named port http (cell 10.244.1.10 . 0x${mark})`);
    const n2 = await runPalisade(['dataplane', 'render', '-f', '-', '--node', 'n2'], TWO_NODES);
    // Nothing isolates the client: it allows everything, so it is never checked on n2.
    assert.match(n2.stdout, /set egress_local4 \{\n\t\ttype ipv4_addr\n\t\}/);
    assert.match(n2.stdout, /set ingress_local4 \{\n\t\ttype ipv4_addr\n\t\}/);
    assert.doesNotMatch(n2.stdout, /goto drop_/, 'nothing selects the client: no decisions on n2');
  });

  test('an unknown --node is a usage error naming the nodes', async () => {
    const r = await runPalisade(['dataplane', 'render', '-f', '-', '--node', 'n9'], TWO_NODES);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: --node n9: no such node in the input (nodes: n1, n2)\n');
    assertNoStackTrace(r);
  });
});
