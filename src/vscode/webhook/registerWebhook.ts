// The webhook feature in one call from the composition root: the receiver host and its commands.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import type { StatusBar } from '../statusBar';
import { registerWebhookCommands } from './webhookCommands';
import { WebhookHost } from './webhookHost';

export interface WebhookFeature {
  readonly host: WebhookHost;
  readonly disposables: vscode.Disposable[];
}

export function registerWebhook({ context, connection, session, log }: Services, statusBar: StatusBar): WebhookFeature {
  const host = new WebhookHost({ secrets: context.secrets, connection, session, statusBar, log });
  return { host, disposables: [host, ...registerWebhookCommands({ secrets: context.secrets, connection, session, host, log })] };
}
