// Reads adoSync.* settings into the core's SyncSettings (the names mirror src/core/settings.ts).
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type SyncSettings } from '../core/settings';
import { SETTINGS_SECTION } from '../shared/ids';

export function readSettings(): SyncSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const read = <K extends keyof SyncSettings>(key: K): SyncSettings[K] => config.get<SyncSettings[K]>(key, DEFAULT_SETTINGS[key]);
  const keys = Object.keys(DEFAULT_SETTINGS) as (keyof SyncSettings)[];
  return Object.fromEntries(keys.map((key) => [key, read(key)])) as unknown as SyncSettings;
}

export async function writeConnectionSettings(orgUrl: string, project: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
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
