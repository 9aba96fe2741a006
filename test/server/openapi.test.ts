// GET /api/openapi.json against what is served: every route in the document and every documented
// operation answered (not 404/405), and real answers valid against the document's schemas (ajv).
import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020';
import { ROUTES } from '../../src/server/routes';
import { serveFixture, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };
const METHODS = new Set(['get', 'post', 'put', 'delete', 'patch']);

function operations(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${p}`)).sort();
}

describe('team server OpenAPI document', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi;
  let doc: Doc;

  before(async () => {
    f = await serveFixture();
    await trackItems(f, [5]);
    api = await startApi(f);
    const r = await api.call<Doc>('GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    doc = r.body;
  });
  after(async () => {
    await api?.stop();
    await f?.close();
  });

  it('describes exactly the routes served, as OpenAPI 3.1', async () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(operations(doc), ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // And the server answers each documented operation (a refusal of the input is fine, "no route" is not).
    for (const op of operations(doc)) {
      const [method, template] = op.split(' ');
      if (template === '/api/sync/events') {
        const stop = new AbortController();
        const res = await fetch(`${api.base}${template}`, { headers: { authorization: `Bearer ${api.token}` }, signal: stop.signal });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
        stop.abort();
        continue;
      }
      const path = template.replace('{id}', '5').replace(/\{\w+\}/g, 'x');
      const r = await api.call<{ error?: { code: string } }>(method, path, method === 'POST' ? { json: {} } : {});
      assert.ok(r.status !== 405 && r.body.error?.code !== 'NO_ROUTE', `${op}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  it('documents exactly the media types the upload accepts', async () => {
    const upload = doc.paths['/api/sync/upload'].post as { requestBody: { content: Record<string, unknown> } };
    const documented = Object.keys(upload.requestBody.content).sort();
    assert.deepEqual(documented, ['application/json', 'application/octet-stream', 'multipart/form-data']);
    for (const type of [...documented, 'text/plain', 'application/x-www-form-urlencoded']) {
      // An empty body of each type: refused for its content (400) when the type is served, 415 when it is not.
      const r = await api.call<{ error?: { code: string } }>('POST', '/api/sync/upload', { body: '', headers: { 'content-type': type === 'multipart/form-data' ? `${type}; boundary=b` : type } });
      assert.equal(r.status === 415, !documented.includes(type), `${type}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  });

  it('real answers match the schemas the document gives them', async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'openapi');
    const check = (schema: string, body: unknown) => {
      const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
      assert.ok(validate, schema);
      assert.ok(validate(body), `${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
    };
    check('Health', (await api.call('GET', '/api/health', { token: null })).body);
    check('Ready', (await api.call('GET', '/api/ready')).body);
    const upload = await api.call<{ attachment: { attachmentGuid: string; sha256: string } }>('POST', '/api/sync/upload', { json: { fileName: 'a.txt', workItemId: 5, file: Buffer.from('schema check\n').toString('base64') } });
    check('UploadAnswer', upload.body);
    check('SyncAnswer', (await api.call('POST', '/api/sync/force-sync/5')).body);
    check('AttachmentList', (await api.call('GET', '/api/sync/attachments/5')).body);
    check('Status', (await api.call('GET', '/api/sync/status/5')).body);
    check('Dedup', (await api.call('GET', `/api/sync/deduplication/${upload.body.attachment.sha256}`)).body);
    const page = await api.call<{ data: { id: number }[] }>('GET', '/api/sync-history');
    check('HistoryPage', page.body);
    check('HistoryRunWithItems', (await api.call('GET', `/api/sync-history/${page.body.data[0].id}`)).body);
    check('AuditLogs', (await api.call('GET', '/api/audit-logs')).body);
    check('DownloadAnswer', (await api.call('POST', `/api/sync/download/${upload.body.attachment.attachmentGuid}?workItemId=5`)).body);
    check('DeleteAnswer', (await api.call('DELETE', `/api/sync/attachments/${upload.body.attachment.attachmentGuid}`)).body);
    check('Error', (await api.call('GET', '/api/sync/status/x')).body);
    // The schemas are not empty shells: a wrong answer fails them.
    const status = ajv.getSchema('openapi#/components/schemas/Status');
    assert.equal(status?.({ workItemId: 'five' }), false);
  });
});
