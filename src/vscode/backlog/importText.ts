// Words of the backlog import UI (vscode-free, unit-tested): per-event progress lines, the
// overwrite confirmation, and the closing summary.
import * as l10n from '@vscode/l10n';
import type { BacklogImportSummary, BacklogKind, BacklogProgressEvent } from '../../core/backlog';

// Functions, so the words are looked up in the display language when used, not at load.
const KIND_NAME: Record<BacklogKind, () => string> = { epic: () => l10n.t('Epic'), feature: () => l10n.t('Feature'), user_story: () => l10n.t('User story') };
const KIND_PLURAL: Record<BacklogKind, () => string> = { epic: () => l10n.t('epics'), feature: () => l10n.t('features'), user_story: () => l10n.t('user stories') };

export interface ProgressStep {
  message: string;
  /** Percentage points to add to the notification's bar (items are the unit). */
  increment?: number;
}

/** One notification line per importer event (epic:created, deletion:progress, ...). */
export function progressStep(event: BacklogProgressEvent): ProgressStep | undefined {
  switch (event.type) {
    case 'source:loaded':
      return { message: l10n.t('{0} components read', event.components) + (event.skipped ? l10n.t(' ({0} of other types skipped)', event.skipped) : '') };
    case 'sync:started':
      return { message: event.dryRun ? l10n.t('Dry run: {0} items to import', event.total) : l10n.t('{0} items to import', event.total) };
    case 'deletion:progress':
      return { message: l10n.t('Overwrite: {0}/{1} earlier work items deleted', event.deleted, event.total) };
    case 'sync:complete': case 'sync:cancelled': case 'sync:error':
      return undefined;
    default: {
      const verb = event.dryRun ? l10n.t('would be {0}', event.outcome) : event.outcome;
      return {
        message: `${event.done}/${event.total} · ${KIND_NAME[event.kind]()} "${event.name}" ${verb}${event.error ? `: ${event.error}` : ''}`,
        increment: event.total > 0 ? 100 / event.total : undefined,
      };
    }
  }
}

/** The modal confirmation of an overwrite: exactly which work items go, and what stays. */
export function overwriteWarning(o: { sourceKey: string; project: string; tag: string; ids: readonly number[]; destroy?: boolean }): string {
  const where = o.destroy ? l10n.t('destroyed permanently') : l10n.t('moved to the recycle bin');
  if (o.ids.length === 0) {
    return l10n.t('Overwrite: no work item in {0} carries the tag "{1}" of source {2}, so nothing will be deleted. The import then creates the items.', o.project, o.tag, o.sourceKey);
  }
  const shown = o.ids.slice(0, 20).map((id) => `#${id}`).join(', ');
  const more = o.ids.length > 20 ? l10n.t(' and {0} more', o.ids.length - 20) : '';
  return o.ids.length === 1
    ? l10n.t('Overwrite deletes 1 work item in {0} that earlier imports of source {1} created (tagged "{2}"): {3}. They are {4}, with their attachments and links, before the items are created again. Work items without that tag are not touched.', o.project, o.sourceKey, o.tag, shown + more, where)
    : l10n.t('Overwrite deletes {0} work items in {1} that earlier imports of source {2} created (tagged "{3}"): {4}. They are {5}, with their attachments and links, before the items are created again. Work items without that tag are not touched.', o.ids.length, o.project, o.sourceKey, o.tag, shown + more, where);
}

export function summaryMessage(s: BacklogImportSummary): string {
  const head = s.status === 'completed' ? (s.dryRun ? l10n.t('Backlog import dry run finished') : l10n.t('Backlog import finished'))
    : s.status === 'cancelled' ? l10n.t('Backlog import cancelled') : l10n.t('Backlog import failed');
  const kinds = (['epic', 'feature', 'user_story'] as const)
    .map((k) => (s.dryRun ? l10n.t('{0} {1} would be created', KIND_PLURAL[k](), s.byKind[k].created) : l10n.t('{0} {1} created', KIND_PLURAL[k](), s.byKind[k].created))
      + (s.byKind[k].failed ? l10n.t(', {0} failed', s.byKind[k].failed) : '')).join('; ');
  const parts = [l10n.t('{0}: {1} items into {2}. {3}.', head, s.totalItems, s.project, kinds),
    s.dryRun ? l10n.t('{0} would be updated, {1} unchanged, {2} failed.', s.updated, s.unchanged, s.failed) : l10n.t('{0} updated, {1} unchanged, {2} failed.', s.updated, s.unchanged, s.failed)];
  if (s.overwrite) {
    const deleted = s.dryRun ? l10n.t('{0} earlier work items would be deleted', s.deletionCount) : l10n.t('{0} earlier work items deleted', s.deletionCount);
    parts.push(`${deleted}${s.deletionFailed ? l10n.t(' ({0} could not be)', s.deletionFailed) : ''}.`);
  }
  if (s.error && s.status !== 'cancelled') parts.push(s.error);
  return parts.join(' ');
}
