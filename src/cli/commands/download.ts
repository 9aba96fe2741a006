// `ado-sync download <guid> --work-item <id>`: the seed's POST /api/sync/download/:attachmentGuid,
// into the mirror folder (<storage>/<work item>/<file>), never over a different local file.
import path from 'node:path';
import { attachmentIdFromUrl } from '../../core/ado';
import { downloadAnswer } from '../../core/answers/attachments';
import type { ItemOutcome } from '../../core/sync/engineApi';
import { onePositional, workItemOption } from '../args';
import type { CommandContext, Command } from '../command';
import { finishItem, itemsTable, withEngine } from '../engineSession';
import { CliError } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { showTransferProgress } from '../progress';

/** A GUID, or an attachment URL (its GUID is taken). */
export function attachmentIdArg(context: CommandContext): string {
  const raw = onePositional(context.positionals, 'attachment GUID');
  try {
    return attachmentIdFromUrl(raw);
  } catch {
    throw new CliError(`"${raw}" is not an attachment GUID (or attachment URL).`);
  }
}

function downloadHuman(o: ItemOutcome, cwd: string): string {
  const where = o.localPath ? path.relative(cwd, o.localPath) || o.localPath : '';
  if (o.status === 'downloaded') return `Downloaded ${o.fileName}${o.size === undefined ? '' : ` (${formatBytes(o.size)})`} to ${where}.`;
  if (o.status === 'duplicate') return `${where || o.fileName} is already this attachment; nothing downloaded.`;
  if (o.status === 'conflict') return `Saved as ${where}: a different local file had that name and was kept.`;
  return itemsTable([o]);
}

export const downloadCommand: Command = {
  name: 'download',
  summary: "Download one attachment of a work item into the mirror folder.",
  usage: '<attachmentGuid> --work-item <id>',
  options: { 'work-item': { type: 'string' } },
  async run(context) {
    const { output } = context;
    const attachmentId = attachmentIdArg(context);
    const workItemId = workItemOption(context.values);
    return withEngine(context, async ({ engine }) => {
      const stop = showTransferProgress(output, engine.events);
      let outcome: ItemOutcome;
      try {
        outcome = await engine.download(workItemId, attachmentId, { signal: context.signal });
      } finally {
        stop();
      }
      output.result(downloadAnswer(outcome), () => downloadHuman(outcome, context.cwd));
      return finishItem(output, outcome);
    });
  },
};
