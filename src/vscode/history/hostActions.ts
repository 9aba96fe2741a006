// Editor actions of the history view, implemented with the VS Code API.
import * as vscode from 'vscode';
import type { HostActions } from '../../core/history/historyController';

export function vscodeHostActions(workItemUrl: (id: number) => string | undefined): HostActions {
  return {
    async openWorkItem(id) {
      const url = workItemUrl(id);
      return url ? vscode.env.openExternal(vscode.Uri.parse(url)) : false;
    },
    async revealFile(filePath) {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) return false;
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folder.uri, filePath));
      return true;
    },
    async copyText(text) { await vscode.env.clipboard.writeText(text); return true; },
  };
}
