// A throwaway certificate for the emulator's opt-in HTTPS listener: made by the openssl command
// at start, valid for a day, for 127.0.0.1 and localhost. The client trusts it through
// NODE_EXTRA_CA_CERTS=<certFile>, read by node at process start, as with a company's own CA.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SelfSignedCertificate {
  key: string;
  cert: string;
  /** The certificate in PEM, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

export function makeSelfSignedCertificate(dir: string): SelfSignedCertificate {
  const keyFile = path.join(dir, 'emulator-key.pem');
  const certFile = path.join(dir, 'emulator-cert.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=ADO emulator',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error instanceof Error ? error.message : String(error));
    throw new Error(`the emulator's TLS mode needs the openssl command (apt-get install openssl): ${detail}`);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
