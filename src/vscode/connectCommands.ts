// Connect / Sign Out / Test Connection commands: prompts only when the user runs them.
import * as vscode from 'vscode';
import { parseOrgUrl } from '../core/ado';
import { Commands } from '../shared/ids';
import type { Connection, ConnectionState } from './connection';
import { readSettings } from './settings';

export function registerConnectCommands(connection: Connection): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.connect, () => promptAndConnect(connection)),
    vscode.commands.registerCommand(Commands.signOut, () => connection.signOut()),
    vscode.commands.registerCommand(Commands.testConnection, () => testConnection(connection)),
  ];
}

async function promptAndConnect(connection: Connection): Promise<boolean> {
  const settings = readSettings();
  const orgUrl = await vscode.window.showInputBox({
    title: 'Connect to Azure DevOps (1/3)',
    prompt: 'Organization or collection URL',
    placeHolder: 'https://dev.azure.com/your-org',
    value: settings.orgUrl,
    ignoreFocusOut: true,
    validateInput: (value) => (/^https?:\/\/\S+$/.test(value.trim()) ? undefined : 'Enter an http(s) URL'),
  });
  if (!orgUrl) return false;
  const project = await vscode.window.showInputBox({ title: 'Connect to Azure DevOps (2/3)', prompt: 'Project', value: settings.project, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'Enter a project name') });
  if (!project) return false;
  const signIn = await chooseSignIn(connection, orgUrl.trim(), project.trim());
  if (!signIn) return false;
  try {
    const state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Connecting to Azure DevOps…' }, signIn);
    void vscode.window.showInformationMessage(`Connected to ${project.trim()} as ${state.identity}.`);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not connect: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/**
 * Step 3: a PAT, or on Azure DevOps Services a Microsoft sign-in (Entra ID; Server has none).
 * Resolves to the connect call to run under progress, or undefined when the user cancelled.
 */
async function chooseSignIn(connection: Connection, orgUrl: string, project: string): Promise<(() => Promise<ConnectionState>) | undefined> {
  if (isServices(orgUrl)) {
    const method = await vscode.window.showQuickPick(
      [
        { label: 'Microsoft account', description: 'Sign in with Microsoft Entra ID (adoSync.tenant picks the tenant)', method: 'microsoft' as const },
        { label: 'Personal access token', description: 'Work Items: Read & Write; stored in SecretStorage', method: 'pat' as const },
      ],
      { title: 'Connect to Azure DevOps (3/3)', placeHolder: 'How do you want to sign in?', ignoreFocusOut: true },
    );
    if (!method) return undefined;
    if (method.method === 'microsoft') return () => connection.connectWithMicrosoft(orgUrl, project, true);
  }
  const pat = await vscode.window.showInputBox({ title: 'Connect to Azure DevOps (3/3)', prompt: 'Personal access token (Work Items: Read & Write); stored in SecretStorage', password: true, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'Enter a token') });
  return pat ? () => connection.connect(orgUrl, project, pat.trim()) : undefined;
}

function isServices(orgUrl: string): boolean {
  try {
    return parseOrgUrl(orgUrl).kind === 'services';
  } catch {
    return false;
  }
}

async function testConnection(connection: Connection): Promise<boolean> {
  const current = connection.current;
  if (!current) {
    void vscode.window.showWarningMessage('Not connected to Azure DevOps.', 'Connect').then((choice) => choice && vscode.commands.executeCommand(Commands.connect));
    return false;
  }
  try {
    await current.client.whoAmI();
    void vscode.window.showInformationMessage(`Connection OK: ${current.identity}, api-version ${current.client.apiVersion ?? 'auto'}.`);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`Connection failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
