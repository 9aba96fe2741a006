// Copy Diagnostics: versions and settings (the PAT lives in SecretStorage, never here).
import * as vscode from 'vscode';
import { Commands } from '../shared/ids';
import type { Connection } from './connection';
import { redact } from './redact';
import { readSettings } from './settings';

export function registerDiagnostics(context: vscode.ExtensionContext, connection: Connection): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.copyDiagnostics, async () => {
    const report = {
      extension: String(context.extension.packageJSON.version ?? ''),
      vscode: vscode.version,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      connected: connection.current !== undefined,
      apiVersion: connection.current?.client.apiVersion ?? null,
      settings: readSettings(),
    };
    const text = redact(JSON.stringify(report, null, 2));
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(vscode.l10n.t('Azure DevOps Attachment Sync diagnostics copied to the clipboard.'));
    return text;
  });
}
