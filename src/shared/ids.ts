// Every id the extension contributes (commands, views, settings, context keys) lives here,
// so that package.json, the code and the contribution check agree on one spelling.

export const EXTENSION_ID = 'ado-attachment-sync.ado-attachment-sync';

export const Commands = {
  showLog: 'adoSync.showLog',
  connect: 'adoSync.connect',
  signOut: 'adoSync.signOut',
  testConnection: 'adoSync.testConnection',
  copyDiagnostics: 'adoSync.copyDiagnostics',
  refresh: 'adoSync.refresh',
  openWorkItemInBrowser: 'adoSync.openWorkItemInBrowser',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  connected: 'adoSync.connected',
} as const;

export const Views = {
  container: 'adoSync',
  workItems: 'adoSyncWorkItems',
} as const;

export const SETTINGS_SECTION = 'adoSync';
export const STATUS_BAR_ID = 'adoSync.status';
/** SecretStorage key of the PAT; never a setting. */
export const PAT_SECRET_KEY = 'adoSync.pat';

export const LOG_CHANNEL_NAME = 'Azure DevOps Attachment Sync';
