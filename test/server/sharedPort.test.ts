// The webhook receiver and the HTTP API on one port: the API's requests may outlast the webhook's
// whole-request deadline (long uploads), while a webhook request that dawdles is still cut off.
import assert from 'node:assert/strict';
import http from 'node:http';
import { startWebhookReceiver, webhookSettingsFromEnv, type WebhookReceiver } from '../../src/core/webhook';

/** Sends `pieces` bytes one by one, `gapMs` apart, and resolves with the status or the socket error. */
function slowPost(port: number, path: string, pieces: number, gapMs: number, headers: Record<string, string> = {}): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request({ port, host: '127.0.0.1', path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(pieces), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    let sent = 0;
    const tick = setInterval(() => {
      if (req.destroyed) return clearInterval(tick);
      req.write(' ');
      if (++sent === pieces) {
        clearInterval(tick);
        req.end();
      }
    }, gapMs);
  });
}

describe('webhook receiver sharing its port with the HTTP API', function () {
  this.timeout(20_000);
  let receiver: WebhookReceiver;

  before(async () => {
    const settings = { ...webhookSettingsFromEnv({ ADO_SYNC_WEBHOOK_USERNAME: 'u', ADO_SYNC_WEBHOOK_PASSWORD: 'p' }), host: '127.0.0.1', port: 0, headersTimeoutMs: 500, requestTimeoutMs: 600, idleTimeoutMs: 2_000 };
    const api: http.RequestListener = (req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(JSON.stringify({ received: n })));
    };
    receiver = await startWebhookReceiver(settings, () => undefined, () => undefined, api);
  });
  after(() => receiver?.close());

  it('an API request may take longer than the webhook deadline', async () => {
    assert.equal(await slowPost(receiver.port, '/api/sync/upload', 8, 250), 200);
  });

  it('a webhook request still ends at its deadline', async () => {
    const started = Date.now();
    const result = await slowPost(receiver.port, '/api/webhooks/workitem', 8, 250, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    assert.notEqual(result, 202);
    const took = Date.now() - started;
    assert.ok(took >= 500 && took < 1_800, `cut off after ${took} ms`);
  });
});
