/** Receiver settings; extends core settings without editing settings.ts. */
export type WebhookAuthMode = 'basic' | 'secret' | 'hmac';

export interface WebhookSettings {
  enabled: boolean;
  host: string;
  port: number;
  path: string;
  authModes: WebhookAuthMode[];
  username?: string;
  password?: string;
  secret?: string;
  publicUrl?: string;
  maxBodyBytes: number;
  /** Quiet time after the last event for a work item before its sync is queued. */
  debounceMs: number;
  /** Longest an item waits under a steady stream of events (default 5 x debounceMs). */
  maxWaitMs?: number;
  /** Open connections at most; more are closed at once (default RECEIVER_LIMITS). */
  maxConnections?: number;
  /** The request line and headers must arrive within this time. */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this time. */
  requestTimeoutMs?: number;
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs?: number;
}

/**
 * Azure DevOps sends one small delivery per connection and retries failures later, so these are
 * generous for it and tight for a client that opens many connections or sends nothing.
 */
export const RECEIVER_LIMITS = {
  maxConnections: 32,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 5_000,
} as const;

export const WEBHOOK_ENV = {
  enabled: 'ADO_SYNC_WEBHOOK_ENABLED',
  host: 'ADO_SYNC_WEBHOOK_HOST',
  port: 'ADO_SYNC_WEBHOOK_PORT',
  path: 'ADO_SYNC_WEBHOOK_PATH',
  authModes: 'ADO_SYNC_WEBHOOK_AUTH',
  username: 'ADO_SYNC_WEBHOOK_USERNAME',
  password: 'ADO_SYNC_WEBHOOK_PASSWORD',
  secret: 'ADO_SYNC_WEBHOOK_SECRET',
  publicUrl: 'ADO_SYNC_WEBHOOK_PUBLIC_URL',
  debounceMs: 'ADO_SYNC_WEBHOOK_DEBOUNCE_MS',
} as const;

export const WEBHOOK_DEFAULTS: WebhookSettings = {
  enabled: false,
  host: '127.0.0.1',
  port: 8787,
  path: '/api/webhooks/workitem',
  authModes: [],
  maxBodyBytes: 1024 * 1024,
  debounceMs: 2000,
};

export class WebhookSettingsError extends Error {
  override readonly name = 'WebhookSettingsError';
}

const AUTH_MODES: readonly WebhookAuthMode[] = ['basic', 'secret', 'hmac'];

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  // A fresh authModes array: the defaults' one must never be pushed to.
  const s: WebhookSettings = { ...WEBHOOK_DEFAULTS, authModes: [] };
  s.enabled = env[WEBHOOK_ENV.enabled] === 'true' || env[WEBHOOK_ENV.enabled] === '1';
  s.host = env[WEBHOOK_ENV.host] ?? s.host;
  if (env[WEBHOOK_ENV.port] !== undefined) s.port = Number(env[WEBHOOK_ENV.port]);
  s.path = env[WEBHOOK_ENV.path] ?? s.path;
  s.username = env[WEBHOOK_ENV.username];
  s.password = env[WEBHOOK_ENV.password];
  s.secret = env[WEBHOOK_ENV.secret];
  s.publicUrl = env[WEBHOOK_ENV.publicUrl];
  if (env[WEBHOOK_ENV.debounceMs] !== undefined) s.debounceMs = Number(env[WEBHOOK_ENV.debounceMs]);
  const modes = env[WEBHOOK_ENV.authModes];
  if (modes) s.authModes = modes.split(',').map((m) => m.trim()) as WebhookAuthMode[];
  else {
    if (s.username && s.password) s.authModes.push('basic');
    if (s.secret) s.authModes.push('secret');
  }
  validateWebhookSettings(s);
  return s;
}

export function validateWebhookSettings(s: WebhookSettings): void {
  if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65535) throw new WebhookSettingsError(`${WEBHOOK_ENV.port}: invalid port ${s.port}`);
  if (!Number.isInteger(s.debounceMs) || s.debounceMs < 0 || s.debounceMs > 600_000) throw new WebhookSettingsError(`${WEBHOOK_ENV.debounceMs} must be 0..600000 ms; got ${s.debounceMs}`);
  if (s.authModes.length === 0) {
    throw new WebhookSettingsError(`the webhook receiver needs credentials: set ${WEBHOOK_ENV.username} and ${WEBHOOK_ENV.password}, or ${WEBHOOK_ENV.secret}`);
  }
  for (const m of s.authModes) {
    if (!AUTH_MODES.includes(m)) throw new WebhookSettingsError(`${WEBHOOK_ENV.authModes}: unknown mode "${String(m)}" (known: ${AUTH_MODES.join(', ')})`);
    if (m === 'basic' && !(s.username && s.password)) throw new WebhookSettingsError('basic auth needs username and password');
    if ((m === 'secret' || m === 'hmac') && !s.secret) throw new WebhookSettingsError(`${m} auth needs a secret`);
  }
}
