// Programmatic API of the local Azure DevOps emulator (a dev/test tool, never shipped).
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { EmulatorState } from './state';
import { createServer, COLLECTION } from './server';
import { FaultInjector, parseFaultSpec, type FaultRule } from './faults';
import { RateLimiter } from './rateLimit';
import { HookDispatcher } from './hooks';
import { DEFAULT_FIDELITY, type Fidelity } from './fidelity';
import { DEMO_ITEMS, generatedItems, readSeedFile, seedItems } from './seed';
import { makeSelfSignedCertificate } from './selfSignedCertificate';

export type { FaultKind, FaultRule } from './faults';
export { parseFaultSpec } from './faults';
export { EmulatorState } from './state';
export { DEFAULT_FIDELITY, type Fidelity } from './fidelity';

export const DEFAULT_MAX_ATTACHMENT_SIZE = 60 * 1024 * 1024;

export interface EmulatorOptions {
  port?: number;
  pats?: string[];
  /** Bearer tokens (Microsoft sign-in) accepted when this says so, as user 0; otherwise they are matched against pats. */
  acceptBearer?: (token: string) => boolean;
  seed?: 'demo' | 'empty';
  seedFile?: string;
  workItems?: number;
  maxAttachmentSize?: number;
  apiVersionMax?: string;
  faults?: string | FaultRule[];
  faultSeed?: number;
  dataDir?: string;
  rateLimit?: { requestsPerMinute: number; delayAfterFraction?: number };
  log?: (line: string) => void;
  /** Service-hook retry backoff (ms per retry); default 1 s, 5 s, 15 s. */
  hookRetryDelaysMs?: number[];
  /** Choices where the real service's behaviour is uncertain (fidelity.ts). */
  fidelity?: Partial<Fidelity>;
  /** Serve HTTPS with a self-signed certificate made at start (see caCertFile). */
  tls?: boolean;
}

export interface RunningEmulator {
  readonly baseUrl: string;
  readonly port: number;
  readonly project: string;
  readonly state: EmulatorState;
  /** With tls: the certificate to trust (NODE_EXTRA_CA_CERTS). */
  readonly caCertFile?: string;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => undefined);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ado-emulator-')));
  await mkdir(dataDir, { recursive: true });
  const state = new EmulatorState();
  const apiVersionMax = options.apiVersionMax ?? '7.1';
  const rules = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? []);
  const faults = new FaultInjector(rules, options.faultSeed ?? 1);
  const hooks = new HookDispatcher(state, options.hookRetryDelaysMs ?? [1000, 5000, 15000], log);
  const fidelity: Fidelity = { ...DEFAULT_FIDELITY, ...options.fidelity };
  const certificate = options.tls ? makeSelfSignedCertificate(dataDir) : undefined;
  let baseUrl = '';
  const reseed = async () => {
    state.clear();
    const items = [...(options.seed === 'empty' ? [] : DEMO_ITEMS), ...(options.seedFile ? await readSeedFile(options.seedFile) : []), ...generatedItems(options.workItems ?? 0)];
    await seedItems(state, dataDir, baseUrl, items);
  };
  const server = createServer({
    state,
    pats: options.pats ?? ['test-pat'],
    acceptBearer: options.acceptBearer,
    dataDir,
    maxAttachmentSize: options.maxAttachmentSize ?? DEFAULT_MAX_ATTACHMENT_SIZE,
    apiVersionMax,
    faults,
    rateLimiter: options.rateLimit ? new RateLimiter(options.rateLimit) : undefined,
    hooks,
    reseed,
    log,
    fidelity,
    tls: certificate && { key: certificate.key, cert: certificate.cert },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `${certificate ? 'https' : 'http'}://127.0.0.1:${port}/${COLLECTION}`;
  await reseed();
  log(`ADO emulator listening on ${baseUrl}`);
  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    port,
    project: state.projectName,
    state,
    caCertFile: certificate?.certFile,
    close() {
      closed ??= (async () => {
        hooks.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
