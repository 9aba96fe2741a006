// What the status bar shows, as a pure state machine fed by connection changes and engine events
// (vscode-free, unit-tested): not connected, synced, syncing n/m, k failed, offline.
import * as l10n from '@vscode/l10n';
import type { RunSummary } from '../core/sync/engineApi';

/** Error classes of the ADO client that mean the service could not be reached. */
const NETWORK_CODES = new Set(['NetworkError', 'TimeoutError', 'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

export interface StatusConnection { identity: string; orgUrl: string; project: string }

export interface StatusView {
  text: string;
  tooltip: string;
  /** Warning background (failed items or a failed run). */
  warning: boolean;
  /** Click target: connect when not connected, retry now while the client waits to retry, else the history. */
  command: 'connect' | 'showHistory' | 'retryNow';
  /** Failures (or a failed run) are kept on screen: the tooltip offers to dismiss them. */
  dismissable: boolean;
}

interface RunProgress { done: number; total: number }

export class StatusModel {
  private connection: StatusConnection | undefined;
  private readonly running = new Map<number, RunProgress>();
  private lastSyncAt: Date | undefined;
  /**
   * Files (and work items) whose last outcome was a failure, kept until that file syncs: an
   * unrelated poll that finds nothing to do does not make a failure go away.
   */
  private readonly failures = new Map<string, string>();
  private runError: string | undefined;
  private offline = false;
  private readOnly = false;
  private webhook: string | undefined;
  private storeProblem: string | undefined;
  private retryWait: { retry: number; maxRetries: number; reason: string } | undefined;

  constructor(private readonly formatTime: (d: Date) => string = (d) => d.toLocaleString()) {}

  setConnection(c: StatusConnection | undefined): void {
    this.connection = c;
    if (!c) { this.running.clear(); this.offline = false; this.failures.clear(); this.runError = undefined; }
  }

  /** The store is held by another process: syncing is paused. */
  setReadOnly(readOnly: boolean): void { this.readOnly = readOnly; }
  /** Saving the sync database fails (a full disk): the message, or undefined once it saves again. */
  setStoreProblem(message: string | undefined): void { this.storeProblem = message; }
  /** Azure DevOps stopped answering and the client waits to try again (undefined once it tries). */
  setRetryWait(wait: { retry: number; maxRetries: number; reason: string } | undefined): void { this.retryWait = wait; }
  /** One line about the webhook receiver (e.g. "listening on :8091, 3 deliveries"), or undefined. */
  setWebhook(state: string | undefined): void { this.webhook = state; }

  runStarted(runId: number, totalItems: number): void { this.running.set(runId, { done: 0, total: totalItems }); }
  /** The run's item count once planned (a sync plans after it started). */
  runPlanned(runId: number, totalItems: number): void {
    const run = this.running.get(runId);
    if (run) run.total = Math.max(totalItems, run.done);
  }

  itemDone(runId: number): void {
    const run = this.running.get(runId);
    if (run) { run.done += 1; run.total = Math.max(run.total, run.done); }
  }

  runFinished(summary: RunSummary): void {
    this.running.delete(summary.runId);
    const networkItems = summary.items.filter((i) => i.status === 'failed' && isNetworkCode(i.error?.code)).length;
    const anySuccess = summary.items.some((i) => i.status !== 'failed' && i.status !== 'cancelled');
    this.offline = isNetworkCode(summary.error?.code) || (networkItems > 0 && networkItems === summary.counters.failed && !anySuccess);
    if (this.offline) return;
    this.lastSyncAt = new Date(summary.completedAt);
    this.noteOutcomes(summary);
    this.runError = summary.status === 'failed' && summary.error && !summary.items.some((i) => i.status === 'failed' || i.status === 'blocked')
      ? summary.error.message : undefined;
  }

  /** A failure stays until the same file (or work item) comes out well; a work item processed without failing clears its own line. */
  private noteOutcomes(summary: RunSummary): void {
    const failedItems = new Set(summary.items.filter((i) => i.status === 'failed' || i.status === 'blocked').map((i) => i.workItemId));
    for (const id of summary.workItemIds ?? []) {
      if (!failedItems.has(id)) this.failures.delete(workItemKey(id));
    }
    for (const o of summary.items) {
      const key = o.fileName === `work item ${o.workItemId}` ? workItemKey(o.workItemId) : `${o.workItemId}\u0000${o.localPath ?? o.fileName}`;
      if (o.status === 'failed' || o.status === 'blocked') this.failures.set(key, o.error?.message ?? o.status);
      else this.failures.delete(key);
    }
  }

  /**
   * The user has seen the failures and wants the status bar back: forgets them (the tree and the
   * history still show them). A later failure of the same file shows again.
   */
  dismissFailures(): void {
    this.failures.clear();
    this.runError = undefined;
  }

  /** A run that threw instead of returning a summary. */
  runThrew(error: Error): void {
    this.offline = isNetworkCode(error.name) || isNetworkCode((error as { code?: string }).code);
    if (!this.offline) this.runError = error.message;
  }

  view(): StatusView {
    const c = this.connection;
    if (!c) return { text: l10n.t('$(cloud) ADO: not connected'), tooltip: l10n.t('Azure DevOps Attachment Sync: not connected. Click to connect.'), warning: false, command: 'connect', dismissable: false };
    const lines = [l10n.t('Azure DevOps Attachment Sync'), `${c.identity} · ${c.orgUrl} (${c.project})`,
      l10n.t('Last sync: {0}', this.lastSyncAt ? this.formatTime(this.lastSyncAt) : l10n.t('not yet'))];
    if (this.webhook) lines.push(l10n.t('Webhook receiver: {0}', this.webhook));
    if (this.readOnly) lines.push(l10n.t('Syncing paused: the sync database is in use by another process.'));
    if (this.runError) lines.push(l10n.t('Last run failed: {0}', this.runError));
    const reasons = [...new Set(this.failures.values())];
    if (reasons.length > 0) lines.push(l10n.t('Failed: {0}', reasons.slice(0, 3).join('; ')) + (reasons.length > 3 ? l10n.t(' (+{0} more)', reasons.length - 3) : ''));
    if (this.storeProblem) lines.push(this.storeProblem);
    lines.push(l10n.t('Click to open Sync History.'));
    const tooltip = lines.join('\n');
    const dismissable = this.failures.size > 0 || this.runError !== undefined;
    if (this.retryWait) {
      const { retry, maxRetries, reason } = this.retryWait;
      return { text: l10n.t('$(cloud-offline) ADO: connection lost, retrying…'), tooltip: `${tooltip}\n${l10n.t('Azure DevOps did not answer ({0}): retry {1} of {2} waits. Click to retry now.', reason, retry, maxRetries)}`, warning: true, command: 'retryNow', dismissable };
    }
    if (this.running.size > 0) {
      let done = 0, total = 0;
      for (const r of this.running.values()) { done += r.done; total += r.total; }
      // Before a sync has planned, it knows no count yet: no "0/0".
      return { text: total > 0 ? l10n.t('$(sync~spin) ADO: syncing {0}/{1}', done, total) : l10n.t('$(sync~spin) ADO: syncing…'), tooltip, warning: false, command: 'showHistory', dismissable };
    }
    if (this.storeProblem) return { text: l10n.t('$(error) ADO: database not saved'), tooltip, warning: true, command: 'showHistory', dismissable };
    if (this.offline) return { text: l10n.t('$(cloud-offline) ADO: offline'), tooltip: `${tooltip}\n${l10n.t('Azure DevOps could not be reached.')}`, warning: false, command: 'showHistory', dismissable };
    if (this.failures.size > 0) return { text: l10n.t('$(warning) ADO: {0} failed', this.failures.size), tooltip, warning: true, command: 'showHistory', dismissable };
    if (this.runError) return { text: l10n.t('$(warning) ADO: sync failed'), tooltip, warning: true, command: 'showHistory', dismissable };
    if (this.readOnly) return { text: l10n.t('$(lock) ADO: read-only'), tooltip, warning: false, command: 'showHistory', dismissable };
    return { text: l10n.t('$(check) ADO: synced'), tooltip, warning: false, command: 'showHistory', dismissable };
  }
}

function workItemKey(id: number): string {
  return `${id}\u0000work item`;
}

function isNetworkCode(code: string | undefined): boolean {
  return code !== undefined && NETWORK_CODES.has(code);
}
