import { fromJson, toJson, type SqlValue } from '../sqlite';
import type { RepoContext } from './context';

export interface AuditRow {
  id: number; actionType: string; entityType: string; entityId: string | null; sourceIp: string | null;
  userAgent: string | null; host: string | null; userName: string | null; clientVersion: string | null;
  details: unknown; createdAt: string;
}

export type NewAudit = Pick<AuditRow, 'actionType' | 'entityType'> &
  Partial<Omit<AuditRow, 'id' | 'actionType' | 'entityType' | 'createdAt'>>;

export type RawAuditRow = Omit<AuditRow, 'details'> & { details: SqlValue };
export const AUDIT_COLS = `id, action_type AS actionType, entity_type AS entityType, entity_id AS entityId, source_ip AS sourceIp,
  user_agent AS userAgent, host, user_name AS userName, client_version AS clientVersion, details, created_at AS createdAt`;

/** audit_logs (seed 002): who did what; pruned by retention. */
export class AuditRepository {
  constructor(private readonly c: RepoContext) {}

  /** createAuditLog */
  log(a: NewAudit): number {
    return this.c.sql.insert(
      `INSERT INTO audit_logs (action_type, entity_type, entity_id, source_ip, user_agent, host, user_name, client_version, details, created_at)
       VALUES (?,?,?,?,?,?,?,?,?,?)`,
      [a.actionType, a.entityType, a.entityId ?? null, a.sourceIp ?? null, a.userAgent ?? null, a.host ?? null, a.userName ?? null,
        a.clientVersion ?? null, toJson(a.details), this.c.now()]);
  }

  forEntity(entityType: string, entityId: string): AuditRow[] {
    return this.c.sql.all<RawAuditRow>(
      `SELECT ${AUDIT_COLS} FROM audit_logs WHERE entity_type = ? AND entity_id = ? ORDER BY id`, [entityType, entityId]).map(decodeAudit);
  }

  recent(limit = 100): AuditRow[] {
    return this.c.sql.all<RawAuditRow>(`SELECT ${AUDIT_COLS} FROM audit_logs ORDER BY id DESC LIMIT ?`, [limit]).map(decodeAudit);
  }

  pruneBefore(cutoffIso: string): number {
    return this.c.sql.run(`DELETE FROM audit_logs WHERE created_at < ?`, [cutoffIso]);
  }
}

export function decodeAudit(r: RawAuditRow): AuditRow {
  return { ...r, details: fromJson(r.details) };
}
