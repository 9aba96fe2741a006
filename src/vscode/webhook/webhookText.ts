// What the extension says about the webhook receiver and its subscriptions (vscode-free,
// unit-tested): the status bar tooltip line from the core's describeInboundState, the register
// result with where Azure DevOps can deliver, and a refusal in the service's own words.
import * as l10n from '@vscode/l10n';
import type { PermissionError } from '../../core/ado/errors';
import { isLoopbackHost } from '../../core/ado/orgUrl';
import { describeInboundState, type InboundServiceState } from '../../core/webhook/inboundService';
import type { RegisterResult, WebhookSubscriptionView } from '../../core/webhook/subscriptions';

const RECEIVER_PREFIX = 'Webhook receiver: ';

/**
 * The tooltip's webhook line (the status bar adds the "Webhook receiver: " prefix). The poll line
 * is the extension's background sync setting (the same coordinator polls), not the service's.
 */
export function receiverTooltip(state: InboundServiceState, pollSeconds: number): string {
  const poll = { ...state.poll, enabled: pollSeconds > 0, intervalMs: pollSeconds * 1000 };
  const [first, ...rest] = describeInboundState({ ...state, poll });
  return [first.startsWith(RECEIVER_PREFIX) ? first.slice(RECEIVER_PREFIX.length) : first, ...rest].join('\n');
}

/** Where the service can deliver, said at every registration (issue 8). */
export const DELIVERY_NOTE = 'Azure DevOps Services cannot deliver to localhost or a private address: it needs a public https URL '
  + '(a tunnel or relay to this receiver). Azure DevOps Server on your LAN can deliver to a LAN address.';

export function registerSummary(result: RegisterResult, publicUrl: string): string {
  const head = l10n.t('Registered {0} new and kept {1} existing webhook subscription(s) for {2}.', result.created.length, result.existing.length, publicUrl);
  return [head, ...result.warnings.map((w) => l10n.t('Note: {0}', w)), DELIVERY_NOTE].join(' ');
}

/** A 403 from the service hooks API: the service's message, what permission it takes, and that polling goes on. */
export function permissionMessage(error: PermissionError): string {
  return l10n.t('Azure DevOps refused to change service hook subscriptions: {0} Managing service hooks needs the "Edit subscription" permission (project or collection administrators). Attachments keep syncing by polling.', error.serverMessage ?? error.message);
}

/** HMAC is for a relay that signs the body: Azure DevOps itself cannot, so there is nothing to register. */
export function hmacRegisterMessage(): string {
  return l10n.t('Azure DevOps service hooks cannot sign requests with an HMAC, so the HMAC mode suits a relay that signs what it forwards. To register subscriptions that Azure DevOps calls directly, set adoSync.webhook.auth to "basic" or "secret".');
}

export function subscriptionLabel(s: WebhookSubscriptionView): { label: string; description: string; detail: string } {
  return { label: s.eventType, description: s.status, detail: `${s.url} · ${s.id}` };
}

/**
 * In a remote window (SSH, WSL, a container, Codespaces) the receiver listens on the remote
 * machine. VS Code's asExternalUri forwards it: a forward that stays on loopback (SSH, WSL) is
 * reachable from this computer only, never by Azure DevOps; one with a public host (Codespaces)
 * is offered as the public URL, for the user to confirm.
 */
export function remoteReceiverAdvice(remoteName: string, receiverUrl: string, externalUrl: string): { suggestion?: string; note: string } {
  const external = new URL(externalUrl);
  if (isLoopbackHost(external.hostname)) {
    return { note: l10n.t('This window runs on "{0}": the receiver listens there ({1}), and VS Code forwards it to {2} on this computer only, which Azure DevOps cannot reach. Enter the URL of a tunnel or relay to it.', remoteName, receiverUrl, externalUrl) };
  }
  return { suggestion: externalUrl, note: l10n.t('This window runs on "{0}": VS Code forwards the receiver to {1}. Azure DevOps can deliver there only if that forward is public.', remoteName, externalUrl) };
}

