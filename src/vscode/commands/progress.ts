// Progress and results of runs the user started: a cancellable notification with the percent of
// bytes and the rate from the engine's itemProgress events; afterwards one message per outcome,
// with the server's reason and "Show Log" / "Retry" on failures.
import * as vscode from 'vscode';
import type { ItemOutcome, RunSummary } from '../../core/sync/engineApi';
import { Commands } from '../../shared/ids';
import { formatBytes, formatRate } from '../../shared/format';
import type { CommandDeps } from './deps';
import { retryText } from '../retryWaits';
import { failureReport, failureText } from '../runReport';
import { errorMessage } from '../../core/errorMessage';

/** Rate over a sliding window: the first chunks of a transfer are not representative. */
const RATE_WINDOW_MS = 3_000;
/** No byte moved for this long: the notification says the server is not answering. */
const STALL_MS = 5_000;

export interface TransferScope {
  /** Only progress of these work items counts (a background poll may run beside). */
  readonly workItemIds?: readonly number[];
  /** Known up front for attaches (file sizes); otherwise the sum of the totals seen so far. */
  readonly expectedBytes?: number;
}

/**
 * Runs work under a notification with a Cancel button; the signal aborts when the user cancels.
 * When the bytes stop moving it says so: "no answer from Azure DevOps for N s", then, while the
 * client waits to try again, "connection lost, retrying in N s" (ticking), until bytes move again.
 */
export function withTransferProgress<T>(deps: Pick<CommandDeps, 'sync' | 'retries'>, title: string, scope: TransferScope, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    const meter = new TransferMeter(scope);
    let reported = 0;
    let movedAt: number | undefined;
    /** Tries of a file sent again from an earlier byte (the engine's retry) since bytes last moved on. */
    let resends = 0;
    let waitedSinceMoved = false;
    let shown = '';
    const show = (message: string, increment = 0): void => {
      if (message === shown && increment === 0) return;
      shown = message;
      progress.report({ increment, message });
    };
    const off = deps.sync.events.on('itemProgress', (event) => {
      const step = meter.update(event.workItemId, event.fileName, event.bytes, event.total);
      if (step === 'other') return;
      if (step === 'resent') resends += 1;
      if (step !== 'moved') return;
      const percent = meter.percent();
      movedAt = Date.now();
      resends = 0;
      waitedSinceMoved = false;
      show(meter.message(event.fileName), percent - reported);
      reported = percent;
    });
    const offRetry = deps.retries.onChange((wait) => { if (wait) waitedSinceMoved = true; });
    // Once a second: a stalled transfer says so instead of freezing on its last percent.
    const ticker = setInterval(() => {
      const now = Date.now();
      const wait = deps.retries.current;
      const done = movedAt === undefined ? '' : `${meter.percent()}% · `;
      if (wait) show(`${done}${retryText(wait, now)}`);
      else if (resends > 0 || waitedSinceMoved) show(done + (resends > 0 ? vscode.l10n.t('connection lost, retrying (try {0})…', resends + 1) : vscode.l10n.t('connection lost, retrying…')));
      else if (movedAt !== undefined && now - movedAt >= STALL_MS) show(done + vscode.l10n.t('no answer from Azure DevOps for {0} s', Math.floor((now - movedAt) / 1000)));
    }, 1_000);
    try {
      return await work(abort.signal);
    } finally {
      clearInterval(ticker);
      off();
      offRetry();
      cancelled.dispose();
    }
  });
}

class TransferMeter {
  private readonly files = new Map<string, { bytes: number; total: number; last: number }>();
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly scope: TransferScope) {}

  /**
   * 'other': another run's work item; 'resent': bytes of a file already counted, sent again (a
   * retry; the percent keeps the furthest point); 'moved': past it.
   */
  update(workItemId: number, fileName: string, bytes: number, total: number): 'moved' | 'resent' | 'other' {
    if (this.scope.workItemIds && !this.scope.workItemIds.includes(workItemId)) return 'other';
    const key = `${workItemId}/${fileName}`;
    const before = this.files.get(key);
    if (before && bytes <= before.bytes && total === before.total) {
      // One try sends many events: only a drop below the last one starts another.
      const step = bytes < before.last ? 'resent' : 'other';
      before.last = bytes;
      return step;
    }
    this.files.set(key, { bytes, total, last: bytes });
    const now = Date.now();
    this.samples.push({ at: now, bytes: this.doneBytes() });
    while (this.samples.length > 2 && now - this.samples[0].at > RATE_WINDOW_MS) this.samples.shift();
    return 'moved';
  }

  percent(): number {
    const total = Math.max(this.scope.expectedBytes ?? 0, [...this.files.values()].reduce((sum, f) => sum + f.total, 0));
    return total > 0 ? Math.min(100, Math.floor((this.doneBytes() / total) * 100)) : 0;
  }

  message(fileName: string): string {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.at - first.at) / 1000;
    const rate = seconds > 0.2 ? ` · ${formatRate((last.bytes - first.bytes) / seconds)}` : '';
    // The title names a single file already; with several, say which one is moving.
    const which = this.files.size > 1 ? `${fileName}: ` : '';
    return which + vscode.l10n.t('{0}% of {1}', this.percent(), formatBytes(Math.max(this.scope.expectedBytes ?? 0, this.totalSeen()))) + rate;
  }

  private doneBytes(): number {
    return [...this.files.values()].reduce((sum, f) => sum + f.bytes, 0);
  }

  private totalSeen(): number {
    return [...this.files.values()].reduce((sum, f) => sum + f.total, 0);
  }
}

// Functions, so the words are looked up in the display language when used, not at load.
const DONE: Partial<Record<ItemOutcome['status'], () => string>> = {
  uploaded: () => vscode.l10n.t('uploaded'),
  linked: () => vscode.l10n.t('linked'),
  downloaded: () => vscode.l10n.t('downloaded'),
  duplicate: () => vscode.l10n.t('already attached'),
  conflict: () => vscode.l10n.t('kept as conflict copies'),
  remote_removed: () => vscode.l10n.t('removed in ADO'),
  removed: () => vscode.l10n.t('removed'),
};

/** One line for the user: "2 uploaded, 1 already attached". */
export function outcomeCounts(items: readonly ItemOutcome[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const label = DONE[item.status]?.();
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
}

/** Up to this many failures are named one by one; more are counted by reason. */
const NAMED_FAILURES = 3;

/**
 * Tells the user how a run ended. Failures carry the server's reason (counted by reason when
 * there are many) and offer Show Details (the run in Sync History), Show Log, and Retry only when
 * some failed items can succeed; retry gets those items.
 */
export async function reportRun(summary: RunSummary, what: string, retry: (items: readonly ItemOutcome[]) => unknown): Promise<void> {
  const failed = summary.items.filter((item) => item.status === 'failed');
  if (summary.status === 'cancelled') {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0}: cancelled.', what) + (summary.items.length > 0 ? ` ${outcomeCounts(summary.items)}` : ''));
    return;
  }
  const done = outcomeCounts(summary.items);
  if (summary.error && failed.length === 0) {
    await offerRetry(vscode.l10n.t('{0} failed: {1}', what, summary.error.message) + (done ? ` (${done})` : ''), () => retry([]));
    return;
  }
  if (failed.length > 0) {
    const report = failureReport(summary);
    const reason = failed.length <= NAMED_FAILURES
      ? vscode.l10n.t('failed: {0}', failed.map((item) => `"${item.fileName}": ${item.error?.message ?? vscode.l10n.t('failed')}`).join('; '))
      : failureText(report);
    const message = failed.length <= NAMED_FAILURES ? `${what} ${reason}${done ? ` (${done})` : ''}` : `${what}: ${done ? `${done}; ` : ''}${reason}`;
    const retryLabel = report.retryable.length === failed.length ? vscode.l10n.t('Retry') : vscode.l10n.t('Retry {0}', report.retryable.length);
    const showDetails = vscode.l10n.t('Show Details');
    const showLog = vscode.l10n.t('Show Log');
    const actions = [...(summary.runId > 0 ? [showDetails] : []), showLog, ...(report.retryable.length > 0 ? [retryLabel] : [])];
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === showDetails) await vscode.commands.executeCommand(Commands.showHistory, { runId: summary.runId });
    if (choice === showLog) await vscode.commands.executeCommand(Commands.showLog);
    if (choice === retryLabel) await retry(report.retryable);
    return;
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1}.', what, done || vscode.l10n.t('nothing to do, already in sync')));
}

/** An error message with "Show Log" and "Retry". */
export async function offerRetry(message: string, retry: () => unknown): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  const retryLabel = vscode.l10n.t('Retry');
  const choice = await vscode.window.showErrorMessage(message, showLog, retryLabel);
  if (choice === showLog) await vscode.commands.executeCommand(Commands.showLog);
  if (choice === retryLabel) await retry();
}

/** A call that threw (not one item): logged, and told to the user with the error's message. */
export function showFailure(log: vscode.LogOutputChannel, what: string, error: unknown): undefined {
  const message = errorMessage(error);
  log.error(`${what} failed: ${message}`);
  void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', what, message), vscode.l10n.t('Show Log')).then((choice) => choice && vscode.commands.executeCommand(Commands.showLog));
  return undefined;
}
