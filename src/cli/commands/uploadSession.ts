// `ado-sync upload-session <uuid>`: the seed's GET /api/sync/upload-session/:sessionUuid, the
// progress of a chunked (resumable) upload.
import { UPLOAD_SESSION_TTL_MS, type UploadSessionRow } from '../../core/store';
import { UploadJournal, type JournalEntry } from '../../core/sync/uploadJournal';
import { onePositional } from '../args';
import type { Command } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { progressBar } from '../progress';
import { withReadStore } from '../session';

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

function sessionHuman(s: ReturnType<typeof sessionJson>): string {
  return [
    `Upload session ${s.sessionUuid}: ${s.fileName} for work item ${s.workItemId}, ${s.status}.`,
    `${progressBar(s.chunksReceived, s.totalChunks)} ${s.progress} chunks (${s.percentComplete}%), ${formatBytes(s.bytesReceived)} of ${formatBytes(s.totalSize)}.`,
    `Expires ${s.expiresAt}.`,
  ].join('\n');
}

export const uploadSessionCommand: Command = {
  name: 'upload-session',
  summary: 'Show the progress of a chunked upload session.',
  usage: '<sessionUuid>',
  options: {},
  async run(context) {
    const uuid = onePositional(context.positionals, 'session id').toLowerCase();
    return withReadStore(context, async ({ store }) => {
      // An upload in flight (or of a process that died) has its progress in the journal, newer than the database.
      const session = fromJournal(new UploadJournal(`${store.path}.uploads`).read(uuid)) ?? store.uploadSessions.get(uuid);
      if (!session) throw new CliError(`No upload session ${uuid} in the state database.`, ExitCode.itemFailed);
      const answer = sessionJson(session);
      context.output.result(answer, () => sessionHuman(answer));
      return ExitCode.ok;
    });
  },
};
