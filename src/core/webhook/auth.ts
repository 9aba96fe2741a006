// How a delivery proves it may trigger a sync. Basic auth and the shared-secret header are known
// from the headers alone, so the receiver decides before it reads a byte of the body; an HMAC
// needs the body, so a request whose headers carry a well-formed signature is read, then checked.
// Azure DevOps itself never signs a delivery (its shared secret travels as a plain header): HMAC
// is for a relay in front of the receiver that signs what it forwards.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookSettings } from './settings';

export const SECRET_HEADER = 'x-webhook-signature';

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

/** What the headers alone decide: accepted, refused, or an HMAC to check once the body is read. */
export type HeaderVerdict = 'authorized' | 'refused' | 'needsBody';

const HMAC_HEX = /^(?:sha256=)?([0-9a-f]{64})$/i;

export function authorizeHeaders(settings: WebhookSettings, headers: IncomingHttpHeaders): HeaderVerdict {
  let ok = false;
  for (const mode of settings.authModes) {
    if (mode === 'basic' && settings.username && settings.password) {
      const expected = 'Basic ' + Buffer.from(`${settings.username}:${settings.password}`).toString('base64');
      ok = safeEqual(header(headers, 'authorization') ?? '', expected) || ok;
    } else if (mode === 'secret' && settings.secret) {
      ok = safeEqual(header(headers, SECRET_HEADER) ?? '', settings.secret) || ok;
    }
  }
  if (ok) return 'authorized';
  const signed = settings.authModes.includes('hmac') && settings.secret && HMAC_HEX.test(header(headers, SECRET_HEADER) ?? '');
  return signed ? 'needsBody' : 'refused';
}

/** The HMAC-SHA256 (hex) of the raw body with the shared secret, as the signature header says. */
export function bodySignatureValid(settings: WebhookSettings, headers: IncomingHttpHeaders, rawBody: Buffer): boolean {
  if (!settings.authModes.includes('hmac') || !settings.secret) return false;
  const got = HMAC_HEX.exec(header(headers, SECRET_HEADER) ?? '')?.[1]?.toLowerCase() ?? '';
  const hex = createHmac('sha256', settings.secret).update(rawBody).digest('hex');
  return safeEqual(got, hex);
}

/** True when any configured mode accepts the request (headers and, for an HMAC, the body). */
export function isAuthorized(settings: WebhookSettings, headers: IncomingHttpHeaders, rawBody: Buffer): boolean {
  const verdict = authorizeHeaders(settings, headers);
  return verdict === 'authorized' || (verdict === 'needsBody' && bodySignatureValid(settings, headers, rawBody));
}
