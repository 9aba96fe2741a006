// The Sync History page, shared by the VS Code panel host and the browser tests' stand-in host.
import { randomBytes } from 'node:crypto';

export interface HistoryHtmlOptions {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconUri?: string;
  /** Extra script (test shim) run before the bundle; gets the same nonce. */
  preludeScript?: string;
  nonce?: string;
}

export const newNonce = (): string => randomBytes(18).toString('base64url');

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function historyHtml(o: HistoryHtmlOptions): string {
  const nonce = o.nonce ?? newNonce();
  const csp = `default-src 'none'; img-src ${o.cspSource} data:; style-src ${o.cspSource}; font-src ${o.cspSource}; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.codiconUri ? `<link rel="stylesheet" href="${attr(o.codiconUri)}">` : ''}
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Sync History</title></head>
<body><main id="app" aria-live="polite"></main>
${o.preludeScript ? `<script nonce="${nonce}">${o.preludeScript}</script>` : ''}
<script nonce="${nonce}" src="${attr(o.scriptUri)}"></script>
</body></html>`;
}
