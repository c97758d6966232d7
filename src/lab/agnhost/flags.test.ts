// agnhost flag parsing must accept what Kubernetes docs and e2e tests pass to agnhost
// (cobra/pflag syntax, Go durations), e.g. `connect s-x-a.x.svc:80 --timeout=1s
// --protocol=tcp` in kubernetes/kubernetes test/e2e/network/netpol/kubemanager.go.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, parseFlags, parseGoDuration } from './flags.ts';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  const cases: [string, number][] = [
    ['0', 0], ['1s', 1000], ['3s', 3000], ['500ms', 500], ['1m30s', 90_000], ['1.5h', 5_400_000],
    ['2us', 0.002], ['-1s', -1000], ['100ns', 0.0001],
  ];
  for (const [text, ms] of cases) it(`${text} = ${ms} ms`, () => assert.equal(parseGoDuration(text), ms));
  for (const bad of ['', '1', 's', '1x', '1s2', '.s']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseGoDuration(bad), FlagError));
  }
});

describe('parseFlags (pflag syntax)', () => {
  const specs = {
    tcp: { kind: 'bool', default: false },
    http: { kind: 'bool', default: true },
    port: { kind: 'int', default: 9376 },
    timeout: { kind: 'duration', default: 0 },
    protocol: { kind: 'string', default: 'tcp' },
  } as const;
  const cases: { name: string; args: string[]; values: Record<string, unknown>; positional: string[] }[] = [
    { name: 'defaults', args: [], values: { tcp: false, http: true, port: 9376, timeout: 0, protocol: 'tcp' }, positional: [] },
    { name: 'serve-hostname --tcp --http=false --port 80 (netpol e2e pod command)', args: ['--tcp', '--http=false', '--port', '80'], values: { tcp: true, http: false, port: 80 }, positional: [] },
    { name: 'connect HOST:PORT --timeout=3s --protocol=udp', args: ['10.0.0.1:80', '--timeout=3s', '--protocol=udp'], values: { timeout: 3000, protocol: 'udp' }, positional: ['10.0.0.1:80'] },
    { name: '--port=81 with =', args: ['--port=81'], values: { port: 81 }, positional: [] },
    { name: '-- ends flags', args: ['--', '--tcp'], values: { tcp: false }, positional: ['--tcp'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = parseFlags(c.args, specs);
      for (const [k, v] of Object.entries(c.values)) assert.equal(r.values[k], v, k);
      assert.deepEqual(r.positional, c.positional);
    });
  }
  const errors: [string, string[], RegExp][] = [
    ['unknown flag', ['--nope'], /unknown flag: --nope$/],
    ['missing value', ['--port'], /flag needs an argument: --port$/],
    ['bad int', ['--port=x'], /invalid argument "x" for "--port" flag/],
    ['bad bool', ['--tcp=maybe'], /invalid argument "maybe" for "--tcp" flag/],
    ['bad duration', ['--timeout=3'], /missing unit in duration/],
  ];
  for (const [name, args, re] of errors) it(`error: ${name}`, () => assert.throws(() => parseFlags(args, specs), re));
});
