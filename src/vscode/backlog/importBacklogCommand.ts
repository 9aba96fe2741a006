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
    const pick = await vscode.window.showWarningMessage('Connect to Azure DevOps before importing a backlog.', 'Connect');
    if (pick) await vscode.commands.executeCommand(Commands.connect);
    return undefined;
  }
  const source = args?.file || args?.ardoq ? await sourceFromArgs(deps, args) : await askSource(deps);
  if (!source) return undefined;
  const overwrite = args ? Boolean(args.overwrite) : await askYesNo('Overwrite earlier imports of this source?',
    'No: add new items, update the ones imported before', 'Yes: delete the work items earlier imports of this source created, then create them again');
  if (overwrite === undefined) return undefined;
  const dryRun = args ? Boolean(args.dryRun) : await askYesNo('Dry run?', 'No: import now', 'Yes: read both sides and report, change nothing');
  if (dryRun === undefined) return undefined;
  if (overwrite && !dryRun && !args && !(await confirmOverwrite(state, source))) return undefined;
  return run(deps, state, source, overwrite, dryRun);
}

async function sourceFromArgs(deps: ImportDeps, args: ImportBacklogArgs): Promise<BacklogSource | undefined> {
  if (args.file) return { kind: 'file', path: args.file };
  const token = await deps.context.secrets.get(ARDOQ_TOKEN_SECRET_KEY);
  if (!args.ardoq || !token) { void vscode.window.showErrorMessage('No Ardoq API token is saved: run the import from the palette to enter one.'); return undefined; }
  return { kind: 'ardoq', ...args.ardoq, token };
}

async function askSource(deps: ImportDeps): Promise<BacklogSource | undefined> {
  const pick = await vscode.window.showQuickPick([
    { label: '$(cloud) Ardoq API', description: 'organization URL, workspace id and an API token', id: 'ardoq' as const },
    { label: '$(json) Exported JSON file', description: 'components exported from Ardoq', id: 'file' as const },
  ], { title: 'Import Backlog from Ardoq: source', placeHolder: 'Where do the epics, features and user stories come from?', ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick.id === 'file') {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Ardoq export (JSON)': ['json'] }, title: 'Ardoq components export' });
    return files?.[0] ? { kind: 'file', path: files[0].fsPath } : undefined;
  }
  return askArdoq(deps);
}

async function askArdoq(deps: ImportDeps): Promise<BacklogSource | undefined> {
  const last = deps.context.workspaceState.get<{ orgUrl?: string; workspaceId?: string; orgLabel?: string }>(LAST_ARDOQ) ?? {};
  const orgUrl = await vscode.window.showInputBox({ title: 'Ardoq organization URL', value: last.orgUrl, placeHolder: 'https://yourorg.ardoq.com',
    ignoreFocusOut: true, validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http(s) URL, e.g. https://yourorg.ardoq.com') });
  if (!orgUrl) return undefined;
  const workspaceId = await vscode.window.showInputBox({ title: 'Ardoq workspace id', value: last.workspaceId, ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'The id of the workspace holding the backlog') });
  if (!workspaceId) return undefined;
  const orgLabel = await vscode.window.showInputBox({ title: 'Ardoq organization label (X-org)', value: last.orgLabel, ignoreFocusOut: true,
    prompt: 'Needed on the shared host app.ardoq.com; leave empty for your own subdomain' });
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
    const pick = await vscode.window.showQuickPick(['Use the saved Ardoq token', 'Enter a new token'], { title: 'Ardoq API token', ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.startsWith('Use')) return saved;
  }
  const token = await vscode.window.showInputBox({ title: 'Ardoq API token', password: true, ignoreFocusOut: true,
    prompt: 'Stored in VS Code SecretStorage, never in settings', validateInput: (v) => (v.trim() ? undefined : 'The token is empty') });
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
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Finding earlier imported work items…' }, async () => {
    const loaded = await loadSource(source);
    const imported = await findImportedItems(state.client, loaded.sourceKey);
    return { sourceKey: loaded.sourceKey, ids: imported.ids };
  });
  const answer = await vscode.window.showWarningMessage('Overwrite earlier imports?', {
    modal: true,
    detail: overwriteWarning({ ...found, project: state.client.project, tag: sourceTag(found.sourceKey) }),
  }, 'Delete and Import');
  return answer === 'Delete and Import';
}

async function run(deps: ImportDeps, state: ConnectionState, source: BacklogSource, overwrite: boolean, dryRun: boolean): Promise<BacklogImportSummary> {
  const store = dryRun ? undefined : await deps.session.historyStore().catch(() => undefined);
  const writable = store && !store.readOnly ? store : undefined;
  if (!dryRun && !writable) void vscode.window.showWarningMessage('This import will not be recorded in Sync History: the sync database is not available (no folder, or in use by another process).');
  const version = String(deps.context.extension.packageJSON.version ?? '0.0.0');
  const title = `${dryRun ? 'Dry run: ' : ''}Importing backlog into ${state.client.project}`;
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
  const buttons = summary.historyId !== undefined ? ['Show Sync History'] : [];
  void show(text, ...buttons).then((pick) => (pick ? vscode.commands.executeCommand(Commands.showHistory) : undefined));
}
