// A sync engine on the real emulator (loopback HTTP) and a real sql.js store in a temp workspace.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import { DEFAULT_SETTINGS, type SyncSettings } from '../../src/core/settings';
import { openStore, type SyncStore } from '../../src/core/store';
import type { SyncEngine, SyncEngineOptions } from '../../src/core/sync/engineApi';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index';
import { adminUrl } from '../emulator-tests/client';

export const PAT = 'test-pat';

export interface EmulatorAttachment { id: string; fileName: string; size: number; sha256: string }
export interface EmulatorRelation { rel: string; url: string; attributes: { name?: string; comment?: string } }
export interface EmulatorState {
  workItems: { id: number; rev: number; relations: EmulatorRelation[] }[];
  attachments: EmulatorAttachment[];
}

export class SyncWorld {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-test-'));
  readonly workspace = path.join(this.root, 'ws');
  emulator!: RunningEmulator;
  store!: SyncStore;
  engine!: SyncEngine;
  logs: string[] = [];

  get mirror(): string { return path.join(this.workspace, '.ado-attachments'); }
  get dbPath(): string { return path.join(this.root, 'state.sqlite'); }

  async start(emulatorOptions: EmulatorOptions = {}, settings: Partial<SyncSettings> = {}): Promise<this> {
    fs.mkdirSync(this.workspace, { recursive: true });
    this.emulator = await startEmulator({ port: 0, pats: [PAT], seed: 'demo', dataDir: path.join(this.root, 'emulator'), ...emulatorOptions });
    await this.open(settings);
    return this;
  }

  async open(settings: Partial<SyncSettings> = {}, engine: Partial<SyncEngineOptions> = {}): Promise<void> {
    this.store = await openStore({ path: this.dbPath, debounceMs: 50 });
    const client = createAdoClient({ orgUrl: this.emulator.baseUrl, project: 'Demo', auth: new PatAuth(PAT), backoff: { baseMs: 20, capMs: 200 }, maxRetries: 4, requestsPerMinute: 60_000 });
    this.engine = createSyncEngine({
      client, store: this.store, workspaceRoot: this.workspace, log: (level, m) => this.logs.push(`${level}: ${m}`),
      settings: { ...DEFAULT_SETTINGS, orgUrl: this.emulator.baseUrl, project: 'Demo', chunkSize: 64 * 1024, ...settings },
      origin: { client: 'test', version: '0.0.0' }, ...engine,
    });
  }

  /** Closes the engine and the store (the database file stays). */
  async reopen(settings: Partial<SyncSettings> = {}, engine: Partial<SyncEngineOptions> = {}): Promise<void> {
    await this.engine.close();
    this.store.close();
    await this.open(settings, engine);
  }

  async stop(): Promise<void> {
    try { await this.engine?.close(); this.store?.close(); } catch { /* closed by the test */ }
    await this.emulator?.close();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  file(relative: string, content: string | Buffer): string {
    const p = path.join(this.workspace, relative);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  }

  randomFile(relative: string, size: number): { path: string; sha256: string } {
    const bytes = randomBytes(size);
    return { path: this.file(relative, bytes), sha256: sha256(bytes) };
  }

  async state(): Promise<EmulatorState> {
    const res = await fetch(adminUrl(this.emulator, '/_emulator/state'));
    return (await res.json()) as EmulatorState;
  }

  async relations(workItemId: number): Promise<EmulatorRelation[]> {
    const item = (await this.state()).workItems.find((w) => w.id === workItemId);
    return (item?.relations ?? []).filter((r) => r.rel === 'AttachedFile');
  }

  /** A colleague attaches a file in ADO (the emulator's admin route edits as user 1). */
  async colleagueAttaches(workItemId: number, fileName: string, content: string | Buffer, comment?: string): Promise<void> {
    const query = `fileName=${encodeURIComponent(fileName)}${comment ? `&comment=${encodeURIComponent(comment)}` : ''}`;
    const res = await fetch(adminUrl(this.emulator, `/_emulator/work-items/${workItemId}/attachments?${query}`), { method: 'POST', body: typeof content === 'string' ? content : new Uint8Array(content) });
    if (!res.ok) throw new Error(`emulator refused the colleague's attachment: ${res.status} ${await res.text()}`);
  }

  async removeRelation(workItemId: number, fileName: string): Promise<void> {
    const all = (await this.state()).workItems.find((w) => w.id === workItemId)?.relations ?? [];
    const index = all.findIndex((r) => r.rel === 'AttachedFile' && r.attributes.name === fileName);
    if (index < 0) throw new Error(`no relation ${fileName} on ${workItemId}`);
    const res = await fetch(`${this.emulator.baseUrl}/Demo/_apis/wit/workitems/${workItemId}?api-version=7.1`, {
      method: 'PATCH',
      headers: { Authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}`, 'Content-Type': 'application/json-patch+json', 'X-TFS-FedAuthRedirect': 'Suppress' },
      body: JSON.stringify([{ op: 'remove', path: `/relations/${index}` }]),
    });
    if (!res.ok) throw new Error(`remove failed: ${res.status}`);
  }
}

export function sha256(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
