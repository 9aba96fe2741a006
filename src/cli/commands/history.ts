// `ado-sync history`: sync runs, newest first, in keyset pages (stable while runs are added);
// the next page is asked for with the printed cursor.
import {
  HISTORY_DEFAULT_LIMIT, HISTORY_KINDS, HISTORY_MAX_LIMIT, HISTORY_STATUSES, HISTORY_TRIGGERS, HistoryQueryError, parseHistoryQuery,
  type HistoryQuery, type HistoryQueryField, type HistoryQueryText,
} from '../../core/answers/historyQuery';
import { StoreError, type SyncHistoryRow } from '../../core/store';
import type { Command, OptionValues } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { optionText, withReadStore } from '../session';
import { table } from '../table';

const CLI_NAMES: Record<HistoryQueryField, string> = {
  status: 'status', kind: 'kind', trigger: 'trigger', workItemId: 'work-item', from: 'from', to: 'to', text: 'text', limit: 'limit',
};

/** The options as the filter and page size that `GET /api/sync-history` also takes (one validation, in core/answers). */
function historyQuery(values: OptionValues): HistoryQuery {
  const text = Object.fromEntries(Object.entries(CLI_NAMES).map(([field, option]) => [field, optionText(values, option)])) as HistoryQueryText;
  try {
    return parseHistoryQuery(text, (field) => `--${CLI_NAMES[field]}`);
  } catch (error) {
    if (error instanceof HistoryQueryError) throw new CliError(`${error.message}.`);
    throw error;
  }
}

function counts(r: SyncHistoryRow): string {
  if (r.kind === 'backlog_import') return `${r.itemsCreated} created, ${r.itemsFailed} failed`;
  const parts = [`${r.uploaded} up`, `${r.linked} linked`, `${r.downloaded} down`];
  if (r.skippedDuplicate) parts.push(`${r.skippedDuplicate} dup`);
  parts.push(`${r.itemsFailed} failed`);
  return parts.join(', ');
}

function historyHuman(rows: SyncHistoryRow[], total: number, nextCursor: string | null): string {
  if (rows.length === 0) return total === 0 ? 'No sync runs match.' : 'No more runs.';
  const lines = [table(['RUN', 'STARTED', 'KIND', 'TRIGGER', 'STATUS', 'ITEMS', 'WORK ITEM', 'MS', 'ERROR'], rows.map((r) => [
    String(r.id), r.startedAt, r.kind, r.trigger, r.status, counts(r), r.workItemId === null ? '' : String(r.workItemId), r.durationMs === null ? '' : String(r.durationMs), r.errorMessage ?? '',
  ]))];
  lines.push('', `${rows.length} of ${total} run(s).${nextCursor ? ` Next page: --cursor ${nextCursor}` : ''}`);
  return lines.join('\n');
}

export const historyCommand: Command = {
  name: 'history',
  summary: 'List sync runs, newest first, with filters; pages continue with --cursor.',
  usage: `[options]

  --status <s[,s]>     ${HISTORY_STATUSES.join(', ')}
  --kind <k>           ${HISTORY_KINDS.join(', ')}
  --trigger <t>        ${HISTORY_TRIGGERS.join(', ')}
  --work-item <id>     runs of one work item
  --from <date>        started on or after (2026-11-25 or an ISO time)
  --to <date>          started on or before (a bare date includes that whole day, UTC)
  --text <q>           in item names and error messages
  --limit <n>          runs per page (default ${HISTORY_DEFAULT_LIMIT}, at most ${HISTORY_MAX_LIMIT})
  --cursor <c>         the next page, as printed by the previous one`,
  options: {
    status: { type: 'string' },
    kind: { type: 'string' },
    trigger: { type: 'string' },
    'work-item': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    text: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  async run(context) {
    const { filter, limit } = historyQuery(context.values);
    const cursor = optionText(context.values, 'cursor');
    return withReadStore(context, async ({ db }) => {
      let page;
      try {
        page = await db.history.page(filter, limit, cursor);
      } catch (error) {
        if (error instanceof StoreError) throw new CliError(`${error.message}: pass the cursor exactly as the previous page printed it.`);
        throw error;
      }
      const { rows, total, nextCursor } = page;
      context.output.result({ success: true, data: rows, pagination: { total, limit, nextCursor } }, () => historyHuman(rows, total, nextCursor));
      return ExitCode.ok;
    });
  },
};
