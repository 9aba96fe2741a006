// One status bar item (with an id so users can hide it): not connected or connected; click opens the log.
import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ID } from '../shared/ids';
import type { Connection, ConnectionState } from './connection';

export function createStatusBar(connection: Connection): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10);
  item.name = 'Azure DevOps Attachment Sync';
  const render = (state: ConnectionState | undefined) => {
    if (!state) {
      item.text = '$(cloud) ADO: not connected';
      item.tooltip = 'Azure DevOps Attachment Sync: not connected. Click to connect.';
      item.command = Commands.connect;
    } else {
      item.text = '$(check) ADO: synced';
      item.tooltip = `Connected to ${state.client.org.baseUrl} (${state.client.project}) as ${state.identity}`;
      item.command = Commands.showLog;
    }
  };
  render(connection.current);
  item.show();
  return [item, connection.onDidChange(render)];
}
