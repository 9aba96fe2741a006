// Progress on an interactive stderr: the bar import-backlog draws per work item and the transfer
// line attach, sync and download draw per file from the engine's itemProgress events.
import { AdoError, NetworkError, type RetryNotice } from '../core/ado';
import type { SyncEvents } from '../core/sync/events';
import { formatBytes } from '../shared/format';
import type { CliOutput } from './output';

const BAR_WIDTH = 30;

/** "[#######-----------------------] " for done of total. */
export function progressBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.max(0, Math.round((done / total) * width))) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * Draws the file in flight (its bytes) and how many files are finished. Returns the unsubscribe.
 * Quiet unless stderr is a terminal: pipelines get the result only.
 */
export function showTransferProgress(output: CliOutput, events: SyncEvents): () => void {
  if (!output.interactive) return () => undefined;
  let finished = 0;
  let planned = 0;
  const offs = [
    events.on('runPlanned', (e) => {
      planned = e.totalItems;
    }),
    events.on('itemProgress', (e) => {
      const done = planned ? `, ${finished} of ${planned} done` : finished ? `, ${finished} file(s) done` : '';
      output.progress(`${progressBar(e.bytes, e.total)} ${formatBytes(e.bytes)}/${formatBytes(e.total)} ${e.fileName}${done}`);
    }),
    events.on('itemDone', () => {
      finished += 1;
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** "cannot reach 127.0.0.1:8090 (ECONNREFUSED); retrying (1/5)…": shown from the first failure. */
export function retryLine(notice: RetryNotice): string {
  const { error } = notice;
  const host = error instanceof AdoError && error.url ? new URL(error.url).host : 'the server';
  const reason = error instanceof NetworkError
    ? `cannot reach ${host}${error.code ? ` (${error.code})` : ''}`
    : error instanceof AdoError && error.status !== undefined ? `${host} answered ${error.status}` : `request to ${host} failed`;
  return `${reason}; retrying (${notice.retry}/${notice.maxRetries})…`;
}
