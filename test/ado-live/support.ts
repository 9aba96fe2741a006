// Helpers of the live client tests: our client against the real emulator over loopback HTTP,
// with the emulator's admin routes (/_emulator/state, stats, faults) read over HTTP too.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type AdoClient, type AdoClientOptions, createAdoClient, PatAuth } from '../../src/core/ado';
import { type EmulatorOptions, type FaultRule, type RunningEmulator, startEmulator } from '../emulator/index';
import type { Stats } from '../emulator/state';
import { adminUrl, PAT } from '../emulator-tests/client';

export { PAT };

/** Our client on the emulator; short backoff so retried faults keep the suite fast. */
export function clientFor(emulator: Pick<RunningEmulator, 'baseUrl' | 'project'>, options: Partial<AdoClientOptions> = {}): AdoClient {
  return createAdoClient({
    orgUrl: emulator.baseUrl,
    project: emulator.project,
    auth: new PatAuth(PAT),
    apiVersion: '7.1',
    backoff: { baseMs: 10, capMs: 100 },
    requestsPerMinute: 100_000,
    timeoutMs: 10_000,
    ...options,
  });
}

async function admin<T>(emulator: Pick<RunningEmulator, 'port'>, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(adminUrl(emulator, route), { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(response.status, 200, `${method} ${route}`);
  return (await response.json()) as T;
}

export interface StateAttachment {
  id: string;
  fileName: string;
  size: number;
  sha256?: string;
  complete: boolean;
  chunked: boolean;
}

export interface StateRelation {
  rel: string;
  url: string;
  attributes: Record<string, unknown>;
}

export interface EmulatorSnapshot {
  workItems: { id: number; rev: number; deleted: boolean; fields: Record<string, unknown>; relations: StateRelation[]; updates: number }[];
  attachments: StateAttachment[];
  subscriptions: { id: string; eventType: string }[];
}

export const emulatorState = (emulator: Pick<RunningEmulator, 'port'>) => admin<EmulatorSnapshot>(emulator, 'GET', '/_emulator/state');
export const emulatorStats = (emulator: Pick<RunningEmulator, 'port'>) => admin<Stats>(emulator, 'GET', '/_emulator/stats');
export const setFaults = (emulator: Pick<RunningEmulator, 'port'>, rules: FaultRule[], seed = 1) => admin<unknown>(emulator, 'POST', '/_emulator/faults', { rules, seed });
export const clearFaults = (emulator: Pick<RunningEmulator, 'port'>) => admin<unknown>(emulator, 'DELETE', '/_emulator/faults');

/** Requests and bytes of one route ("PUT /_apis/wit/attachments/{id}") between two snapshots. */
export function routeDelta(before: Stats, after: Stats, route: string): { count: number; bytesIn: number; byStatus: Record<string, number> } {
  const a = before.routes[route];
  const b = after.routes[route];
  const byStatus: Record<string, number> = {};
  for (const [status, n] of Object.entries(b?.byStatus ?? {})) {
    const delta = n - (a?.byStatus[status] ?? 0);
    if (delta) byStatus[status] = delta;
  }
  return { count: (b?.count ?? 0) - (a?.count ?? 0), bytesIn: (b?.bytesIn ?? 0) - (a?.bytesIn ?? 0), byStatus };
}

export const ROUTE = {
  attachments: 'POST /_apis/wit/attachments',
  chunk: 'PUT /_apis/wit/attachments/{id}',
  download: 'GET /_apis/wit/attachments/{id}',
  workItem: 'GET /_apis/wit/workitems/{id}',
  patch: 'PATCH /_apis/wit/workitems/{id}',
  batch: 'POST /_apis/wit/workitemsbatch',
  projects: 'GET /_apis/projects',
} as const;

/** Waits (bounded) until a condition on the emulator's statistics holds. */
export async function waitForStats(emulator: Pick<RunningEmulator, 'port'>, holds: (stats: Stats) => boolean, timeoutMs = 5_000): Promise<Stats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await emulatorStats(emulator);
    if (holds(stats)) return stats;
    if (Date.now() > deadline) assert.fail('the emulator statistics did not reach the expected state in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ScratchDir {
  readonly path: string;
  /** A file of random bytes; returns its path and SHA-256. */
  file(name: string, size: number): Promise<{ path: string; sha256: string; size: number }>;
  remove(): Promise<void>;
}

export async function scratchDir(): Promise<ScratchDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ado-live-'));
  return {
    path: dir,
    async file(name, size) {
      const bytes = randomBytes(size);
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      return { path: file, sha256: createHash('sha256').update(bytes).digest('hex'), size };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export function attachmentRelations(snapshot: EmulatorSnapshot, workItemId: number): StateRelation[] {
  const item = snapshot.workItems.find((w) => w.id === workItemId);
  assert.ok(item, `work item ${workItemId} is in the emulator state`);
  return item.relations.filter((r) => r.rel === 'AttachedFile');
}

export function storedAttachment(snapshot: EmulatorSnapshot, id: string): StateAttachment {
  const found = snapshot.attachments.find((a) => a.id === id.toLowerCase());
  assert.ok(found, `attachment ${id} is in the emulator state`);
  return found;
}

/**
 * A loopback HTTP proxy in front of the emulator that drops X-TFS-FedAuthRedirect, as a
 * misbehaving corporate proxy might: the emulator then answers like the service does for a
 * browser, with a 203 sign-in page.
 */
export async function headerStrippingProxy(emulator: Pick<RunningEmulator, 'port' | 'baseUrl'>): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers['x-tfs-fedauthredirect'];
    const upstream = http.request({ host: '127.0.0.1', port: emulator.port, method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: emulator.baseUrl.replace(`:${emulator.port}/`, `:${port}/`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface LiveFixture {
  readonly emulator: RunningEmulator;
  /** clientFor(emulator, clientOptions). */
  readonly client: AdoClient;
  readonly dir: ScratchDir;
}

/**
 * Registers, in the calling describe(): an emulator started with `options` and a scratch folder
 * before its tests, faults cleared after each test, both gone at the end.
 */
export function useLiveEmulator(options: EmulatorOptions = {}, clientOptions: Partial<AdoClientOptions> = {}): LiveFixture {
  let emulator: RunningEmulator | undefined;
  let client: AdoClient | undefined;
  let dir: ScratchDir | undefined;
  before(async () => {
    emulator = await startEmulator(options);
    client = clientFor(emulator, clientOptions);
    dir = await scratchDir();
  });
  afterEach(() => (emulator ? clearFaults(emulator) : undefined));
  after(async () => {
    await emulator?.close();
    await dir?.remove();
  });
  const ready = <T>(value: T | undefined): T => {
    assert.ok(value !== undefined, 'the live emulator is started in before()');
    return value;
  };
  return {
    get emulator() {
      return ready(emulator);
    },
    get client() {
      return ready(client);
    },
    get dir() {
      return ready(dir);
    },
  };
}

export function elapsedSince(start: number): number {
  return performance.now() - start;
}
