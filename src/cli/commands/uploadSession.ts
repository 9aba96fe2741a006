// `ado-sync upload-session <uuid>`: the seed's GET /api/sync/upload-session/:sessionUuid, the
// progress of a chunked (resumable) upload.
import { uploadSessionAnswer, type UploadSessionAnswer } from '../../core/answers/uploadSession';
import { onePositional } from '../args';
import type { Command } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { progressBar } from '../progress';
import { withReadStore } from '../session';

function sessionHuman(s: UploadSessionAnswer): string {
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
    return withReadStore(context, async ({ db }) => {
      const answer = await uploadSessionAnswer(db, uuid);
      if (!answer) throw new CliError(`No upload session ${uuid} in the state database.`, ExitCode.itemFailed);
      context.output.result(answer, () => sessionHuman(answer));
      return ExitCode.ok;
    });
  },
};
