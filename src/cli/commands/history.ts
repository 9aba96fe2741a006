// `ado-sync history`: sync runs, newest first, in keyset pages (stable while runs are added);
// the next page is asked for with the printed cursor.
import { StoreError, type HistoryFilter, type SyncHistoryKind, type SyncHistoryRow, type SyncHistoryStatus, type SyncTrigger } from '../../core/store';
import { oneOfOption, workItemId } from '../args';
import { didYouMean } from '../commandLine';
import type { Command, OptionValues } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { optionText, withReadStore } from '../session';
import { table } from '../table';

const STATUSES: readonly SyncHistoryStatus[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
const KINDS: readonly SyncHistoryKind[] = ['attachment_sync', 'backlog_import'];
const TRIGGERS: readonly SyncTrigger[] = ['manual', 'poll', 'webhook', 'attach', 'import'];
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** "--status failed,cancelled": one or several statuses. */
function statusFilter(values: OptionValues): SyncHistoryStatus[] | undefined {
  const raw = optionText(values, 'status');
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !STATUSES.includes(s as SyncHistoryStatus));
  if (bad.length || list.length === 0) throw new CliError(`--status must be one or more of ${STATUSES.join(', ')} (comma-separated); got "${raw}"${bad.length ? didYouMean(bad[0], STATUSES) : ''}.`);
  return list as SyncHistoryStatus[];
}

/** An ISO bound on started_at; a bare date covers its whole (UTC) day. */
function dateBound(values: OptionValues, name: 'from' | 'to'): string | undefined {
  const raw = optionText(values, name);
  if (raw === undefined) return undefined;
  if (DAY_ONLY.test(raw) && !Number.isNaN(Date.parse(raw))) return `${raw}T${name === 'from' ? '00:00:00.000' : '23:59:59.999'}Z`;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new CliError(`--${name} must be a date (2026-11-25) or a date and time (2026-11-25T10:00:00Z); got "${raw}".`);
  return new Date(time).toISOString();
}

/** --limit (the API's limit): 1 to MAX_LIMIT runs per page. */
export function historyLimit(values: OptionValues): number {
  const raw = optionText(values, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new CliError(`--limit must be a whole number from 1 to ${MAX_LIMIT}; got "${raw}".`);
  return n;
}

export function historyFilter(values: OptionValues): HistoryFilter {
  const workItem = optionText(values, 'work-item');
  const filter: HistoryFilter = {
    status: statusFilter(values),
    kind: oneOfOption(values, 'kind', KINDS),
    trigger: oneOfOption(values, 'trigger', TRIGGERS),
    workItemId: workItem === undefined ? undefined : workItemId(workItem, '--work-item'),
    from: dateBound(values, 'from'),
    to: dateBound(values, 'to'),
    text: optionText(values, 'text'),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as HistoryFilter;
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

  --status <s[,s]>     ${STATUSES.join(', ')}
  --kind <k>           ${KINDS.join(', ')}
  --trigger <t>        ${TRIGGERS.join(', ')}
  --work-item <id>     runs of one work item
  --from <date>        started on or after (2026-11-25 or an ISO time)
  --to <date>          started on or before (a bare date includes that whole day, UTC)
  --text <q>           in item names and error messages
  --limit <n>          runs per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})
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
    const filter = historyFilter(context.values);
    const limit = historyLimit(context.values);
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
