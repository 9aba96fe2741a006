// `ado-sync dedup <sha256|file>`: the seed's GET /api/sync/deduplication/:sha256. Is this content
// already in Azure DevOps? A file is hashed streaming, whatever its size.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../../core/ado';
import { dedupAnswer, type DedupAnswer } from '../../core/answers/dedup';
import { onePositional } from '../args';
import type { Command, CommandContext } from '../command';
import { CliError, ExitCode } from '../exitCodes';
import { withReadStore } from '../session';

const SHA256 = /^[0-9a-f]{64}$/i;

/** The digest given, or the file's. Anything else is a usage error naming what was expected. */
async function digestOf(context: CommandContext, arg: string): Promise<{ sha256: string; file?: string }> {
  if (SHA256.test(arg)) return { sha256: arg.toLowerCase() };
  const file = path.resolve(context.cwd, arg);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliError(`"${arg}" is neither a SHA-256 (64 hex digits) nor a file that exists.`);
  return { sha256: (await sha256OfFile(file, context.signal)).sha256, file: arg };
}

function dedupHuman(a: DedupAnswer): string {
  const what = a.file ? `${a.file} (sha256 ${a.sha256})` : `sha256 ${a.sha256}`;
  if (!a.attachment) return `Not a duplicate: ${what} is not in Azure DevOps yet.`;
  const others = a.workItems.filter((id) => id !== a.attachment?.work_item_id);
  return `Duplicate: ${what} is already attachment ${a.attachment.attachment_guid} ("${a.attachment.file_name ?? '?'}") on work item ${a.attachment.work_item_id}${others.length ? `, also on ${others.join(', ')}` : ''}.`;
}

export const dedupCommand: Command = {
  name: 'dedup',
  summary: 'Tell whether content (a SHA-256, or a file to hash) is already uploaded to Azure DevOps.',
  usage: '<sha256|file>',
  options: {},
  async run(context) {
    const { sha256, file } = await digestOf(context, onePositional(context.positionals, 'SHA-256 or file'));
    return withReadStore(context, async ({ db }) => {
      const answer = await dedupAnswer(db, sha256, file);
      context.output.result(answer, () => dedupHuman(answer));
      return ExitCode.ok;
    });
  },
};
