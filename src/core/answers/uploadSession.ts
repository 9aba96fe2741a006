// The seed's GET /api/sync/upload-session/:sessionUuid answer (and `ado-sync upload-session
// --json`): the progress of a chunked (resumable) upload.
import { UPLOAD_SESSION_TTL_MS, type UploadSessionRow } from '../store';
import type { SyncDb } from '../store/syncDb';
import { UploadJournal, type JournalEntry } from '../sync/uploadJournal';

function fromJournal(e: JournalEntry | undefined): UploadSessionRow | undefined {
  if (!e) return undefined;
  const totalChunks = Math.max(1, Math.ceil(e.totalSize / e.chunkSize));
  return {
    sessionUuid: e.sessionUuid, workItemId: e.workItemId, filePath: e.filePath, fileName: e.fileName, totalSize: e.totalSize, chunkSize: e.chunkSize,
    totalChunks, chunksReceived: Math.min(totalChunks, Math.ceil(e.nextByte / e.chunkSize)), nextByte: e.nextByte, sha256: e.sha256, sentSha256: e.sentSha256,
    adoUploadId: e.uploadId, adoUploadUrl: e.uploadUrl, status: 'ACTIVE', createdAt: e.updatedAt, updatedAt: e.updatedAt,
    expiresAt: new Date(Date.parse(e.updatedAt) + UPLOAD_SESSION_TTL_MS).toISOString(),
  };
}

function sessionJson(s: UploadSessionRow) {
  return {
    sessionUuid: s.sessionUuid,
    workItemId: s.workItemId,
    fileName: s.fileName,
    totalSize: s.totalSize,
    chunkSize: s.chunkSize,
    totalChunks: s.totalChunks,
    chunksReceived: s.chunksReceived,
    progress: `${s.chunksReceived}/${s.totalChunks}`,
    percentComplete: s.totalChunks > 0 ? Math.floor((s.chunksReceived / s.totalChunks) * 100) : 0,
    bytesReceived: s.nextByte,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    expiresAt: s.expiresAt,
  };
}

export type UploadSessionAnswer = ReturnType<typeof sessionJson>;

/** The session's progress; undefined when the database and the journal know no such session. */
export async function uploadSessionAnswer(store: SyncDb, sessionUuid: string): Promise<UploadSessionAnswer | undefined> {
  const uuid = sessionUuid.toLowerCase();
  // An upload in flight (or of a process that died) has its progress in the journal, newer than the database.
  const session = fromJournal(UploadJournal.of(store).read(uuid)) ?? await store.uploadSessions.get(uuid);
  return session ? sessionJson(session) : undefined;
}
