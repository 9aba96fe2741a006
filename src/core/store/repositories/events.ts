import { fromJson, toJson, type SqlValue } from '../sqlite';
import type { RepoContext } from './context';

export type EventSeverity = 'INFO' | 'WARN' | 'ERROR';

export interface EventRow {
  id: number; workItemId: number | null; eventType: string; severity: EventSeverity; message: string;
  details: unknown; createdAt: string;
}

export interface NewEvent {
  eventType: string; message: string; severity?: EventSeverity; workItemId?: number | null; details?: unknown;
}

export type RawEventRow = Omit<EventRow, 'details'> & { details: SqlValue };
export const EVENT_COLS = `id, work_item_id AS workItemId, event_type AS eventType, severity, message, details, created_at AS createdAt`;

/** sync_event_log: what happened, for the log view and diagnostics. Pruned by retention. */
export class EventRepository {
  constructor(private readonly c: RepoContext) {}

  log(e: NewEvent): number {
    return this.c.sql.insert(
      `INSERT INTO sync_event_log (work_item_id, event_type, severity, message, details, created_at) VALUES (?,?,?,?,?,?)`,
      [e.workItemId ?? null, e.eventType, e.severity ?? 'INFO', e.message, toJson(e.details), this.c.now()]);
  }

  recent(limit = 100, workItemId?: number): EventRow[] {
    const rows = workItemId === undefined
      ? this.c.sql.all<RawEventRow>(`SELECT ${EVENT_COLS} FROM sync_event_log ORDER BY id DESC LIMIT ?`, [limit])
      : this.c.sql.all<RawEventRow>(`SELECT ${EVENT_COLS} FROM sync_event_log WHERE work_item_id = ? ORDER BY id DESC LIMIT ?`, [workItemId, limit]);
    return rows.map((r) => ({ ...r, details: fromJson(r.details) }));
  }

  pruneBefore(cutoffIso: string): number {
    return this.c.sql.run(`DELETE FROM sync_event_log WHERE created_at < ?`, [cutoffIso]);
  }
}
