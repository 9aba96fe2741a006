// What the extension-host suites share: our extension's API, and files in the e2e window's folder.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AdoSyncApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/shared/ids';

/** Activates the extension (if needed) and returns the API activate() exports. */
export async function adoSyncApi(): Promise<AdoSyncApi> {
  const extension = vscode.extensions.getExtension<AdoSyncApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e window has no folder open');
  return folder.uri.fsPath;
}

export function writeWorkspaceFile(relative: string, content: string | Buffer): string {
  const file = path.join(workspaceRoot(), relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
