// The lifecycle of the extension's sync session without the VS Code API, so that plain node tests
// drive it on a real store: the store opens lazily (single flight), falls back to read-only when
// another process holds the writer lock, the engine is made per connection with
// recoverInterrupted() on its first creation, and close() waits for runs then flushes.
import type { AdoClient } from '../core/ado';
import type { SyncSettings } from '../core/settings';
import { StoreLockedError, StorePathError, type StoreOptions, type StoreWriteError, type SyncStore } from '../core/store';
import type { RunSummary, SyncEngine, SyncEngineOptions } from '../core/sync/engineApi';
import { SyncEvents } from '../core/sync/events';
import { errorMessage } from '../core/errorMessage';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the session works; undefined when no folder is open. */
export interface SessionTarget {
  dbPath: string;
  workspaceRoot: string;
  settings: SyncSettings;
}

export interface SessionDeps {
  openStore(options: StoreOptions): Promise<SyncStore>;
  createEngine(options: SyncEngineOptions): SyncEngine;
  target(): SessionTarget | undefined;
  origin: { client: string; version: string };
  log(level: LogLevel, message: string): void;
}

export type SessionStatus =
  | { kind: 'closed' }
  | { kind: 'noFolder' }
  | { kind: 'open'; readOnly: false; dbPath: string }
  /** Another process (the CLI) holds the writer lock: history is readable, syncing is paused. */
  | { kind: 'open'; readOnly: true; dbPath: string; lockedBy: StoreLockedError }
  | { kind: 'error'; message: string };

/** What a run that finished (or threw) tells the status bar: the summary, or the error it threw. */
export type RunOutcome = { summary: RunSummary; error?: undefined } | { summary?: undefined; error: Error };

type Listener<T> = (value: T) => void;

export class SyncSessionCore {
  /** Stable across connections: listeners subscribe once, before any engine exists. */
  readonly events = new SyncEvents();
  private client: AdoClient | undefined;
  private opened: SyncStore | undefined;
  private opening: Promise<SyncStore | undefined> | undefined;
  private current: SyncEngine | undefined;
  /** An engine being closed: a new one waits for it, so two engines never run at once. */
  private closing: Promise<void> | undefined;
  /** Settings changed since the engine was made: the next engine() makes a new one. */
  private stale = false;
  private recovered = false;
  private state: SessionStatus = { kind: 'closed' };
  private readonly changeListeners = new Set<Listener<SessionStatus>>();
  private readonly runListeners = new Set<Listener<RunOutcome>>();
  private readonly problemListeners = new Set<Listener<StoreWriteError | undefined>>();

  constructor(private readonly deps: SessionDeps) {}

  get status(): SessionStatus { return this.state; }
  get connected(): boolean { return this.client !== undefined; }
  /** The store if it is open already (never opens it): for listeners that must not trigger a load. */
  get openedStore(): SyncStore | undefined { return this.opened; }

  onDidChange(listener: Listener<SessionStatus>): () => void { return subscribe(this.changeListeners, listener); }
  /** Every attach/link/sync through the session's engine reports here when it ends. */
  onDidFinishRun(listener: Listener<RunOutcome>): () => void { return subscribe(this.runListeners, listener); }
  /** Saving the database failed (a full disk: the error) or works again (undefined). */
  onStoreProblem(listener: Listener<StoreWriteError | undefined>): () => void { return subscribe(this.problemListeners, listener); }

  /** A connection change: the engine is bound to its client, so it is closed; sign-out closes the store too. */
  async setClient(client: AdoClient | undefined): Promise<void> {
    if (client === this.client) return;
    this.client = client;
    await this.closeEngine();
    if (!client) await this.close();
  }

  /** The store, opened on first call (never at activation); undefined without a folder. */
  store(): Promise<SyncStore | undefined> {
    if (this.opened) return Promise.resolve(this.opened);
    this.opening ??= this.open().finally(() => { this.opening = undefined; });
    return this.opening;
  }

  /** Settings the engine reads changed: it is replaced once its runs end (dbPath: the store too). */
  async settingsChanged(dbPathChanged: boolean): Promise<void> {
    if (dbPathChanged) return this.close();
    this.stale = this.current !== undefined;
  }

  /** The engine of the current connection; undefined when not connected, without folder or read-only. */
  async engine(): Promise<SyncEngine | undefined> {
    if (this.current && this.stale) { this.stale = false; void this.closeEngine(); }
    await this.closing;
    if (this.current) return this.current;
    const client = this.client;
    const store = client ? await this.store() : undefined;
    const target = this.deps.target();
    if (!client || !store || store.readOnly || !target || client !== this.client) return undefined;
    if (this.current) return this.current;
    const engine = this.deps.createEngine({
      client, store, settings: target.settings, workspaceRoot: target.workspaceRoot, events: this.events,
      origin: this.deps.origin, log: (level, message) => this.deps.log(level, message),
    });
    this.current = observeRuns(engine, (outcome) => this.emit(this.runListeners, outcome));
    if (!this.recovered) {
      this.recovered = true;
      const count = await engine.recoverInterrupted();
      if (count > 0) this.deps.log('warn', `${count} interrupted run(s) from an earlier session marked failed`);
    }
    return this.current;
  }

  /** Closes a read-only store and opens again: for "Try Again" once the other process is gone. */
  async reopen(): Promise<SyncStore | undefined> {
    await this.close();
    return this.store();
  }

  /** Waits for runs in flight (engine.close flushes), then flushes and releases the store. */
  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    await this.closeEngine();
    const store = this.opened;
    this.opened = undefined;
    this.recovered = false;
    if (store) {
      try { store.close(); } catch (e) { this.deps.log('error', `Closing the sync store failed: ${errorMessage(e)}`); }
      this.setStatus({ kind: 'closed' });
    }
  }

  private async closeEngine(): Promise<void> {
    const engine = this.current;
    this.current = undefined;
    if (!engine) return this.closing;
    const closing = engine.close()
      .catch((e: unknown) => this.deps.log('error', `Closing the sync engine failed: ${errorMessage(e)}`))
      .finally(() => { if (this.closing === closing) this.closing = undefined; });
    this.closing = closing;
    return closing;
  }

  private async open(): Promise<SyncStore | undefined> {
    const target = this.deps.target();
    if (!target) { this.setStatus({ kind: 'noFolder' }); return undefined; }
    const common = { path: target.dbPath, retentionDays: target.settings.retentionDays, log: (m: string) => this.deps.log('warn', m) };
    try {
      const store = await this.deps.openStore(common);
      this.opened = store;
      if (store.recovered) this.deps.log('error', store.recovered.message);
      store.onWriteProblem((problem) => this.emit(this.problemListeners, problem));
      // A new store starts from its own state: a problem of the one before is no longer current.
      this.emit(this.problemListeners, store.writeProblem);
      this.setStatus({ kind: 'open', readOnly: false, dbPath: target.dbPath });
    } catch (e) {
      if (!(e instanceof StoreLockedError)) {
        const hint = e instanceof StorePathError ? ' Set adoSync.dbPath to a file in a folder you can write to.' : '';
        this.setStatus({ kind: 'error', message: `${errorMessage(e)}${hint}` });
        if (hint) this.deps.log('error', `${errorMessage(e)}${hint}`);
        throw e;
      }
      this.deps.log('warn', `${e.message}: opening it read-only`);
      this.opened = await this.deps.openStore({ ...common, readOnly: true });
      if (this.opened.damaged) this.deps.log('error', this.opened.damaged.message);
      this.setStatus({ kind: 'open', readOnly: true, dbPath: target.dbPath, lockedBy: e });
    }
    return this.opened;
  }

  private setStatus(status: SessionStatus): void {
    this.state = status;
    this.emit(this.changeListeners, status);
  }

  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const l of listeners) {
      try { l(value); } catch (e) { this.deps.log('error', `A session listener failed: ${errorMessage(e)}`); }
    }
  }
}

function subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => { set.delete(listener); };
}


/** The engine with its run-producing calls tapped, so the status bar learns how every run ended. */
export function observeRuns(engine: SyncEngine, report: (outcome: RunOutcome) => void): SyncEngine {
  const tap = async (run: Promise<RunSummary>): Promise<RunSummary> => {
    try {
      const summary = await run;
      report({ summary });
      return summary;
    } catch (e) {
      report({ error: e instanceof Error ? e : new Error(String(e)) });
      throw e;
    }
  };
  return {
    get events() { return engine.events; },
    get mirrorRoot() { return engine.mirrorRoot; },
    attach: (request) => tap(engine.attach(request)),
    link: (workItemId, url, options) => tap(engine.link(workItemId, url, options)),
    sync: (request) => tap(engine.sync(request)),
    plan: (request) => engine.plan(request),
    download: (workItemId, attachmentId, options) => engine.download(workItemId, attachmentId, options),
    removeFromWorkItem: (workItemId, attachmentId, options) => engine.removeFromWorkItem(workItemId, attachmentId, options),
    deleteLocalRecord: (attachmentId) => engine.deleteLocalRecord(attachmentId),
    track: (ids) => engine.track(ids),
    untrack: (ids) => engine.untrack(ids),
    trackedIds: () => engine.trackedIds(),
    ready: () => engine.ready(),
    recoverInterrupted: () => engine.recoverInterrupted(),
    poll: () => engine.poll(),
    start: (options) => engine.start(options),
    setPollInterval: (ms) => engine.setPollInterval(ms),
    markDirty: (ids, reason) => engine.markDirty(ids, reason),
    localFileChanged: (filePath) => engine.localFileChanged(filePath),
    state: () => engine.state(),
    close: () => engine.close(),
  };
}
