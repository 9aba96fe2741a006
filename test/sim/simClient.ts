// One client of the whole-system simulation: its own workspace (mirror folder), its own sql.js store
// file and its own PAT, driving the real engine (createSyncEngine) against the emulator over
// loopback. A crash abandons the engine mid-run and drops the store's unsaved memory; a process
// crash runs the real CLI (dist/cli.js) on the same files and kills it with SIGKILL.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import { type ConflictPolicy, DEFAULT_SETTINGS } from '../../src/core/settings';
import { openStore, type SyncStore } from '../../src/core/store';
import type { RunSummary, SyncEngine } from '../../src/core/sync/engineApi';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import type { RunningEmulator } from '../emulator/index';
import { sha256 } from '../sync/support';

export const CHUNK_SIZE = 64 * 1024;
export const CLI_PATH = path.resolve(__dirname, '../../dist/cli.js');

export class SimClient {
  store!: SyncStore;
  engine!: SyncEngine;
  readonly workspace: string;
  crashed = 0;
  /** Abandoned runs that never settled after their store closed and their signal aborted (finding N1). */
  unsettledRuns = 0;
  readonly logs: string[] = [];

  /** userIndex: the emulator identity its PAT edits as (who added which relation). */
  constructor(readonly name: string, readonly root: string, readonly pat: string, readonly userIndex: number, readonly policy: ConflictPolicy, private readonly emulator: RunningEmulator) {
    this.workspace = path.join(root, 'ws');
    fs.mkdirSync(this.workspace, { recursive: true });
  }

  get mirror(): string { return path.join(this.workspace, '.ado-attachments'); }
  get dbPath(): string { return path.join(this.root, 'state.sqlite'); }
  mirrorDir(workItemId: number): string { return path.join(this.mirror, String(workItemId)); }

  async open(): Promise<void> {
    this.store = await openStore({ path: this.dbPath, debounceMs: 50 });
    const client = createAdoClient({ orgUrl: this.emulator.baseUrl, project: this.emulator.project, auth: new PatAuth(this.pat),
      backoff: { baseMs: 10, capMs: 100 }, maxRetries: 4, requestsPerMinute: 60_000 });
    this.engine = createSyncEngine({
      client, store: this.store, workspaceRoot: this.workspace, log: (level, m) => this.logs.push(`${level}: ${m}`),
      settings: { ...DEFAULT_SETTINGS, orgUrl: this.emulator.baseUrl, project: this.emulator.project, chunkSize: CHUNK_SIZE, conflictPolicy: this.policy, uploadMaxRetries: 3 },
      origin: { client: `sim-${this.name}`, version: '0.0.0' },
    });
    await this.engine.recoverInterrupted();
  }

  async close(): Promise<void> {
    await this.engine.close();
    this.store.close();
  }

  sync(signal?: AbortSignal): Promise<RunSummary> {
    return this.engine.sync({ signal });
  }

  /**
   * The process dies while a sync runs, once the emulator has answered `afterRequests` more requests:
   * what the store had not written to its file is lost (as sql.js's memory is), the lock is left to be
   * taken over, and the engine is reopened from the files.
   */
  async crashDuringSync(afterRequests: number): Promise<void> {
    const controller = new AbortController();
    const target = this.emulator.state.stats.totalRequests + afterRequests;
    const run = this.sync(controller.signal).catch(() => undefined);
    await new Promise<void>((resolve) => {
      const watch = setInterval(() => {
        if (this.emulator.state.stats.totalRequests < target) return;
        clearInterval(watch);
        resolve();
      }, 1);
      void run.finally(() => { clearInterval(watch); resolve(); });
    });
    abandonStore(this.store);
    controller.abort();
    // A dead process's work simply stops; here the abandoned run is given a moment to unwind and is
    // left behind if it does not (its store is closed, its requests aborted).
    const settled = await Promise.race([run.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref())]);
    if (!settled) this.unsettledRuns++;
    this.crashed++;
    await this.open();
  }

  /** The real CLI (`ado-sync sync`) on this client's files, SIGKILLed after `afterRequests` requests. */
  async cliKilledDuringSync(afterRequests: number): Promise<void> {
    await this.close();
    const env = {
      PATH: process.env.PATH ?? '', AZDO_ORG_URL: this.emulator.baseUrl, AZDO_PROJECT: this.emulator.project, AZDO_PAT: this.pat,
      AZDO_API_VERSION: '7.1', ATTACHMENT_SYNC_DB_PATH: this.dbPath, ATTACHMENT_STORAGE_PATH: this.mirror, ATTACHMENT_CHUNK_SIZE: String(CHUNK_SIZE),
      ATTACHMENT_SYNC_RATE_LIMIT_RPM: '6000',
    };
    const child = spawn(process.execPath, [CLI_PATH, 'sync'], { cwd: this.workspace, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => this.logs.push(`cli: ${d.toString().trim()}`));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const target = this.emulator.state.stats.totalRequests + afterRequests;
    const watch = setInterval(() => {
      if (this.emulator.state.stats.totalRequests >= target) child.kill('SIGKILL');
    }, 1);
    await closed;
    clearInterval(watch);
    this.crashed++;
    await this.open();
  }

  /** Content hashes of the mirror files of a work item, by file name. */
  mirrorFiles(workItemId: number): Map<string, string> {
    const dir = this.mirrorDir(workItemId);
    const out = new Map<string, string>();
    if (!fs.existsSync(dir)) return out;
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (isTempName(name) || !fs.statSync(p).isFile()) continue;
      out.set(name, sha256(fs.readFileSync(p)));
    }
    return out;
  }
}

/** An engine's in-flight download (`name.part`, `name.part-<hex>`, `.tmp`): not a user's file. */
export function isTempName(name: string): boolean {
  return /\.(part|tmp)(-[0-9a-z]+)?$/i.test(name);
}

/**
 * What a killed process leaves: the store's unsaved changes are gone and it writes nothing more. The
 * store has no "die" operation, so its closed flag and timer are set by hand, and the lock file (which
 * a new process would take over as stale, its pid being dead) is released.
 */
function abandonStore(store: SyncStore): void {
  const internals = store as unknown as { closed: boolean; timer?: NodeJS.Timeout; lock?: { release(): void } };
  if (typeof internals.closed !== 'boolean' || typeof internals.lock?.release !== 'function') {
    throw new Error('SyncStore internals changed (closed, timer, lock): update abandonStore() in test/sim/simClient.ts');
  }
  clearTimeout(internals.timer);
  internals.timer = undefined;
  internals.closed = true;
  internals.lock?.release();
}
