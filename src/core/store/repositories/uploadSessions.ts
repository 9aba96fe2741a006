import type { RepoContext } from './context';

export type UploadSessionStatus = 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'EXPIRED';

export interface UploadSessionRow {
  sessionUuid: string; workItemId: number; filePath: string; fileName: string; totalSize: number;
  chunkSize: number; totalChunks: number; chunksReceived: number; nextByte: number; sha256: string | null;
  /** SHA-256 of bytes [0, nextByte): what a resume checks the file against. */
  sentSha256: string | null;
  adoUploadId: string | null; adoUploadUrl: string | null; status: UploadSessionStatus;
  createdAt: string; updatedAt: string; expiresAt: string;
}

export interface NewUploadSession {
  sessionUuid: string; workItemId: number; filePath: string; fileName: string; totalSize: number;
  chunkSize: number; sha256?: string | null; adoUploadId?: string | null; adoUploadUrl?: string | null;
}

/** Sessions live 24 h: a resumed upload after that starts over. */
export const UPLOAD_SESSION_TTL_MS = 24 * 3600_000;

export const UPLOAD_SESSION_COLS = `session_uuid AS sessionUuid, work_item_id AS workItemId, file_path AS filePath, file_name AS fileName,
  total_size AS totalSize, chunk_size AS chunkSize, total_chunks AS totalChunks, chunks_received AS chunksReceived,
  next_byte AS nextByte, sha256, sent_sha256 AS sentSha256, ado_upload_id AS adoUploadId, ado_upload_url AS adoUploadUrl, status,
  created_at AS createdAt, updated_at AS updatedAt, expires_at AS expiresAt`;

/** chunked_upload_sessions: resumable chunked uploads. */
export class UploadSessionRepository {
  constructor(private readonly c: RepoContext) {}

  create(s: NewUploadSession): UploadSessionRow {
    const t = this.c.now();
    const expires = new Date(Date.parse(t) + UPLOAD_SESSION_TTL_MS).toISOString();
    const totalChunks = Math.max(1, Math.ceil(s.totalSize / s.chunkSize));
    this.c.sql.run(
      `INSERT INTO chunked_upload_sessions (session_uuid, work_item_id, file_path, file_name, total_size, chunk_size,
        total_chunks, sha256, ado_upload_id, ado_upload_url, created_at, updated_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      [s.sessionUuid, s.workItemId, s.filePath, s.fileName, s.totalSize, s.chunkSize, totalChunks, s.sha256 ?? null,
        s.adoUploadId ?? null, s.adoUploadUrl ?? null, t, t, expires]);
    return this.get(s.sessionUuid)!;
  }

  get(sessionUuid: string): UploadSessionRow | undefined {
    return this.c.sql.get<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE session_uuid = ?`, [sessionUuid]);
  }

  /** An unexpired ACTIVE session for the same file and content, to resume. */
  findResumable(workItemId: number, filePath: string, sha256: string): UploadSessionRow | undefined {
    return this.c.sql.get<UploadSessionRow>(
      `SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE work_item_id = ? AND file_path = ? AND sha256 = ?
        AND status = 'ACTIVE' AND expires_at > ? ORDER BY created_at DESC LIMIT 1`, [workItemId, filePath, sha256, this.c.now()]);
  }

  /** ACTIVE sessions, newest first (for status views and the crash test). */
  active(workItemId?: number): UploadSessionRow[] {
    return workItemId === undefined
      ? this.c.sql.all<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE status = 'ACTIVE' ORDER BY created_at DESC`)
      : this.c.sql.all<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE status = 'ACTIVE' AND work_item_id = ? ORDER BY created_at DESC`, [workItemId]);
  }

  /** One chunk accepted: single counter UPDATE. */
  recordChunk(sessionUuid: string, nextByte: number, sentSha256: string | null = null): void {
    this.c.sql.run(
      `UPDATE chunked_upload_sessions SET chunks_received = chunks_received + 1, next_byte = ?, sent_sha256 = COALESCE(?, sent_sha256),
        updated_at = ? WHERE session_uuid = ?`,
      [nextByte, sentSha256, this.c.now(), sessionUuid]);
  }

  /** The progress a journal kept while the upload ran (one write instead of one per chunk). */
  setProgress(sessionUuid: string, nextByte: number, sentSha256: string, status: UploadSessionStatus): void {
    this.c.sql.run(
      `UPDATE chunked_upload_sessions SET chunks_received = MIN(total_chunks, (CAST(? AS INTEGER) + chunk_size - 1) / chunk_size), next_byte = ?, sent_sha256 = ?,
        status = ?, updated_at = ? WHERE session_uuid = ?`,
      [nextByte, nextByte, sentSha256, status, this.c.now(), sessionUuid]);
  }

  setStatus(sessionUuid: string, status: UploadSessionStatus): void {
    this.c.sql.run(`UPDATE chunked_upload_sessions SET status = ?, updated_at = ? WHERE session_uuid = ?`, [status, this.c.now(), sessionUuid]);
  }

  /** Marks ACTIVE sessions past expires_at as EXPIRED; returns how many. */
  expireStale(): number {
    const t = this.c.now();
    return this.c.sql.run(
      `UPDATE chunked_upload_sessions SET status = 'EXPIRED', updated_at = ? WHERE status = 'ACTIVE' AND expires_at <= ?`, [t, t]);
  }
}
