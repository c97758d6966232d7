// The loopback API server's certificate: OpenSSL 3 must accept it every time (a serial
// with a non-minimal DER encoding is refused as "illegal padding", see
// https://github.com/openssl/openssl/issues/4320).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import { generateSelfSignedCert, serialNumberHex } from './self-signed-cert.ts';

test('serial numbers are positive and DER-minimal whatever the random bytes', () => {
  const cases: Array<{ name: string; first: number }> = [
    { name: 'leading zero byte', first: 0x00 },
    { name: 'smallest positive', first: 0x01 },
    { name: 'largest positive', first: 0x7f },
    { name: 'high bit set (would be negative)', first: 0x80 },
    { name: 'all ones', first: 0xff },
  ];
  for (const c of cases) {
    for (const second of [0x00, 0x7f, 0x80]) {
      const hex = serialNumberHex(Uint8Array.from([c.first, second, ...Array.from({ length: 14 }, (_, i) => i)]));
      const der = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.util.hexToBytes(hex))).getBytes();
      const first = der.charCodeAt(2);
      assert.ok(first >= 0x01 && first <= 0x7f, `${c.name}/${second}: first content byte ${first.toString(16)} makes the INTEGER positive and minimal`);
      assert.equal(hex.length, 32, c.name);
    }
  }
});

test('the certificate loads into a TLS context and names the loopback addresses', () => {
  const m = generateSelfSignedCert(Date.UTC(2026, 0, 1));
  assert.doesNotThrow(() => createSecureContext({ cert: m.cert, key: m.key }));
  const x = new X509Certificate(m.cert);
  assert.match(x.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(x.subjectAltName ?? '', /DNS:localhost/);
  assert.ok(Number.parseInt(x.serialNumber.slice(0, 2), 16) < 0x80, 'positive serial');
});
