// Registers the work item and attachment commands (one file per group).
import type * as vscode from 'vscode';
import { registerAttachCommands } from './attach';
import { registerAttachmentCommands } from './attachments';
import type { CommandDeps } from './deps';
import { registerDuplicateCommands } from './duplicates';
import { registerSyncCommands } from './sync';

export type { CommandDeps, SyncAccess } from './deps';
export { attachUris } from './attach';

export function registerWorkItemCommands(deps: CommandDeps): vscode.Disposable[] {
  return [...registerAttachCommands(deps), ...registerSyncCommands(deps), ...registerAttachmentCommands(deps), ...registerDuplicateCommands(deps)];
}
