// Service hook subscriptions (web hooks), at collection level: create, list, get, delete.
// Creating one needs admin-level rights; the sync works without them (polling first).
import type { AdoContext } from './context';
import type { CollectionResponse, Subscription, SubscriptionInput } from './types';

const SUBSCRIPTIONS = '_apis/hooks/subscriptions';

export interface WebHookInput {
  eventType: 'workitem.created' | 'workitem.updated' | 'workitem.deleted' | 'workitem.restored' | string;
  projectId: string;
  url: string;
  /** "Key:value" lines sent with each delivery (e.g. a shared secret header). */
  httpHeaders?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  areaPath?: string;
  workItemType?: string;
}

/** The body of a `tfs` → `webHooks/httpRequest` subscription (ado-api.md §5.1). */
export function webHookSubscription(input: WebHookInput): SubscriptionInput {
  // resourceDetailsToSend "" means all details (there is no literal "all"): we want the relations.
  const consumerInputs: Record<string, string> = { url: input.url, resourceDetailsToSend: '', messagesToSend: 'none', detailedMessagesToSend: 'none' };
  if (input.httpHeaders) consumerInputs.httpHeaders = Object.entries(input.httpHeaders).map(([k, v]) => `${k}:${v}`).join('\n');
  if (input.basicAuth) {
    consumerInputs.basicAuthUsername = input.basicAuth.username;
    consumerInputs.basicAuthPassword = input.basicAuth.password;
  }
  const publisherInputs: Record<string, string> = { projectId: input.projectId };
  if (input.areaPath) publisherInputs.areaPath = input.areaPath;
  if (input.workItemType) publisherInputs.workItemType = input.workItemType;
  return {
    publisherId: 'tfs',
    eventType: input.eventType,
    resourceVersion: '1.0',
    consumerId: 'webHooks',
    consumerActionId: 'httpRequest',
    publisherInputs,
    consumerInputs,
  };
}

export function createSubscription(context: AdoContext, input: SubscriptionInput, signal?: AbortSignal): Promise<Subscription> {
  return context.transport.json<Subscription>({
    method: 'POST',
    path: SUBSCRIPTIONS,
    body: { kind: 'json', value: input },
    idempotency: 'unsafe',
    signal,
  });
}

export interface SubscriptionFilter {
  publisherId?: string;
  eventType?: string;
  consumerId?: string;
  consumerActionId?: string;
}

export async function listSubscriptions(context: AdoContext, filter: SubscriptionFilter = {}, signal?: AbortSignal): Promise<Subscription[]> {
  const response = await context.transport.json<CollectionResponse<Subscription>>({
    method: 'GET',
    path: SUBSCRIPTIONS,
    query: { ...filter },
    idempotency: 'idempotent',
    signal,
  });
  return response?.value ?? [];
}

export function getSubscription(context: AdoContext, id: string, signal?: AbortSignal): Promise<Subscription> {
  return context.transport.json<Subscription>({ method: 'GET', path: `${SUBSCRIPTIONS}/${encodeURIComponent(id)}`, idempotency: 'idempotent', signal });
}

export async function deleteSubscription(context: AdoContext, id: string, signal?: AbortSignal): Promise<void> {
  await context.transport.json<unknown>({ method: 'DELETE', path: `${SUBSCRIPTIONS}/${encodeURIComponent(id)}`, idempotency: 'idempotent', signal });
}
