import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookSettings } from './settings';

/** Constant-time equality; both sides hashed first so lengths leak nothing. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when any configured mode accepts the request. */
export function isAuthorized(settings: WebhookSettings, headers: IncomingHttpHeaders, rawBody: Buffer): boolean {
  let ok = false;
  for (const mode of settings.authModes) {
    if (mode === 'basic' && settings.username && settings.password) {
      const expected = 'Basic ' + Buffer.from(`${settings.username}:${settings.password}`).toString('base64');
      ok = safeEqual(header(headers, 'authorization') ?? '', expected) || ok;
    } else if (mode === 'secret' && settings.secret) {
      ok = safeEqual(header(headers, 'x-webhook-signature') ?? '', settings.secret) || ok;
    } else if (mode === 'hmac' && settings.secret) {
      const hex = createHmac('sha256', settings.secret).update(rawBody).digest('hex');
      const got = (header(headers, 'x-webhook-signature') ?? '').replace(/^sha256=/, '').toLowerCase();
      ok = safeEqual(got, hex) || ok;
    }
  }
  return ok;
}
