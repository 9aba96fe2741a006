// Steps of the credential and Restricted Mode suites: a cloned repository whose settings name an
// organization, opening a folder in the page's window, and waiting for the restore at activation.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { call } from './harnessCall';
import { pollUntil } from './steps';

/** A cloned repository: its .vscode/settings.json names orgUrl, and it ships the file that activates the extension. */
export function clonedRepository(orgUrl: string, project = 'Demo'): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-cloned-'));
  mkdirSync(path.join(folder, '.vscode'));
  mkdirSync(path.join(folder, '.ado-sync'));
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'adoSync.orgUrl': orgUrl, 'adoSync.project': project }, null, 2));
  writeFileSync(path.join(folder, '.ado-sync', 'state.sqlite'), '');
  writeFileSync(path.join(folder, 'README.md'), '# a repository someone else wrote\n');
  return folder;
}

/** Our extension's connectionStatus(), once the restore at activation has settled on one. */
export async function settledStatus(page: Page, resultsFile: string, expected: string, timeoutMs = 20_000): Promise<string> {
  let last = '';
  await pollUntil(`connection status ${expected}`, timeoutMs, async () => {
    last = String(await call(page, resultsFile, { api: 'connectionStatus' }));
    return last === expected ? true : undefined;
  }, () => `last status: ${last}`, 1_000);
  return last;
}
