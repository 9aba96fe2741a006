// The sync-history filters as `ado-sync history` (options) and GET /api/sync-history (query) take
// them: one validation for both, each naming the field the way its caller spells it.
import { didYouMean } from '../../shared/didYouMean';
import type { HistoryFilter, SyncHistoryKind, SyncHistoryStatus, SyncTrigger } from '../store';

export const HISTORY_STATUSES: readonly SyncHistoryStatus[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
export const HISTORY_KINDS: readonly SyncHistoryKind[] = ['attachment_sync', 'backlog_import'];
export const HISTORY_TRIGGERS: readonly SyncTrigger[] = ['manual', 'poll', 'webhook', 'attach', 'import'];
export const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 500;
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters as text, as typed; absent ones undefined. */
export interface HistoryQueryText {
  status?: string;
  kind?: string;
  trigger?: string;
  workItemId?: string;
  from?: string;
  to?: string;
  text?: string;
  limit?: string;
}

export type HistoryQueryField = keyof HistoryQueryText;

/** A filter value that cannot be used; the message names the field as the caller's `label` spells it. */
export class HistoryQueryError extends Error {
  override readonly name = 'HistoryQueryError';
  constructor(readonly field: HistoryQueryField, message: string) {
    super(message);
  }
}

export interface HistoryQuery {
  filter: HistoryFilter;
  limit: number;
}

/** How a caller spells a field in its messages: "--work-item" on the command line, "workItemId" in a URL. */
export type FieldLabel = (field: HistoryQueryField) => string;

/** "failed,cancelled": one or several statuses. */
function statuses(raw: string | undefined, label: FieldLabel): SyncHistoryStatus[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !HISTORY_STATUSES.includes(s as SyncHistoryStatus));
  if (bad.length || list.length === 0) {
    throw new HistoryQueryError('status', `${label('status')} must be one or more of ${HISTORY_STATUSES.join(', ')} (comma-separated); got "${raw}"${bad.length ? didYouMean(bad[0], HISTORY_STATUSES) : ''}`);
  }
  return list as SyncHistoryStatus[];
}

function oneOf<T extends string>(raw: string | undefined, field: HistoryQueryField, allowed: readonly T[], label: FieldLabel): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new HistoryQueryError(field, `${label(field)} must be one of ${allowed.join(', ')}; got "${raw}"${didYouMean(raw, allowed)}`);
  return raw as T;
}

function workItem(raw: string | undefined, label: FieldLabel): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const id = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new HistoryQueryError('workItemId', `${label('workItemId')} must be a work item id, a positive whole number; got "${raw}"`);
  return id;
}

/** An ISO bound on started_at; a bare date covers its whole (UTC) day. */
function dateBound(raw: string | undefined, field: 'from' | 'to', label: FieldLabel): string | undefined {
  if (raw === undefined) return undefined;
  if (DAY_ONLY.test(raw) && !Number.isNaN(Date.parse(raw))) return `${raw}T${field === 'from' ? '00:00:00.000' : '23:59:59.999'}Z`;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new HistoryQueryError(field, `${label(field)} must be a date (2026-11-25) or a date and time (2026-11-25T10:00:00Z); got "${raw}"`);
  return new Date(time).toISOString();
}

function pageLimit(raw: string | undefined, label: FieldLabel): number {
  if (raw === undefined) return HISTORY_DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > HISTORY_MAX_LIMIT) throw new HistoryQueryError('limit', `${label('limit')} must be a whole number from 1 to ${HISTORY_MAX_LIMIT}; got "${raw}"`);
  return n;
}

/** The store's filter and the page size; HistoryQueryError for the first value that cannot be used. */
export function parseHistoryQuery(q: HistoryQueryText, label: FieldLabel = (field) => field): HistoryQuery {
  const filter: HistoryFilter = {
    status: statuses(q.status, label),
    kind: oneOf(q.kind, 'kind', HISTORY_KINDS, label),
    trigger: oneOf(q.trigger, 'trigger', HISTORY_TRIGGERS, label),
    workItemId: workItem(q.workItemId, label),
    from: dateBound(q.from, 'from', label),
    to: dateBound(q.to, 'to', label),
    text: q.text,
  };
  const limit = pageLimit(q.limit, label);
  return { filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as HistoryFilter, limit };
}
