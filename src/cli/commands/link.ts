// `ado-sync link --work-item <id> --url <attachmentUrl>`: the seed's POST /api/sync/link-attachment,
// linking an attachment already in Azure DevOps (uploaded with --no-link, or on another item).
import { attachmentIdFromUrl } from '../../core/ado';
import { linkAnswer } from '../../core/answers/attachments';
import { workItemOption } from '../args';
import type { Command } from '../command';
import { finishRun, runHuman, withEngine } from '../engineSession';
import { CliError } from '../exitCodes';
import { optionText } from '../session';

export const linkCommand: Command = {
  name: 'link',
  summary: 'Link an attachment already in Azure DevOps (by URL) to a work item.',
  usage: `--work-item <id> --url <attachmentUrl> [--comment <text>] [--file-name <name>]

  --url <url>          .../_apis/wit/attachments/<guid>, as upload (attach --no-link) printed it
  --file-name <name>   the name shown in Azure DevOps (default: the attachment's own)`,
  options: {
    'work-item': { type: 'string' },
    url: { type: 'string' },
    comment: { type: 'string' },
    'file-name': { type: 'string' },
  },
  async run(context) {
    const { values, output } = context;
    const workItemId = workItemOption(values);
    const url = optionText(values, 'url');
    if (!url) throw new CliError('--url <attachmentUrl> is required.');
    try {
      attachmentIdFromUrl(url);
    } catch (error) {
      throw new CliError(`--url: ${(error as Error).message}; expected .../_apis/wit/attachments/<guid>.`);
    }
    return withEngine(context, async ({ engine }) => {
      const summary = await engine.link(workItemId, url, { comment: optionText(values, 'comment'), fileName: optionText(values, 'file-name'), signal: context.signal });
      output.result(linkAnswer(summary), () => runHuman('Link', summary));
      return finishRun(output, summary);
    });
  },
};
