// `ado-sync track <id...>`: add work items to the set `sync` (and the extension's polling) keeps
// in sync. Each must exist in the project.
import { workItemIds } from '../args';
import type { Command } from '../command';
import { withEngine } from '../engineSession';
import { ExitCode } from '../exitCodes';

/** The answer of track and untrack: what changed and the whole tracked set after it. */
export function trackedAnswer(message: string, tracked: number[]) {
  return { result: { success: true, message, tracked }, human: () => `${message}. Tracked now: ${tracked.length ? tracked.join(', ') : 'none'}.` };
}

export const trackCommand: Command = {
  name: 'track',
  summary: 'Track work items: sync keeps their attachments in the mirror folder.',
  usage: '<workItemId...>',
  options: {},
  async run(context) {
    const ids = workItemIds(context.positionals, 'work item id');
    return withEngine(context, async ({ engine }) => {
      await engine.track(ids);
      const { result, human } = trackedAnswer(`Tracking work item(s) ${ids.join(', ')}`, engine.trackedIds());
      context.output.result(result, human);
      return ExitCode.ok;
    });
  },
};
