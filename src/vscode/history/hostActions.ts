// Editor actions of the history view, implemented with the VS Code API.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostActions } from '../../core/history/historyController';

/** `syncFolder`: what relative recorded paths are relative to (the chosen folder of a multi-root workspace). */
export function vscodeHostActions(workItemUrl: (id: number) => string | undefined, syncFolder: () => vscode.Uri | undefined): HostActions {
  return {
    async openWorkItem(id) {
      const url = workItemUrl(id);
      return url ? vscode.env.openExternal(vscode.Uri.parse(url)) : false;
    },
    async revealFile(filePath) {
      const folder = syncFolder();
      if (!folder) return false;
      // Recorded paths are absolute (the engine's localPath) or relative to the workspace folder.
      const uri = path.isAbsolute(filePath) ? vscode.Uri.file(filePath) : vscode.Uri.joinPath(folder, filePath);
      try { await vscode.workspace.fs.stat(uri); } catch { return false; }
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return true;
    },
    async copyText(text) { await vscode.env.clipboard.writeText(text); return true; },
  };
}
