// How a run that had failures is told: counts by reason (never hundreds of concatenated errors),
// and which failed items a retry can help (not those refused by the attachment limit, over the
// size limit, or gone). vscode-free (unit-tested).
import * as l10n from '@vscode/l10n';
import type { ItemOutcome, RunSummary } from '../core/sync/engineApi';

/** Codes and error classes that fail the same way however often they are retried. */
// Functions, so the words are looked up in the display language when used, not at load.
const FINAL: Record<string, () => string> = {
  VS403313: () => l10n.t('over the 100-attachment limit of a work item'),
  TF237082: () => l10n.t("over the server's size limit"),
  FileTooLarge: () => l10n.t('over adoSync.maxFileSize'),
  FileNotFound: () => l10n.t('file not found'),
  WorkItemNotFound: () => l10n.t('work item not found'),
  AttachmentLimitError: () => l10n.t('over the 100-attachment limit of a work item'),
};
const FINAL_KINDS = new Set(['PreflightError', 'AttachmentLimitError', 'AuthorizationError', 'NotFoundError']);

export interface FailureReason { readonly label: string; readonly count: number; readonly retryable: boolean }

export interface FailureReport {
  readonly failed: number;
  readonly reasons: readonly FailureReason[];
  /** The failed items a retry may bring through. */
  readonly retryable: readonly ItemOutcome[];
}

export function isRetryable(item: ItemOutcome): boolean {
  const { code, kind } = item.error ?? {};
  return !(code !== undefined && code in FINAL) && !(kind !== undefined && FINAL_KINDS.has(kind));
}

/** The reason in words: known codes by name, others by their code and first message. */
function reasonOf(item: ItemOutcome): string {
  const { code, message } = item.error ?? {};
  if (code !== undefined && code in FINAL) return FINAL[code]();
  const text = (message ?? l10n.t('failed')).split(/(?<=\.)\s/)[0];
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

export function failureReport(summary: RunSummary): FailureReport {
  const failed = summary.items.filter((item) => item.status === 'failed');
  const byReason = new Map<string, { count: number; retryable: boolean }>();
  for (const item of failed) {
    const label = reasonOf(item);
    const entry = byReason.get(label) ?? { count: 0, retryable: isRetryable(item) };
    entry.count += 1;
    byReason.set(label, entry);
  }
  const reasons = [...byReason].map(([label, r]) => ({ label, ...r })).sort((a, b) => b.count - a.count);
  return { failed: failed.length, reasons, retryable: failed.filter(isRetryable) };
}

/** "203 failed: 200 over the 100-attachment limit of a work item; 3 TF400898: An Internal Error Occurred." (the first 3 reasons). */
export function failureText(report: FailureReport): string {
  const shown = report.reasons.slice(0, 3).map((r) => `${r.count} ${r.label}`);
  const more = report.reasons.length > 3 ? l10n.t('; {0} other reasons', report.reasons.length - 3) : '';
  return l10n.t('{0} failed: {1}', report.failed, shown.join('; ')) + more;
}
