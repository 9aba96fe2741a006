// Pure formatting of history rows for the view (no DOM), so node unit tests cover it.
import type { SyncHistoryRow, SyncHistoryStatus } from '../core/store/repositories/history';
import { formatBytes } from '../shared/format';

export const STATUSES: SyncHistoryStatus[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
export const STATUS_ICON: Record<SyncHistoryStatus, string> = {
  pending: 'circle-outline', in_progress: 'sync', completed: 'pass', failed: 'error', cancelled: 'circle-slash',
};

/** "1 run", "2 runs". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A run's status for people: the stored status stays as recorded (seed 002's values); a run that
 * moved files but had some fail reads "completed with 1 failure", not "failed".
 */
export function statusWords(r: SyncHistoryRow): string {
  const moved = r.uploaded + r.linked + r.downloaded + r.skippedDuplicate + r.deleted + (r.itemsCreated ?? 0);
  if ((r.status === 'completed' || r.status === 'failed') && r.itemsFailed > 0 && (r.status === 'completed' || moved > 0)) {
    return `completed with ${plural(r.itemsFailed, 'failure')}`;
  }
  return r.status.replace('_', ' ');
}

/** Sizes as the CLI and the tree show them. */
export const fmtBytes = formatBytes;

export const fmtDuration = (ms: number | null): string =>
  ms === null ? '' : ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/** Counter columns of the runs table, shared by both kinds of run. */
export const RUN_COLUMNS = ['Uploaded', 'Linked', 'Downloaded', 'Skipped (dup)', 'Created', 'Failed', 'Deleted'] as const;

const NA = '–';

/**
 * One cell per RUN_COLUMNS entry. Attachment syncs have no "created"; backlog imports create work
 * items, and their "deleted" is the overwrite's deletion_count.
 */
export function runCounterCells(r: SyncHistoryRow): { title: string; text: string }[] {
  const values = r.kind === 'backlog_import'
    ? [NA, NA, NA, NA, String(r.itemsCreated), String(r.itemsFailed), String(r.deletionCount)]
    : [String(r.uploaded), String(r.linked), String(r.downloaded), String(r.skippedDuplicate), NA, String(r.itemsFailed), String(r.deleted)];
  return RUN_COLUMNS.map((title, i) => ({ title, text: values[i] }));
}

/** The per-type counters of a backlog import, for its detail. */
export function backlogCounters(r: SyncHistoryRow): (readonly [string, string])[] {
  return [
    ['Items', String(r.totalItems)],
    ['Epics created', String(r.epicsCreated)], ['Epics failed', String(r.epicsFailed)],
    ['Features created', String(r.featuresCreated)], ['Features failed', String(r.featuresFailed)],
    ['User stories created', String(r.userStoriesCreated)], ['User stories failed', String(r.userStoriesFailed)],
    ['Deleted (overwrite)', String(r.deletionCount)],
  ];
}
