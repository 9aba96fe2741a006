import type { AdoClient } from '../ado/client';
import { webHookSubscription } from '../ado/serviceHooks';
import type { Subscription } from '../ado/types';
import type { WebhookSettings } from './settings';

export const WEBHOOK_EVENTS = ['workitem.created', 'workitem.updated'] as const;

export class WebhookRegistrationError extends Error {}

type HookClient = Pick<AdoClient, 'createSubscription' | 'listSubscriptions' | 'deleteSubscription'>;

/** Creates one service-hook subscription per event, pointing at the public URL with the configured auth. */
export async function registerWebhook(client: HookClient, projectId: string, s: WebhookSettings): Promise<Subscription[]> {
  if (!s.publicUrl) throw new WebhookRegistrationError('ADO_SYNC_WEBHOOK_PUBLIC_URL (public URL) is required to register');
  const basicAuth = s.authModes.includes('basic') && s.username && s.password ? { username: s.username, password: s.password } : undefined;
  const httpHeaders = s.authModes.includes('secret') && s.secret ? { 'x-webhook-signature': s.secret } : undefined;
  const created: Subscription[] = [];
  for (const eventType of WEBHOOK_EVENTS) {
    created.push(await client.createSubscription(webHookSubscription({ eventType, projectId, url: s.publicUrl, basicAuth, httpHeaders })));
  }
  return created;
}

/** Subscriptions whose consumer URL is ours. */
export async function listOurWebhooks(client: HookClient, publicUrl: string): Promise<Subscription[]> {
  const all = await client.listSubscriptions();
  return all.filter((x) => (x as { consumerInputs?: Record<string, string> }).consumerInputs?.url === publicUrl);
}

export async function unregisterWebhooks(client: HookClient, ids: string[]): Promise<void> {
  for (const id of ids) await client.deleteSubscription(id);
}
