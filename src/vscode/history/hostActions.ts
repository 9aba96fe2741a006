// Editor actions of the history view, implemented with the VS Code API.
import * as path from 'node:path';
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
      // Recorded paths are absolute (the engine's localPath) or relative to the workspace folder.
      const uri = path.isAbsolute(filePath) ? vscode.Uri.file(filePath) : vscode.Uri.joinPath(folder.uri, filePath);
      try { await vscode.workspace.fs.stat(uri); } catch { return false; }
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return true;
    },
    async copyText(text) { await vscode.env.clipboard.writeText(text); return true; },
  };
}
