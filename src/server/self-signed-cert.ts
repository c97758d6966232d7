// A self-signed TLS certificate for the loopback API server. kubectl (client-go's
// clientcmd) applies a kubeconfig's bearer token only to TLS connections, so the server
// speaks HTTPS with this certificate and the kubeconfig pins it as the certificate
// authority. The key pair comes from node:crypto (fast, native); node-forge builds and
// signs the X.509 certificate, which node:crypto cannot.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TlsMaterial {
  /** PEM certificate (also the CA clients trust). */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

/**
 * A DER-minimal positive serial from random bytes: first byte in 0x01..0x7f. A leading 0x00
 * before a byte < 0x80 is "illegal padding" to OpenSSL 3, which then refuses the certificate
 * (it made `palisade up` fail now and then with the old `0` + random-hex serial).
 */
export function serialNumberHex(random: Uint8Array): string {
  const bytes = Buffer.from(random);
  if (bytes.length === 0) throw new Error('serialNumberHex: no bytes');
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/** For `127.0.0.1`, `::1` and `localhost`; valid from an hour before `nowMs` (clock skew) for `days`. */
export function generateSelfSignedCert(nowMs: number, days = 365): TlsMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialNumberHex(randomBytes(16));
  cert.validity.notBefore = new Date(nowMs - 3_600_000);
  cert.validity.notAfter = new Date(nowMs + days * 86_400_000);
  const name = [{ name: 'commonName', value: 'palisade-apiserver' }, { name: 'organizationName', value: 'palisade' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }, { type: 2, value: 'localhost' }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}
