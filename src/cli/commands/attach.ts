// `ado-sync attach <file...> --work-item <id>`: the seed's POST /api/sync/upload (and link):
// upload the files, de-duplicated by content, and link them to the work item; --no-link only
// uploads.
import { attachAnswer } from '../../core/answers/attachments';
import type { RunSummary } from '../../core/sync/engineApi';
import { workItemOption } from '../args';
import type { Command } from '../command';
import { finishRun, runHuman, withEngine } from '../engineSession';
import { CliError } from '../exitCodes';
import { expandFileArguments } from '../fileArguments';
import { showTransferProgress } from '../progress';
import { optionText } from '../session';

/** After an upload without link: the URLs to pass to `ado-sync link --url`. */
function linkHint(s: RunSummary): string {
  const urls = s.items.flatMap((i) => (i.attachmentUrl ? [`  ${i.attachmentUrl}`] : []));
  return urls.length ? `\n\nNot linked yet; link with "ado-sync link --work-item <id> --url <url>":\n${urls.join('\n')}` : '';
}

/**
 * Every file must exist, and every pattern match, before anything is sent: a typo should not
 * leave half a batch attached.
 */
async function checkFiles(cwd: string, args: readonly string[]): Promise<string[]> {
  if (args.length === 0) throw new CliError('give at least one file to attach.');
  const { files, problems } = await expandFileArguments(cwd, args);
  if (problems.length) throw new CliError(`${problems.join('; ')}. Nothing was uploaded.`);
  return files;
}

export const attachCommand: Command = {
  name: 'attach',
  summary: 'Upload files and link them to a work item (content already in Azure DevOps is linked, not sent again).',
  usage: `<file or pattern...> --work-item <id> [--comment <text>] [--no-link]

  a pattern such as *.pdf or logs/**/*.log is expanded here when no shell did it (cmd, PowerShell)

  --work-item <id>     the work item to attach to
  --comment <text>     the relation comment (the content's [sha256:...] marker is appended)
  --no-link            upload only; print the attachment URL for "ado-sync link"`,
  options: {
    'work-item': { type: 'string' },
    comment: { type: 'string' },
    'no-link': { type: 'boolean', default: false },
  },
  async run(context) {
    const { values, output } = context;
    const workItemId = workItemOption(values);
    const files = await checkFiles(context.cwd, context.positionals);
    const link = values['no-link'] !== true;
    return withEngine(context, async ({ engine }) => {
      const stop = showTransferProgress(output, engine.events);
      let summary: RunSummary;
      try {
        summary = await engine.attach({ files, workItemId, comment: optionText(values, 'comment'), link, trigger: 'attach', signal: context.signal });
      } finally {
        stop();
      }
      // Transfers finish in any order; answer in the order the files were given.
      const order = new Map(files.map((file, i) => [file, i]));
      summary = { ...summary, items: [...summary.items].sort((a, b) => (order.get(a.localPath ?? '') ?? files.length) - (order.get(b.localPath ?? '') ?? files.length)) };
      output.result(
        attachAnswer(summary, link),
        () => runHuman(link ? 'Attach' : 'Upload', summary) + (link ? '' : linkHint(summary)),
      );
      return finishRun(output, summary);
    });
  },
};
