// `ado-sync delete <guid>`: the seed's DELETE /api/sync/attachments/:attachmentGuid, a soft delete
// of the local record. The attachment stays on the work item and the file stays on disk.
import { deleteAnswer } from '../../core/answers/attachments';
import type { Command } from '../command';
import { withEngine } from '../engineSession';
import { CliError, ExitCode } from '../exitCodes';
import { attachmentIdArg } from './download';

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'Forget an attachment locally (soft delete of its record); Azure DevOps is not changed.',
  usage: '<attachmentGuid>',
  options: {},
  async run(context) {
    const attachmentGuid = attachmentIdArg(context);
    return withEngine(context, async ({ engine }) => {
      if (!(await engine.deleteLocalRecord(attachmentGuid))) throw new CliError(`No local record of attachment ${attachmentGuid}.`, ExitCode.itemFailed);
      const answer = deleteAnswer(attachmentGuid);
      context.output.result(answer, () => `${answer.message} (${attachmentGuid}).`);
      return ExitCode.ok;
    }, { offline: true });
  },
};
