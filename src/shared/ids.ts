// Every id the extension contributes (commands, views, settings, context keys) lives here,
// so that package.json, the code and the contribution check agree on one spelling.

export const EXTENSION_ID = 'ado-attachment-sync.ado-attachment-sync';

export const Commands = {
  showLog: 'adoSync.showLog',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const LOG_CHANNEL_NAME = 'Azure DevOps Attachment Sync';
