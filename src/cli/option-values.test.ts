// Flag value parsing: accepted spellings and the errors users see for the rest.
// Port names follow Kubernetes' IANA_SVC_NAME (k8s.io/apimachinery validation.IsValidPortName).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpoint, parseNamespaces, parsePort, parsePortList, parseProtocol } from './option-values.ts';
import { CliError } from './cli-error.ts';

const endpointCases: Array<{ name: string; input: string; expected: unknown }> = [
  { name: 'namespace/pod', input: 'demo/server', expected: { kind: 'pod', pod: 'demo/server' } },
  { name: 'pod name with dots', input: 'x/a.b-1', expected: { kind: 'pod', pod: 'x/a.b-1' } },
  { name: 'IPv4', input: '10.0.0.1', expected: { kind: 'ip', ip: '10.0.0.1' } },
  { name: 'IPv6 is canonicalised', input: '2001:DB8:0::1', expected: { kind: 'ip', ip: '2001:db8::1' } },
  { name: 'bare pod name is rejected', input: 'server', expected: /NAMESPACE\/POD or an IP/ },
  { name: 'uppercase namespace is rejected', input: 'Demo/server', expected: /lowercase DNS names/ },
  { name: 'empty pod is rejected', input: 'demo/', expected: /lowercase DNS names/ },
  { name: 'CIDR is rejected', input: '10.0.0.0/8', expected: /not a CIDR/ },
  { name: 'IPv6 CIDR is rejected', input: '2001:db8::/32', expected: /not a CIDR/ },
  { name: 'bad IPv4 is rejected', input: '10.0.0.256', expected: /NAMESPACE\/POD or an IP/ },
];
for (const c of endpointCases) {
  test(`parseEndpoint: ${c.name}`, () => {
    if (c.expected instanceof RegExp) {
      assert.throws(() => parseEndpoint('--from', c.input), (e: unknown) => e instanceof CliError && c.expected instanceof RegExp && c.expected.test(e.message) && e.message.startsWith('--from'));
    } else {
      assert.deepEqual(parseEndpoint('--from', c.input), c.expected);
    }
  });
}

const portCases: Array<{ name: string; input: string; expected: number | string | RegExp }> = [
  { name: 'number', input: '80', expected: 80 },
  { name: 'highest port', input: '65535', expected: 65535 },
  { name: 'zero is out of range', input: '0', expected: /1 to 65535/ },
  { name: 'too high', input: '65536', expected: /1 to 65535/ },
  { name: 'name', input: 'serve-80', expected: 'serve-80' },
  { name: 'name of 15 characters', input: 'abcdefghijklmno', expected: 'abcdefghijklmno' },
  { name: 'name of 16 characters', input: 'abcdefghijklmnop', expected: /port name/ },
  { name: 'name without letters', input: '80-80', expected: /port name/ },
  { name: 'name with double hyphen', input: 'a--b', expected: /port name/ },
  { name: 'uppercase name', input: 'HTTP', expected: /port name/ },
];
for (const c of portCases) {
  test(`parsePort: ${c.name}`, () => {
    if (c.expected instanceof RegExp) assert.throws(() => parsePort('--port', c.input), c.expected);
    else assert.equal(parsePort('--port', c.input), c.expected);
  });
}

test('parsePortList: splits, trims, drops duplicates, keeps order', () => {
  assert.deepEqual(parsePortList('--port', '81, 80,http,81'), [81, 80, 'http']);
  assert.throws(() => parsePortList('--port', '80,,81'), /empty port/);
});

test('parseProtocol: any case, only TCP/UDP/SCTP', () => {
  assert.equal(parseProtocol('--protocol', 'udp'), 'UDP');
  assert.equal(parseProtocol('--protocol', 'Sctp'), 'SCTP');
  assert.throws(() => parseProtocol('--protocol', 'icmp'), /expected one of TCP, UDP, SCTP/);
});

test('parseNamespaces: comma list of DNS labels', () => {
  assert.deepEqual(parseNamespaces('-n', 'x,y,x'), ['x', 'y']);
  assert.throws(() => parseNamespaces('-n', 'x,Y'), /not a namespace name/);
});
