// Composition root of the extension: builds the object graph and registers disposables.
import * as vscode from 'vscode';
import { Commands, LOG_CHANNEL_NAME } from './shared/ids';

export interface AdoSyncApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): AdoSyncApi {
  const log = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  );
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  log.info(`Azure DevOps Attachment Sync ${version} activated`);
  return { version };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
