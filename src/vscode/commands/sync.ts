// Track / Untrack Work Item, Force Sync Work Item, Sync All.
import * as vscode from 'vscode';
import type { RunSummary } from '../../core/sync/engineApi';
import { Commands } from '../../shared/ids';
import type { CommandDeps } from './deps';
import { reportRun, showFailure, withTransferProgress } from './progress';
import { workItemTarget } from './targets';

export function registerSyncCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.trackWorkItem, (arg?: unknown) => track(deps, arg)),
    vscode.commands.registerCommand(Commands.untrackWorkItem, (arg?: unknown) => untrack(deps, arg)),
    vscode.commands.registerCommand(Commands.syncWorkItem, (arg?: unknown) => syncWorkItem(deps, arg)),
    vscode.commands.registerCommand(Commands.syncAll, () => syncAll(deps)),
  ];
}

async function track(deps: CommandDeps, arg: unknown): Promise<number | undefined> {
  const target = await workItemTarget(deps, arg, vscode.l10n.t('Track work item (sync its attachments both ways)'));
  const engine = target && (await deps.sync.requireEngine());
  if (!target || !engine) return undefined;
  try {
    // The engine checks that the work item exists and is readable before it records it.
    await engine.track([target.id]);
  } catch (error) {
    return showFailure(deps.log, vscode.l10n.t('Tracking work item {0}', target.id), error);
  }
  deps.log.info(`Tracking work item ${target.id}: its attachments sync both ways`);
  deps.refresh();
  return target.id;
}

async function untrack(deps: CommandDeps, arg: unknown): Promise<number | undefined> {
  const target = await workItemTarget(deps, arg, vscode.l10n.t('Stop tracking work item'));
  const engine = target && (await deps.sync.requireEngine());
  if (!target || !engine) return undefined;
  // Files already downloaded stay where they are: untracking only stops the syncing.
  await engine.untrack([target.id]);
  deps.log.info(`No longer tracking work item ${target.id}; its downloaded files stay`);
  deps.refresh();
  return target.id;
}

async function syncWorkItem(deps: CommandDeps, arg: unknown): Promise<RunSummary | undefined> {
  const target = await workItemTarget(deps, arg, vscode.l10n.t('Force sync work item'));
  if (!target) return undefined;
  return runSync(deps, [target.id], vscode.l10n.t('Sync of work item {0}', target.id));
}

function syncAll(deps: CommandDeps): Promise<RunSummary | undefined> {
  return runSync(deps, undefined, vscode.l10n.t('Sync of tracked work items'));
}

async function runSync(deps: CommandDeps, workItemIds: number[] | undefined, what: string, force = false): Promise<RunSummary | undefined> {
  const engine = await deps.sync.requireEngine();
  if (!engine) return undefined;
  let summary: RunSummary;
  try {
    summary = await withTransferProgress(deps, `${what}…`, { workItemIds }, (signal) => engine.sync({ workItemIds, trigger: 'manual', force, signal }));
  } catch (error) {
    return showFailure(deps.log, what, error);
  } finally {
    deps.refresh();
  }
  const blocked = summary.items.filter((i) => i.status === 'blocked');
  if (blocked.length > 0 && !force) return confirmBrake(deps, blocked.map((b) => b.workItemId), blocked.map((b) => b.error?.message ?? '').join('\n'), what, summary);
  void reportRun(summary, what, () => runSync(deps, workItemIds, what));
  return summary;
}

/**
 * The max-delete brake stopped these work items (many attachments gone from ADO at once): the user
 * decides, with the counts in front of them. Going on only marks records; local files always stay.
 */
async function confirmBrake(deps: CommandDeps, ids: number[], detail: string, what: string, summary: RunSummary): Promise<RunSummary | undefined> {
  const go = vscode.l10n.t('Mark as Removed');
  const pick = await vscode.window.showWarningMessage(
    ids.length === 1
      ? vscode.l10n.t('Many attachments disappeared from work item {0} in Azure DevOps at once.', ids[0])
      : vscode.l10n.t('Many attachments disappeared from {0} work items in Azure DevOps at once.', ids.length),
    { modal: true, detail: `${detail}\n\n${ids.length === 1
      ? vscode.l10n.t('Marking them removed keeps every local file. Cancel leaves the work item paused until you sync again.')
      : vscode.l10n.t('Marking them removed keeps every local file. Cancel leaves the work items paused until you sync again.')}` },
    go);
  if (pick !== go) return summary;
  return runSync(deps, ids, what, true);
}
