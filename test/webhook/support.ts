// Shared pieces of the serve tests: an emulator that delivers service hooks quickly, a workspace
// on a temp dir, the environment `ado-sync serve` reads, tracking work items through the real
// engine, and changes made "by a colleague" through the emulator's REST API.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth, type AdoClient } from '../../src/core/ado';
import { DEFAULT_SETTINGS, type SyncSettings } from '../../src/core/settings';
import { openStore, type SyncStore } from '../../src/core/store';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import { startEmulator, type RunningEmulator } from '../emulator/index';

export const PAT = 'test-pat';
/** A second user (emulator user 1) for permission tests. */
export const COLLEAGUE_PAT = 'colleague-pat';
export const HOOK_USER = 'hook-user';
export const HOOK_PASSWORD = 'hook-pw-5e1b';
export const HOOK_PATH = '/api/webhooks/workitem';

export interface ServeFixture {
  ado: RunningEmulator;
  workspace: string;
  dbPath: string;
  mirror: string;
  env: NodeJS.ProcessEnv;
  settings: SyncSettings;
  close(): Promise<void>;
}

/** `workItems`: generated work items beside the demo ones (a load spread over many). */
export async function serveFixture(extraEnv: NodeJS.ProcessEnv = {}, workItems = 0): Promise<ServeFixture> {
  // Service-hook retries in tens of ms, so a refused delivery does not hold a test up.
  const ado = await startEmulator({ hookRetryDelaysMs: [50, 100, 200], pats: [PAT, COLLEAGUE_PAT], workItems });
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'ado-sync-serve-'));
  const settings: SyncSettings = {
    ...DEFAULT_SETTINGS, orgUrl: ado.baseUrl, project: ado.project, apiVersion: '7.1',
    dbPath: path.join(workspace, '.ado-sync', 'state.sqlite'), storagePath: 'mirror', pollIntervalSeconds: 3600,
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AZDO_ORG_URL: ado.baseUrl,
    AZDO_PROJECT: ado.project,
    AZDO_PAT: PAT,
    AZDO_API_VERSION: '7.1',
    ATTACHMENT_SYNC_DB_PATH: settings.dbPath,
    ATTACHMENT_STORAGE_PATH: settings.storagePath,
    // The poll would take an hour: anything that arrives sooner came through the webhook.
    ATTACHMENT_SYNC_POLL_INTERVAL: '3600',
    ADO_SYNC_WEBHOOK_USERNAME: HOOK_USER,
    ADO_SYNC_WEBHOOK_PASSWORD: HOOK_PASSWORD,
    ADO_SYNC_WEBHOOK_DEBOUNCE_MS: '150',
    ...extraEnv,
  };
  return {
    ado, workspace, dbPath: settings.dbPath, mirror: path.join(workspace, settings.storagePath), env, settings,
    async close() {
      await ado.close();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

export function adoClient(f: ServeFixture): AdoClient {
  return createAdoClient({ orgUrl: f.ado.baseUrl, project: f.ado.project, auth: new PatAuth(PAT), apiVersion: '7.1' });
}

export async function withStore<T>(f: ServeFixture, run: (store: SyncStore) => Promise<T> | T, readOnly = false): Promise<T> {
  const store = await openStore({ path: f.dbPath, readOnly, debounceMs: 50 });
  try {
    return await run(store);
  } finally {
    store.close();
  }
}

/** Tracks the items through the real engine, then lets go of the database for `serve`. */
export async function trackItems(f: ServeFixture, ids: readonly number[]): Promise<void> {
  await withStore(f, async (store) => {
    const engine = createSyncEngine({ client: adoClient(f), store, settings: f.settings, workspaceRoot: f.workspace });
    await engine.track(ids);
    await engine.close();
  });
}

const authHeader = `Basic ${Buffer.from(`:${PAT}`).toString('base64')}`;

async function rest(f: ServeFixture, method: string, route: string, body: Buffer | string | object, contentType: string): Promise<Record<string, unknown>> {
  const url = `${f.ado.baseUrl}/${f.ado.project}/_apis/${route}${route.includes('?') ? '&' : '?'}api-version=7.1`;
  const payload = Buffer.isBuffer(body) ? new Uint8Array(body) : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, { method, body: payload, headers: { authorization: authHeader, 'content-type': contentType } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** What a colleague does in the web UI: upload a file and link it to the work item. */
export async function colleagueAttaches(f: ServeFixture, workItemId: number, fileName: string, bytes: Buffer): Promise<void> {
  const up = await rest(f, 'POST', `wit/attachments?fileName=${encodeURIComponent(fileName)}`, bytes, 'application/octet-stream');
  await rest(f, 'PATCH', `wit/workitems/${workItemId}`, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: String(up.url), attributes: { comment: 'from the web' } } }], 'application/json-patch+json');
}

/** Any other edit: one more workitem.updated delivery. */
export async function colleagueRetitles(f: ServeFixture, workItemId: number, title: string): Promise<void> {
  await rest(f, 'PATCH', `wit/workitems/${workItemId}`, [{ op: 'add', path: '/fields/System.Title', value: title }], 'application/json-patch+json');
}

export function mirrorFile(f: ServeFixture, workItemId: number, fileName: string): string {
  return path.join(f.mirror, String(workItemId), fileName);
}

export async function readOrUndefined(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port free right now on loopback (for a URL that must be registered before serve starts). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
