// `ado-sync untrack <id...>`: stop syncing work items. Their files and records stay.
import { workItemIds } from '../args';
import type { Command } from '../command';
import { withEngine } from '../engineSession';
import { ExitCode } from '../exitCodes';
import { trackedAnswer } from './track';

export const untrackCommand: Command = {
  name: 'untrack',
  summary: 'Stop tracking work items (their local files and records are kept).',
  usage: '<workItemId...>',
  options: {},
  async run(context) {
    const ids = workItemIds(context.positionals, 'work item id');
    return withEngine(context, async ({ engine }) => {
      await engine.untrack(ids);
      const { result, human } = trackedAnswer(`No longer tracking work item(s) ${ids.join(', ')}`, engine.trackedIds());
      context.output.result(result, human);
      return ExitCode.ok;
    }, { offline: true });
  },
};
