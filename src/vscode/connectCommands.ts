// Connect / Sign Out / Test Connection / Manage Signed-In Organizations: prompts only when the
// user runs them. Connect is the only way credentials reach an organization.
import * as vscode from 'vscode';
import { parseOrgUrl } from '../core/ado';
import { Commands } from '../shared/ids';
import { hostOf, RestrictedModeError, type Connection, type ConnectionState } from './connection';
import type { StoredOrganization } from './connectionSecrets';
import { errorMessage } from '../core/errorMessage';

/** Manage Signed-In Organizations without prompts (tests, automation): forget this one. */
export interface ManageOrganizationsArgs {
  forget?: string;
}

export function registerConnectCommands(connection: Connection): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.connect, () => promptAndConnect(connection)),
    vscode.commands.registerCommand(Commands.signOut, () => connection.signOut()),
    vscode.commands.registerCommand(Commands.testConnection, () => testConnection(connection)),
    vscode.commands.registerCommand(Commands.manageOrganizations, (args?: ManageOrganizationsArgs) => manageOrganizations(connection, args)),
  ];
}

async function promptAndConnect(connection: Connection): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('ADO Sync does not connect in Restricted Mode: a workspace you have not trusted could name where your credentials go.'), vscode.l10n.t('Manage Workspace Trust'))
      .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }
  const settings = connection.settings();
  const named = settings.orgUrl.trim();
  const orgUrl = await vscode.window.showInputBox({
    title: named ? vscode.l10n.t('Connect to {0} (1/3)', hostOf(named)) : vscode.l10n.t('Connect to Azure DevOps (1/3)'),
    prompt: named
      ? vscode.l10n.t('Organization or collection URL (from the settings). Your credentials for it are sent only once you finish connecting.')
      : vscode.l10n.t('Organization or collection URL'),
    placeHolder: 'https://dev.azure.com/your-org',
    value: settings.orgUrl,
    ignoreFocusOut: true,
    validateInput: (value) => (/^https?:\/\/\S+$/.test(value.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL')),
  });
  if (!orgUrl) return false;
  const project = await vscode.window.showInputBox({ title: vscode.l10n.t('Connect to Azure DevOps (2/3)'), prompt: vscode.l10n.t('Project'), value: settings.project, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a project name')) });
  if (!project) return false;
  const signIn = await chooseSignIn(connection, orgUrl.trim(), project.trim());
  if (!signIn) return false;
  try {
    const state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to Azure DevOps…') }, signIn);
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected to {0} as {1}.', project.trim(), state.identity));
    return true;
  } catch (error) {
    if (error instanceof RestrictedModeError) void vscode.window.showWarningMessage(error.message);
    else void vscode.window.showErrorMessage(vscode.l10n.t('Could not connect: {0}', errorMessage(error)));
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
        { label: vscode.l10n.t('Microsoft account'), description: vscode.l10n.t('Sign in with Microsoft Entra ID (adoSync.tenant picks the tenant)'), method: 'microsoft' as const },
        { label: vscode.l10n.t('Personal access token'), description: vscode.l10n.t('Work Items: Read & Write; stored in SecretStorage for this organization'), method: 'pat' as const },
      ],
      { title: vscode.l10n.t('Connect to Azure DevOps (3/3)'), placeHolder: vscode.l10n.t('How do you want to sign in?'), ignoreFocusOut: true },
    );
    if (!method) return undefined;
    if (method.method === 'microsoft') return () => connection.connectWithMicrosoft(orgUrl, project, true);
  }
  const pat = await vscode.window.showInputBox({ title: vscode.l10n.t('Connect to {0} (3/3)', hostOf(orgUrl)), prompt: vscode.l10n.t('Personal access token (Work Items: Read & Write); stored in SecretStorage for this organization only'), password: true, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a token')) });
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
    void vscode.window.showWarningMessage(vscode.l10n.t('Not connected to Azure DevOps.'), vscode.l10n.t('Connect')).then((choice) => choice && vscode.commands.executeCommand(Commands.connect));
    return false;
  }
  try {
    await current.client.whoAmI();
    void vscode.window.showInformationMessage(vscode.l10n.t('Connection OK: {0}, api-version {1}.', current.identity, current.client.apiVersion ?? 'auto'));
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Connection failed: {0}', errorMessage(error)));
    return false;
  }
}

/** Lists the organizations with stored credentials; picking one offers to forget it. Resolves with what is stored afterwards. */
async function manageOrganizations(connection: Connection, args?: ManageOrganizationsArgs): Promise<StoredOrganization[]> {
  if (args?.forget) {
    await connection.forget(args.forget);
    return connection.organizations();
  }
  const stored = await connection.organizations();
  if (stored.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No Azure DevOps credentials are stored. Connect to store them for an organization.'));
    return stored;
  }
  const current = connection.current?.orgUrl.toLowerCase();
  const pick = await vscode.window.showQuickPick(stored.map((org) => ({
    label: org.orgUrl,
    description: (org.kind === 'pat' ? vscode.l10n.t('personal access token') : vscode.l10n.t('Microsoft account {0}', org.account ?? '')) + (org.orgUrl === current ? vscode.l10n.t(' · connected') : ''),
    org,
  })), { title: vscode.l10n.t('Signed-in Azure DevOps organizations'), placeHolder: vscode.l10n.t('Pick one to forget its credentials') });
  if (!pick) return stored;
  const forget = vscode.l10n.t('Forget');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Forget the credentials stored for {0}?', pick.org.orgUrl), { modal: true, detail: vscode.l10n.t('The next connection to it asks for them again. Other organizations keep theirs.') }, forget);
  if (answer === forget) await connection.forget(pick.org.orgUrl);
  return connection.organizations();
}
