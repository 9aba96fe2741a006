// Service-hook subscriptions of this install: one per event (workitem.created, workitem.updated)
// for the project, pointing at the receiver's public URL with basic auth and/or the shared-secret
// header. Each is recorded in webhook_subscriptions so `list` and `unregister` find ours.
// Registering needs "Edit subscription" rights; without them the service's 403 reaches the caller
// as a PermissionError and the sync keeps polling.
import type { AdoClient } from '../ado/client';
import { NotFoundError } from '../ado/errors';
import { webHookSubscription } from '../ado/serviceHooks';
import type { Subscription } from '../ado/types';
import type { NewWebhook, WebhookRow } from '../store/repositories/webhooks';
import { SECRET_HEADER } from './auth';
import type { WebhookSettings } from './settings';

export const WEBHOOK_EVENTS = ['workitem.created', 'workitem.updated'] as const;

export class WebhookRegistrationError extends Error {
  override readonly name = 'WebhookRegistrationError';
}

type HookClient = Pick<AdoClient, 'createSubscription' | 'listSubscriptions' | 'deleteSubscription'>;
/** Where ours are recorded: the repository of either store (sql.js answers at once, PostgreSQL with a Promise). */
interface HookRecords {
  upsert(w: NewWebhook): void | Promise<void>;
  remove(subscriptionId: string): boolean | Promise<boolean>;
}

/** What may be shown of a subscription: never its consumer inputs (they hold the password). */
export interface WebhookSubscriptionView {
  id: string;
  eventType: string;
  url: string;
  status: string;
  createdDate?: string;
}

export interface RegisterResult {
  created: WebhookSubscriptionView[];
  /** Already registered for this URL and event: kept, not duplicated. */
  existing: WebhookSubscriptionView[];
  warnings: string[];
}

export function subscriptionView(s: Subscription): WebhookSubscriptionView {
  return { id: s.id, eventType: s.eventType, url: s.consumerInputs?.url ?? '', status: s.status ?? 'enabled', createdDate: s.createdDate };
}

function sameUrl(a: string | undefined, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return a !== undefined && norm(a) === norm(b);
}

/** Things the service will refuse or that cannot work, said before it does (ado-api.md §5.1). */
export function registrationWarnings(publicUrl: string, s: WebhookSettings): string[] {
  const warnings: string[] = [];
  const url = new URL(publicUrl);
  if (url.protocol === 'http:' && s.authModes.includes('basic')) {
    warnings.push('basic auth over http: Azure DevOps Services requires an https URL for basic auth, and the password would travel in clear.');
  }
  if (/^(localhost|127\.|\[::1\]|0\.0\.0\.0)/i.test(url.hostname)) {
    warnings.push('the URL is a loopback address: Azure DevOps Services cannot deliver to it (a server on this machine can).');
  }
  return warnings;
}

function requirePublicUrl(s: WebhookSettings): string {
  if (!s.publicUrl) throw new WebhookRegistrationError('The public URL of the receiver is required: set --public-url or ADO_SYNC_WEBHOOK_PUBLIC_URL.');
  try {
    const url = new URL(s.publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new WebhookRegistrationError(`The public URL must be an absolute http(s) URL; got "${s.publicUrl}".`);
  }
  return s.publicUrl;
}

/** Subscriptions whose consumer URL is ours. */
export async function listOurWebhooks(client: Pick<HookClient, 'listSubscriptions'>, publicUrl: string): Promise<Subscription[]> {
  const all = await client.listSubscriptions({ publisherId: 'tfs', consumerId: 'webHooks' });
  return all.filter((x) => sameUrl(x.consumerInputs?.url, publicUrl) && (WEBHOOK_EVENTS as readonly string[]).includes(x.eventType));
}

/**
 * Creates the subscriptions that are missing for the public URL (so registering twice does not
 * deliver every event twice) and records all of them.
 */
export async function registerWebhook(
  client: HookClient,
  project: { id: string; name: string },
  s: WebhookSettings,
  records?: HookRecords,
): Promise<RegisterResult> {
  const publicUrl = requirePublicUrl(s);
  const basicAuth = s.authModes.includes('basic') && s.username && s.password ? { username: s.username, password: s.password } : undefined;
  const httpHeaders = s.authModes.includes('secret') && s.secret ? { [SECRET_HEADER]: s.secret } : undefined;
  if (!basicAuth && !httpHeaders) {
    throw new WebhookRegistrationError('No credentials for the service to send: set ADO_SYNC_WEBHOOK_USERNAME and ADO_SYNC_WEBHOOK_PASSWORD, or ADO_SYNC_WEBHOOK_SECRET.');
  }
  const ours = await listOurWebhooks(client, publicUrl);
  const result: RegisterResult = { created: [], existing: [], warnings: registrationWarnings(publicUrl, s) };
  for (const eventType of WEBHOOK_EVENTS) {
    const found = ours.find((x) => x.eventType === eventType && x.publisherInputs?.projectId === project.id);
    const sub = found ?? (await client.createSubscription(webHookSubscription({ eventType, projectId: project.id, url: publicUrl, basicAuth, httpHeaders })));
    (found ? result.existing : result.created).push(subscriptionView(sub));
    await records?.upsert({ subscriptionId: sub.id, eventType, url: publicUrl, project: project.name, status: sub.status ?? 'enabled' });
  }
  return result;
}

/**
 * Our subscriptions as the service has them (for the public URL and the URLs we recorded), and
 * records of subscriptions the service no longer has, as "missing" (deleted in the web UI, say).
 */
export async function listWebhooks(client: Pick<HookClient, 'listSubscriptions'>, publicUrl: string | undefined, known: readonly WebhookRow[] = []): Promise<WebhookSubscriptionView[]> {
  const urls = new Set([...(publicUrl ? [publicUrl] : []), ...known.map((r) => r.url)]);
  const views: WebhookSubscriptionView[] = [];
  for (const url of urls) views.push(...(await listOurWebhooks(client, url)).map(subscriptionView));
  const missing = known.filter((r) => !views.some((v) => v.id === r.subscriptionId) && (!publicUrl || sameUrl(r.url, publicUrl)));
  return [...views, ...missing.map((r) => ({ id: r.subscriptionId, eventType: r.eventType, url: r.url, status: 'missing', createdDate: r.createdAt }))];
}

/** Deletes the subscriptions (one already gone counts as removed) and their records. */
export async function unregisterWebhooks(client: Pick<HookClient, 'deleteSubscription'>, ids: readonly string[], records?: HookRecords): Promise<string[]> {
  const removed: string[] = [];
  for (const id of ids) {
    try {
      await client.deleteSubscription(id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await records?.remove(id);
    removed.push(id);
  }
  return removed;
}
