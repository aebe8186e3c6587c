import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt.ts';
import { StackError } from './errors.ts';
import { runCapture } from './proc.ts';

/**
 * Certificates for loopback peers, made with the openssl CLI (node:crypto cannot sign X.509).
 * EC P-256 keys: fast to generate and accepted by Go's TLS 1.3 and by grpc-js.
 */

export interface CertPair {
  cert: string;
  key: string;
}

let present: Promise<void> | undefined;

/** A fresh machine may lack the openssl CLI; Debian's package brings it. */
function ensureOpenssl(): Promise<void> {
  present ??= (async () => {
    const probe = await runCapture('openssl', ['version']).catch(() => ({ code: -1 }));
    if (probe.code === 0) return;
    await aptInstall('openssl', 'STACK_CERT_FAILED');
  })();
  return present;
}

async function openssl(args: string[], logWhat: string): Promise<void> {
  await ensureOpenssl();
  const res = await runCapture('openssl', args);
  if (res.code !== 0) {
    throw new StackError('STACK_CERT_FAILED', `openssl ${logWhat} failed: ${res.stderr.trim()}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA valid for a day: runs last minutes, never a day. */
export async function createCa(dir: string, name: string): Promise<CertPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    `CA ${name}`,
  );
  return pair;
}

export interface LeafOptions {
  /** Written as <dir>/<name>.crt and .key */
  name: string;
  commonName: string;
  /** Client-cert groups (Kubernetes and Maestro read them from O). */
  organizations?: string[];
  /** Server certificates: DNS names and IPs the cert is valid for. */
  dnsNames?: string[];
  ips?: string[];
  usage: 'server' | 'client' | 'both';
}

/** A leaf certificate signed by `ca`. */
export async function createLeaf(dir: string, ca: CertPair, options: LeafOptions): Promise<CertPair> {
  const pair = { cert: join(dir, `${options.name}.crt`), key: join(dir, `${options.name}.key`) };
  const csr = join(dir, `${options.name}.csr`);
  const ext = join(dir, `${options.name}.ext`);
  const subj = `/${(options.organizations ?? []).map((o) => `O=${o}/`).join('')}CN=${options.commonName}`;
  await openssl(
    ['req', '-new', ...EC_KEY, '-keyout', pair.key, '-out', csr, '-subj', subj],
    `CSR ${options.name}`,
  );
  const san = [
    ...(options.dnsNames ?? []).map((d) => `DNS:${d}`),
    ...(options.ips ?? []).map((i) => `IP:${i}`),
  ];
  const eku = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[options.usage];
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${eku}`,
  ];
  if (san.length > 0) lines.push(`subjectAltName=${san.join(',')}`);
  writeFileSync(ext, `${lines.join('\n')}\n`);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      pair.cert,
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    `sign ${options.name}`,
  );
  return pair;
}

/** RSA key pair for signing service-account tokens (kube-apiserver verifies, controller-manager signs too). */
export function createServiceAccountKey(dir: string): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const paths = { privateKey: join(dir, 'sa.key'), publicKey: join(dir, 'sa.pub') };
  writeFileSync(paths.privateKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  return paths;
}
