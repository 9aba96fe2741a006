// Reads adoSync.* settings into the core's SyncSettings (the names mirror src/core/settings.ts).
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type SyncSettings } from '../core/settings';
import { SETTINGS_SECTION } from '../shared/ids';

/** adoSync.* in scope (the sync folder: its folder settings apply in a multi-root workspace). */
export function readSettings(scope?: vscode.Uri): SyncSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const read = <K extends keyof SyncSettings>(key: K): SyncSettings[K] => config.get<SyncSettings[K]>(key, DEFAULT_SETTINGS[key]);
  const keys = Object.keys(DEFAULT_SETTINGS) as (keyof SyncSettings)[];
  return Object.fromEntries(keys.map((key) => [key, read(key)])) as unknown as SyncSettings;
}

/** The URL and project where they apply: the sync folder of a multi-root workspace, the workspace, or (no folder) the user. */
export async function writeConnectionSettings(orgUrl: string, project: string, scope?: vscode.Uri): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const folders = vscode.workspace.workspaceFolders?.length ?? 0;
  const target = folders > 1 && scope ? vscode.ConfigurationTarget.WorkspaceFolder
    : folders > 0 ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('orgUrl', orgUrl, target);
  await config.update('project', project, target);
}

/** adoSync.workItemQuery: WIQL of the tree's "Query" group; empty hides the group. */
export function readWorkItemQuery(): string {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('workItemQuery', '').trim();
}

/** adoSync.tenant: Microsoft Entra tenant (id or domain) for Microsoft sign-in; empty = the account's default. */
export function readTenant(): string {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('tenant', '').trim();
}
