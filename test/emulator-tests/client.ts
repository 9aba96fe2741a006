// Tiny fetch helper for the emulator tests: PAT auth, FedAuth suppression, JSON in/out.
import type { RunningEmulator } from '../emulator/index';

export const PAT = 'test-pat';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

export function basic(pat = PAT): string {
  return `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
}

export async function call(emulator: Pick<RunningEmulator, 'baseUrl'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const isRaw = typeof body === 'string';
  const contentType: Record<string, string> = body === undefined ? {} : { 'Content-Type': isRaw ? 'application/octet-stream' : method === 'PATCH' || path.includes('/workitems/$') ? 'application/json-patch+json' : 'application/json' };
  const response = await fetch(`${emulator.baseUrl}${path}`, {
    method,
    headers: { Authorization: basic(), 'X-TFS-FedAuthRedirect': 'Suppress', ...contentType, ...headers },
    body: body === undefined ? undefined : isRaw ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** The admin routes live at the server root, outside /DefaultCollection. */
export function adminUrl(emulator: Pick<RunningEmulator, 'port'>, path: string): string {
  return `http://127.0.0.1:${emulator.port}${path}`;
}

export const V = 'api-version=7.1';
