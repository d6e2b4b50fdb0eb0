// The certificate browser mode serves TLS with: the operator's own (PEM files), or a fresh self-signed one
// made at start for the names the server answers as (the `selfsigned` package, maintained, on
// @peculiar/x509). Either way its SHA-256 fingerprint is printed, so a remote user can check what the
// browser shows before trusting it.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, as colon-separated hex (what browsers show). */
  fingerprint256: string;
  /** The names and addresses the certificate is for. */
  subjectAltName: string;
}

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

function describe(cert: string, key: string): TlsMaterial {
  const x = new X509Certificate(cert);
  return { cert, key, fingerprint256: x.fingerprint256, subjectAltName: x.subjectAltName ?? '' };
}

export async function loadTlsFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const read = async (what: string, file: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new TlsConfigError(`--tls-${what} ${file}: cannot read: ${(err as Error).message}`);
    }
  };
  const [cert, key] = [await read('cert', certFile), await read('key', keyFile)];
  try {
    const m = describe(cert, key);
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) throw new TlsConfigError(`--tls-key ${keyFile} is not the private key of --tls-cert ${certFile}`);
    return m;
  } catch (err) {
    if (err instanceof TlsConfigError) throw err;
    throw new TlsConfigError(`--tls-cert ${certFile} / --tls-key ${keyFile}: expected a PEM certificate and its PEM private key (${(err as Error).message})`);
  }
}

/** A self-signed certificate for `names` (DNS names and IP addresses), valid for 30 days. */
export async function selfSignedTls(names: readonly string[]): Promise<TlsMaterial> {
  const cn = names.find((n) => isIP(n) === 0) ?? names[0] ?? 'localhost';
  const notBeforeDate = new Date(Date.now() - 60_000);
  // Loaded only when asked for: it pulls in an X.509 library every other benchctl command can do without.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate: new Date(notBeforeDate.getTime() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  return describe(pems.cert, pems.private);
}
