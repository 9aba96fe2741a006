// Background sync every adoSync.pollIntervalSeconds (0 = off), with jitter, on the core's
// PollScheduler. Never prompts: without a connection or engine the tick does nothing, and
// failures go to the log (the status bar shows the failed state), not to dialogs.
import * as vscode from 'vscode';
import { PollScheduler } from '../core/sync/pollScheduler';
import { SETTINGS_SECTION } from '../shared/ids';
import type { SyncAccess } from './commands';
import type { Connection } from './connection';
import { readSettings } from './settings';

/** Runs a poll elsewhere: the webhook receiver's queue, so a poll never overlaps its runs. */
export type PollRoute = () => Promise<void>;

/** Keyed by the session the timer syncs: set while the extension's webhook receiver runs. */
const pollRoutes = new WeakMap<object, PollRoute>();

/** Sends the polls of `sync`'s timer through `route` until the returned disposable is disposed. */
export function routePolls(sync: object, route: PollRoute): vscode.Disposable {
  pollRoutes.set(sync, route);
  return new vscode.Disposable(() => { if (pollRoutes.get(sync) === route) pollRoutes.delete(sync); });
}

export class PollTimer implements vscode.Disposable {
  private scheduler: PollScheduler | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly connection: Connection, private readonly sync: SyncAccess, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      connection.onDidChange(() => this.restart()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SETTINGS_SECTION}.pollIntervalSeconds`) && this.restart()),
    ];
    this.restart();
  }

  /** Milliseconds until the next poll, for tests and diagnostics; undefined when off. */
  get nextRunInMs(): number | undefined {
    const next = this.scheduler?.state().nextRunAt;
    return next === undefined ? undefined : Math.max(0, next - Date.now());
  }

  private restart(): void {
    const previous = this.scheduler;
    this.scheduler = undefined;
    // A run in flight finishes (its signal aborts); the new schedule starts without waiting for it.
    void previous?.stop();
    const seconds = readSettings().pollIntervalSeconds;
    if (!this.connection.current || !(seconds > 0)) return;
    this.scheduler = new PollScheduler({
      intervalMs: seconds * 1000,
      jitter: 0.1,
      run: (signal) => this.poll(signal),
      onError: (error) => this.log.warn(`Background sync failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.scheduler.start();
  }

  private async poll(signal: AbortSignal): Promise<void> {
    // engine(), not requireEngine(): a timer must never ask the user anything.
    const engine = this.connection.current ? await this.sync.engine() : undefined;
    if (!engine || engine.trackedIds().length === 0) return;
    const route = pollRoutes.get(this.sync);
    // The receiver's queue runs it (and logs how it went) and aborts it when the receiver stops.
    if (route) return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ADO Sync: syncing' }, route);
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ADO Sync: syncing' }, () => engine.sync({ trigger: 'poll', signal }));
    const failed = summary.items.filter((item) => item.status === 'failed').length;
    if (summary.error || failed > 0) this.log.warn(`Background sync: ${failed} item(s) failed${summary.error ? `; ${summary.error.message}` : ''}`);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    void this.scheduler?.stop();
  }
}
