// Runs `ado-sync` in-process through main(), as the bundled CLI does, with its own env, working
// directory and captured stdout/stderr; the emulator and the state database are real.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { openStore, type SyncStore } from '../../src/core/store';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator';

export const PAT = 'cli-test-pat';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Pretend stderr is a terminal (progress bars). */
  tty?: boolean;
}

/** A temp workspace, an emulator and the env a user would set for them. */
export class CliFixture {
  ado!: RunningEmulator;
  dir!: string;

  async start(options: EmulatorOptions = {}): Promise<this> {
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'ado-sync-cli-'));
    this.ado = await startEmulator({ pats: [PAT], ...options });
    return this;
  }

  async stop(): Promise<void> {
    await this.ado?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  get env(): NodeJS.ProcessEnv {
    return { AZDO_ORG_URL: this.ado.baseUrl, AZDO_PROJECT: this.ado.project, AZDO_PAT: PAT, AZDO_API_VERSION: '7.1' };
  }

  get dbPath(): string {
    return path.join(this.dir, '.ado-sync', 'state.sqlite');
  }

  async run(args: string[], options: RunOptions = {}): Promise<CliRun> {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: options.tty === true });
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await main(args, { ...this.env, ...options.env }, options.signal, { stdout, stderr, cwd: this.dir });
    return { code, out, err };
  }

  /** The state database, opened for seeding or checking, then closed (the CLI takes the lock). */
  async withStore<T>(use: (store: SyncStore) => T | Promise<T>): Promise<T> {
    const store = await openStore({ path: this.dbPath });
    try {
      return await use(store);
    } finally {
      store.close();
    }
  }

  workItemTitled(title: string): number {
    const item = [...this.ado.state.workItems.values()].find((w) => w.fields['System.Title'] === title);
    if (!item) throw new Error(`no seeded work item "${title}"`);
    return item.id;
  }

  /** Responses with this status the emulator sent, over all routes. */
  responses(status: number): number {
    return Object.values(this.ado.state.stats.routes).reduce((n, r) => n + (r.byStatus[String(status)] ?? 0), 0);
  }
}

export function parse<T>(run: CliRun): T {
  try {
    return JSON.parse(run.out) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.out}\nstderr:\n${run.err}`);
  }
}

export const BUNDLED_CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface ProcessRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A real process with only PATH and the given environment; asynchronous, so an emulator in this process keeps answering. */
export function spawnProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** dist/cli.js as a real process. */
export function spawnBundledCli(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  if (!existsSync(BUNDLED_CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
  return spawnProcess(process.execPath, [BUNDLED_CLI, ...args], cwd, env);
}
