// Words of the backlog import UI (vscode-free, unit-tested): per-event progress lines, the
// overwrite confirmation, and the closing summary.
import type { BacklogImportSummary, BacklogKind, BacklogProgressEvent } from '../../core/backlog';

const KIND_NAME: Record<BacklogKind, string> = { epic: 'Epic', feature: 'Feature', user_story: 'User story' };
const KIND_PLURAL: Record<BacklogKind, string> = { epic: 'epics', feature: 'features', user_story: 'user stories' };

export interface ProgressStep {
  message: string;
  /** Percentage points to add to the notification's bar (items are the unit). */
  increment?: number;
}

/** One notification line per importer event (epic:created, deletion:progress, ...). */
export function progressStep(event: BacklogProgressEvent): ProgressStep | undefined {
  switch (event.type) {
    case 'source:loaded':
      return { message: `${event.components} components read${event.skipped ? ` (${event.skipped} of other types skipped)` : ''}` };
    case 'sync:started':
      return { message: `${event.dryRun ? 'Dry run: ' : ''}${event.total} items to import` };
    case 'deletion:progress':
      return { message: `Overwrite: ${event.deleted}/${event.total} earlier work items deleted` };
    case 'sync:complete': case 'sync:cancelled': case 'sync:error':
      return undefined;
    default: {
      const verb = event.dryRun ? `would be ${event.outcome}` : event.outcome;
      return {
        message: `${event.done}/${event.total} · ${KIND_NAME[event.kind]} "${event.name}" ${verb}${event.error ? `: ${event.error}` : ''}`,
        increment: event.total > 0 ? 100 / event.total : undefined,
      };
    }
  }
}

/** The modal confirmation of an overwrite: exactly which work items go, and what stays. */
export function overwriteWarning(o: { sourceKey: string; project: string; tag: string; ids: readonly number[]; destroy?: boolean }): string {
  const where = o.destroy ? 'destroyed permanently' : 'moved to the recycle bin';
  if (o.ids.length === 0) {
    return `Overwrite: no work item in ${o.project} carries the tag "${o.tag}" of source ${o.sourceKey}, so nothing will be deleted. The import then creates the items.`;
  }
  const shown = o.ids.slice(0, 20).map((id) => `#${id}`).join(', ');
  const more = o.ids.length > 20 ? ` and ${o.ids.length - 20} more` : '';
  return `Overwrite deletes ${o.ids.length} work item${o.ids.length === 1 ? '' : 's'} in ${o.project} that earlier imports of source ${o.sourceKey} created ` +
    `(tagged "${o.tag}"): ${shown}${more}. They are ${where}, with their attachments and links, before the items are created again. ` +
    'Work items without that tag are not touched.';
}

export function summaryMessage(s: BacklogImportSummary): string {
  const would = s.dryRun ? 'would be ' : '';
  const head = s.status === 'completed' ? `Backlog import ${s.dryRun ? 'dry run ' : ''}finished`
    : s.status === 'cancelled' ? 'Backlog import cancelled' : 'Backlog import failed';
  const kinds = (['epic', 'feature', 'user_story'] as const)
    .map((k) => `${KIND_PLURAL[k]} ${s.byKind[k].created} ${would}created${s.byKind[k].failed ? `, ${s.byKind[k].failed} failed` : ''}`).join('; ');
  const parts = [`${head}: ${s.totalItems} items into ${s.project}. ${kinds}.`,
    `${s.updated} ${would}updated, ${s.unchanged} unchanged, ${s.failed} failed.`];
  if (s.overwrite) parts.push(`${s.deletionCount} earlier work items ${would}deleted${s.deletionFailed ? ` (${s.deletionFailed} could not be)` : ''}.`);
  if (s.error && s.status !== 'cancelled') parts.push(s.error);
  return parts.join(' ');
}
