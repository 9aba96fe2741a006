// "Import Backlog from Ardoq...": source (Ardoq API with the token in SecretStorage, or an exported
// JSON file), overwrite with a modal confirmation of exactly what goes, dry run; a cancellable
// progress notification fed by the importer's events; the run recorded in the workspace store's
// history (and shown live in an open Sync History view); a closing summary with its counts.
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  ArdoqAuthError, type BacklogImportSummary, type BacklogSource, importBacklog, loadSource, sourceTag, storeBacklogHistory,
} from '../../core/backlog';
import { findImportedItems } from '../../core/backlog/importedItems';
import type { LiveRelay } from '../../core/history/liveRelay';
import { ARDOQ_TOKEN_SECRET_KEY, Commands } from '../../shared/ids';
import type { Connection, ConnectionState } from '../connection';
import type { SyncSession } from '../syncSession';
import { overwriteWarning, progressStep, summaryMessage } from './importText';

/** Arguments for running without prompts (tests, keybindings); the Ardoq token is never an argument. */
export interface ImportBacklogArgs {
  file?: string;
  ardoq?: { orgUrl: string; workspaceId: string; orgLabel?: string };
  overwrite?: boolean;
  dryRun?: boolean;
}

export interface ImportDeps {
  context: vscode.ExtensionContext;
  connection: Connection;
  session: SyncSession;
  relay: LiveRelay;
  log: vscode.LogOutputChannel;
}

const LAST_ARDOQ = 'adoSync.lastArdoqSource';

export function registerImportBacklog(deps: ImportDeps): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.importBacklog, (args?: ImportBacklogArgs) => importBacklogCommand(deps, args));
}

/** Returns the summary (undefined when the user backed out), so tests and callers can read it. */
export async function importBacklogCommand(deps: ImportDeps, args?: ImportBacklogArgs): Promise<BacklogImportSummary | undefined> {
  const state = deps.connection.current;
  if (!state) {
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Connect to Azure DevOps before importing a backlog.'), vscode.l10n.t('Connect'));
    if (pick) await vscode.commands.executeCommand(Commands.connect);
    return undefined;
  }
  const source = args?.file || args?.ardoq ? await sourceFromArgs(deps, args) : await askSource(deps);
  if (!source) return undefined;
  const overwrite = args ? Boolean(args.overwrite) : await askYesNo(vscode.l10n.t('Overwrite earlier imports of this source?'),
    vscode.l10n.t('No: add new items, update the ones imported before'), vscode.l10n.t('Yes: delete the work items earlier imports of this source created, then create them again'));
  if (overwrite === undefined) return undefined;
  const dryRun = args ? Boolean(args.dryRun) : await askYesNo(vscode.l10n.t('Dry run?'), vscode.l10n.t('No: import now'), vscode.l10n.t('Yes: read both sides and report, change nothing'));
  if (dryRun === undefined) return undefined;
  if (overwrite && !dryRun && !args && !(await confirmOverwrite(state, source))) return undefined;
  return run(deps, state, source, overwrite, dryRun);
}

async function sourceFromArgs(deps: ImportDeps, args: ImportBacklogArgs): Promise<BacklogSource | undefined> {
  if (args.file) return { kind: 'file', path: args.file };
  const token = await deps.context.secrets.get(ARDOQ_TOKEN_SECRET_KEY);
  if (!args.ardoq || !token) { void vscode.window.showErrorMessage(vscode.l10n.t('No Ardoq API token is saved: run the import from the palette to enter one.')); return undefined; }
  return { kind: 'ardoq', ...args.ardoq, token };
}

async function askSource(deps: ImportDeps): Promise<BacklogSource | undefined> {
  const pick = await vscode.window.showQuickPick([
    { label: vscode.l10n.t('$(cloud) Ardoq API'), description: vscode.l10n.t('organization URL, workspace id and an API token'), id: 'ardoq' as const },
    { label: vscode.l10n.t('$(json) Exported JSON file'), description: vscode.l10n.t('components exported from Ardoq'), id: 'file' as const },
  ], { title: vscode.l10n.t('Import Backlog from Ardoq: source'), placeHolder: vscode.l10n.t('Where do the epics, features and user stories come from?'), ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick.id === 'file') {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Ardoq export (JSON)')]: ['json'] }, title: vscode.l10n.t('Ardoq components export') });
    return files?.[0] ? { kind: 'file', path: files[0].fsPath } : undefined;
  }
  return askArdoq(deps);
}

async function askArdoq(deps: ImportDeps): Promise<BacklogSource | undefined> {
  const last = deps.context.workspaceState.get<{ orgUrl?: string; workspaceId?: string; orgLabel?: string }>(LAST_ARDOQ) ?? {};
  const orgUrl = await vscode.window.showInputBox({ title: vscode.l10n.t('Ardoq organization URL'), value: last.orgUrl, placeHolder: 'https://yourorg.ardoq.com',
    ignoreFocusOut: true, validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('An http(s) URL, e.g. https://yourorg.ardoq.com')) });
  if (!orgUrl) return undefined;
  const workspaceId = await vscode.window.showInputBox({ title: vscode.l10n.t('Ardoq workspace id'), value: last.workspaceId, ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The id of the workspace holding the backlog')) });
  if (!workspaceId) return undefined;
  const orgLabel = await vscode.window.showInputBox({ title: vscode.l10n.t('Ardoq organization label (X-org)'), value: last.orgLabel, ignoreFocusOut: true,
    prompt: vscode.l10n.t('Needed on the shared host app.ardoq.com; leave empty for your own subdomain') });
  if (orgLabel === undefined) return undefined;
  const token = await askToken(deps);
  if (!token) return undefined;
  // The URL, workspace and label are not secrets; the token lives only in SecretStorage.
  await deps.context.workspaceState.update(LAST_ARDOQ, { orgUrl: orgUrl.trim(), workspaceId: workspaceId.trim(), orgLabel: orgLabel.trim() || undefined });
  return { kind: 'ardoq', orgUrl: orgUrl.trim(), workspaceId: workspaceId.trim(), orgLabel: orgLabel.trim() || undefined, token };
}

async function askToken(deps: ImportDeps): Promise<string | undefined> {
  const saved = await deps.context.secrets.get(ARDOQ_TOKEN_SECRET_KEY);
  if (saved) {
    const useSaved = vscode.l10n.t('Use the saved Ardoq token');
    const pick = await vscode.window.showQuickPick([useSaved, vscode.l10n.t('Enter a new token')], { title: vscode.l10n.t('Ardoq API token'), ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick === useSaved) return saved;
  }
  const token = await vscode.window.showInputBox({ title: vscode.l10n.t('Ardoq API token'), password: true, ignoreFocusOut: true,
    prompt: vscode.l10n.t('Stored in VS Code SecretStorage, never in settings'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The token is empty')) });
  if (!token) return undefined;
  await deps.context.secrets.store(ARDOQ_TOKEN_SECRET_KEY, token.trim());
  return token.trim();
}

// Every prompt of this multi-step flow ignores focus out: a view updating in the background (or
// a click elsewhere) must not silently cancel an import half answered.
async function askYesNo(title: string, no: string, yes: string): Promise<boolean | undefined> {
  const pick = await vscode.window.showQuickPick([{ label: no, value: false }, { label: yes, value: true }], { title, ignoreFocusOut: true });
  return pick?.value;
}

/** Counts what overwrite would delete (the source's tagged work items) and asks, modally. */
async function confirmOverwrite(state: ConnectionState, source: BacklogSource): Promise<boolean> {
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Finding earlier imported work items…') }, async () => {
    const loaded = await loadSource(source);
    const imported = await findImportedItems(state.client, loaded.sourceKey);
    return { sourceKey: loaded.sourceKey, ids: imported.ids };
  });
  const deleteAndImport = vscode.l10n.t('Delete and Import');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Overwrite earlier imports?'), {
    modal: true,
    detail: overwriteWarning({ ...found, project: state.client.project, tag: sourceTag(found.sourceKey) }),
  }, deleteAndImport);
  return answer === deleteAndImport;
}

async function run(deps: ImportDeps, state: ConnectionState, source: BacklogSource, overwrite: boolean, dryRun: boolean): Promise<BacklogImportSummary> {
  const store = dryRun ? undefined : await deps.session.historyStore().catch(() => undefined);
  const writable = store && !store.readOnly ? store : undefined;
  if (!dryRun && !writable) void vscode.window.showWarningMessage(vscode.l10n.t('This import will not be recorded in Sync History: the sync database is not available (no folder, or in use by another process).'));
  const version = String(deps.context.extension.packageJSON.version ?? '0.0.0');
  const title = dryRun ? vscode.l10n.t('Dry run: Importing backlog into {0}', state.client.project) : vscode.l10n.t('Importing backlog into {0}', state.client.project);
  const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const off = token.onCancellationRequested(() => abort.abort());
    let historyId: number | undefined;
    try {
      return await importBacklog({
        source, client: state.client, overwrite, dryRun,
        history: writable ? storeBacklogHistory(writable) : undefined,
        origin: { userAgent: `vscode-ado-sync/${version}`, host: os.hostname(), userName: state.identity, clientVersion: version },
        signal: abort.signal,
        log: (m) => deps.log.warn(m),
        onProgress: (event) => {
          const step = progressStep(event);
          if (step) progress.report(step);
          if (event.type === 'sync:started' && event.historyId !== undefined) { historyId = event.historyId; deps.relay.started(historyId, event.total); }
          if ('outcome' in event && historyId !== undefined) deps.relay.progress(historyId, { done: event.done, total: event.total });
        },
      });
    } finally {
      off.dispose();
      if (historyId !== undefined) deps.relay.finished(historyId);
    }
  });
  await finish(deps, source, summary);
  return summary;
}

async function finish(deps: ImportDeps, source: BacklogSource, summary: BacklogImportSummary): Promise<void> {
  const text = summaryMessage(summary);
  deps.log.info(text);
  if (summary.errorName === ArdoqAuthError.name && source.kind === 'ardoq') await deps.context.secrets.delete(ARDOQ_TOKEN_SECRET_KEY);
  const show = summary.status === 'completed' && summary.failed === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const buttons = summary.historyId !== undefined ? [vscode.l10n.t('Show Sync History')] : [];
  void show(text, ...buttons).then((pick) => (pick ? vscode.commands.executeCommand(Commands.showHistory) : undefined));
}
