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
  attachFiles: 'adoSync.attachFiles',
  trackWorkItem: 'adoSync.trackWorkItem',
  untrackWorkItem: 'adoSync.untrackWorkItem',
  syncWorkItem: 'adoSync.syncWorkItem',
  syncAll: 'adoSync.syncAll',
  downloadAttachment: 'adoSync.downloadAttachment',
  openAttachment: 'adoSync.openAttachment',
  revealAttachment: 'adoSync.revealAttachment',
  removeAttachment: 'adoSync.removeAttachment',
  deleteLocalRecord: 'adoSync.deleteLocalRecord',
  findDuplicates: 'adoSync.findDuplicates',
  showHistory: 'adoSync.showHistory',
  dismissFailures: 'adoSync.dismissFailures',
  retryNow: 'adoSync.retryNow',
  importBacklog: 'adoSync.importBacklog',
  setWebhookCredentials: 'adoSync.setWebhookCredentials',
  registerWebhook: 'adoSync.registerWebhook',
  listWebhooks: 'adoSync.listWebhooks',
  unregisterWebhooks: 'adoSync.unregisterWebhooks',
  startWebhookReceiver: 'adoSync.startWebhookReceiver',
  stopWebhookReceiver: 'adoSync.stopWebhookReceiver',
  manageOrganizations: 'adoSync.manageOrganizations',
  selectSyncFolder: 'adoSync.selectSyncFolder',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  connected: 'adoSync.connected',
  /** Restricted Mode: the extension does not connect. */
  restricted: 'adoSync.restricted',
  /** The extension's webhook receiver is listening. */
  webhookListening: 'adoSync.webhookListening',
} as const;

export const Views = {
  container: 'adoSync',
  workItems: 'adoSyncWorkItems',
} as const;

/** Webview panel types (the serializer restores these after a reload). */
export const WebviewTypes = {
  history: 'adoSync.history',
} as const;

export const SETTINGS_SECTION = 'adoSync';
export const STATUS_BAR_ID = 'adoSync.status';
/** SecretStorage key of the Ardoq API token for the backlog import; never a setting. */
export const ARDOQ_TOKEN_SECRET_KEY = 'adoSync.ardoqToken';
/** SecretStorage keys of the webhook receiver's basic-auth password and shared secret; never settings. */
export const WEBHOOK_PASSWORD_SECRET_KEY = 'adoSync.webhook.password';
export const WEBHOOK_SECRET_SECRET_KEY = 'adoSync.webhook.secret';

export const LOG_CHANNEL_NAME = 'Azure DevOps Attachment Sync';
