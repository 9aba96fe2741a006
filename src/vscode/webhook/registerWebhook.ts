// The webhook feature in one call from the composition root: the receiver host and its commands.
import type * as vscode from 'vscode';
import type { Connection } from '../connection';
import type { StatusBar } from '../statusBar';
import type { SyncSession } from '../syncSession';
import { registerWebhookCommands } from './webhookCommands';
import { WebhookHost } from './webhookHost';

export interface WebhookFeature {
  readonly host: WebhookHost;
  readonly disposables: vscode.Disposable[];
}

export function registerWebhook(
  context: vscode.ExtensionContext,
  connection: Connection,
  session: SyncSession,
  statusBar: StatusBar,
  log: vscode.LogOutputChannel,
): WebhookFeature {
  const host = new WebhookHost({ secrets: context.secrets, connection, session, statusBar, log });
  return { host, disposables: [host, ...registerWebhookCommands({ secrets: context.secrets, connection, session, host, log })] };
}
