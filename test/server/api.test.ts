// The HTTP API of `ado-sync serve`: each route's answer in the seed's shape over the real emulator
// and a real sql.js file; auth refusals; bad input refused with a 4xx and nothing stored.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { colleagueAttaches, mirrorFile, readOrUndefined, withStore } from '../webhook/support';
import { cli, serveFixture, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Attachment { attachmentGuid: string | null; attachmentUrl: string | null; fileName: string; isDuplicate: boolean; status: string; sha256: string | null; size: number | null; localPath?: string }
interface UploadAnswer { success: boolean; message: string; attachment: Attachment | null; attachments: Attachment[]; run: { runId: number } }
interface ErrorAnswer { success: false; error: { message: string; code: string } }

async function adoBytes(f: ServeFixture, guid: string): Promise<Buffer> {
  const a = f.ado.state.attachments.get(guid);
  assert.ok(a, `attachment ${guid} in the emulator`);
  return readFile(a.path);
}

function linkedGuids(f: ServeFixture, workItemId: number): string[] {
  const item = f.ado.state.workItems.get(workItemId);
  assert.ok(item);
  return item.relations.filter((r) => r.rel === 'AttachedFile').map((r) => r.url.split('/').pop() ?? '');
}

describe('team server HTTP API (ado-sync serve)', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi;

  beforeEach(async () => {
    f = await serveFixture({ ATTACHMENT_MAX_FILE_SIZE: String(4 * 1024 * 1024) });
    await trackItems(f, [5, 6]);
  });
  afterEach(async () => {
    await api?.stop();
    await f.close();
  });

  describe('auth', () => {
    it('refuses every route but health without a valid bearer token, with a JSON 401', async () => {
      // A second token, revoked before serve starts, no longer opens anything.
      const revoked = (JSON.parse((await cli(f, ['token', 'create', '--name', 'old', '--json'])).stdout) as { token: string }).token;
      assert.equal((await cli(f, ['token', 'revoke', 'old'])).code, 0);
      api = await startApi(f);
      assert.deepEqual((await api.call('GET', '/api/health', { token: null })).body, { status: 'ok' });
      for (const token of [null, 'not-a-token', revoked]) {
        for (const [method, path] of [['GET', '/api/sync/status/5'], ['GET', '/api/sync-history'], ['POST', '/api/sync/force-sync/5'], ['GET', '/api/openapi.json'], ['GET', '/api/ready']]) {
          const r = await api.call<ErrorAnswer>(method, path, { token });
          assert.equal(r.status, 401, `${method} ${path} with ${String(token)}`);
          assert.equal(r.body.success, false);
          assert.equal(r.body.error.code, 'UNAUTHORIZED');
          assert.equal(r.headers.get('www-authenticate'), 'Bearer');
        }
      }
      // A refused upload sends nothing to ADO.
      const before = f.ado.state.attachments.size;
      const r = await api.call('POST', '/api/sync/upload', { token: 'wrong', json: { fileName: 'x.txt', workItemId: 5, file: Buffer.from('x').toString('base64') } });
      assert.equal(r.status, 401);
      assert.equal(f.ado.state.attachments.size, before);
      assert.equal((await api.call('GET', '/api/ready')).status, 200);
    });

    it('limits requests per token per minute (429 with Retry-After); other tokens and health are not held back', async () => {
      const other = (JSON.parse((await cli(f, ['token', 'create', '--name', 'other', '--json'])).stdout) as { token: string }).token;
      api = await startApi(f, {}, undefined, ['--api-rate-limit', '3']);
      for (let i = 0; i < 3; i++) assert.equal((await api.call('GET', '/api/sync/status/5')).status, 200);
      const over = await api.call<ErrorAnswer>('GET', '/api/sync/status/5');
      assert.equal(over.status, 429);
      assert.equal(over.body.error.code, 'RATE_LIMITED');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      assert.equal((await api.call('GET', '/api/sync/status/5', { token: other })).status, 200);
      assert.equal((await api.call('GET', '/api/health', { token: null })).status, 200);
    });

    it('token list shows names, never tokens; revoke of an unknown name exits 1', async () => {
      const token = (JSON.parse((await cli(f, ['token', 'create', '--name', 'ci', '--json'])).stdout) as { token: string }).token;
      const listed = await cli(f, ['token', 'list', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok(!listed.stdout.includes(token));
      assert.deepEqual((JSON.parse(listed.stdout) as { tokens: { name: string }[] }).tokens.map((t) => t.name), ['ci']);
      assert.equal((await cli(f, ['token', 'create', '--name', 'ci'])).code, 2, 'a live name cannot be taken twice');
      assert.equal((await cli(f, ['token', 'revoke', 'nobody'])).code, 1);
      await withStore(f, (store) => assert.ok(!JSON.stringify(store.apiTokens.list()).includes(token)), true);
    });
  });

  describe('routes', () => {
    beforeEach(async () => {
      api = await startApi(f);
    });

    it('POST /api/sync/upload (base64 JSON) uploads and links; dedup, list and status see it', async () => {
      const bytes = Buffer.from(`screenshot ${Date.now()}\n`);
      const r = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'screenshot.png', workItemId: 5, file: bytes.toString('base64'), comment: 'from a tool' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.success, true);
      assert.equal(r.body.message, 'Attachment uploaded and linked');
      const a = r.body.attachment;
      assert.ok(a?.attachmentGuid && a.attachmentUrl);
      assert.equal(a.fileName, 'screenshot.png');
      assert.equal(a.isDuplicate, false);
      assert.equal(a.localPath, undefined, 'no path of the server in the answer');
      assert.deepEqual(await adoBytes(f, a.attachmentGuid), bytes);
      assert.ok(linkedGuids(f, 5).includes(a.attachmentGuid));

      const again = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'screenshot.png', workItemId: 5, file: bytes.toString('base64') } });
      assert.equal(again.body.attachment?.isDuplicate, true, 'the same content is not sent twice');

      const dedup = await api.call('GET', `/api/sync/deduplication/${sha256(bytes).toUpperCase()}`);
      assert.equal(dedup.status, 200);
      assert.equal(dedup.body.isDuplicate, true);
      assert.equal((dedup.body.attachment as { attachment_guid: string }).attachment_guid, a.attachmentGuid);
      assert.equal((await api.call('GET', `/api/sync/deduplication/${'0'.repeat(64)}`)).body.isDuplicate, false);

      const list = await api.call<{ workItemId: number; adoAttachments: { guid: string }[]; localAttachments: { attachment_guid: string }[]; syncSummary: Record<string, number> }>('GET', '/api/sync/attachments/5');
      assert.equal(list.status, 200);
      assert.equal(list.body.workItemId, 5);
      assert.ok(list.body.adoAttachments.some((x) => x.guid === a.attachmentGuid));
      assert.ok(list.body.localAttachments.some((x) => x.attachment_guid === a.attachmentGuid));
      assert.ok(list.body.syncSummary.syncedCount >= 1);

      const status = await api.call<{ workItemId: number; tracked: boolean; summary: { total_attachments: number } }>('GET', '/api/sync/status/5');
      assert.equal(status.status, 200);
      assert.equal(status.body.tracked, true);
      assert.ok(status.body.summary.total_attachments >= 1);
    });

    it('POST /api/sync/upload (application/octet-stream) streams a chunked body to ADO, bytes equal', async () => {
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
      // A stream of 64 KiB pieces: no Content-Length, so the server counts while it writes.
      const pieces = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
      const body = Readable.toWeb(Readable.from(pieces)) as ReadableStream;
      const r = await api.call<UploadAnswer>('POST', '/api/sync/upload?workItemId=6&fileName=big%20video.bin', { body, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const a = r.body.attachment;
      assert.ok(a?.attachmentGuid);
      assert.equal(a.fileName, 'big video.bin');
      assert.equal(a.size, bytes.length);
      assert.ok((await adoBytes(f, a.attachmentGuid)).equals(bytes));
      assert.ok(linkedGuids(f, 6).includes(a.attachmentGuid));
    });

    it('an upload over ATTACHMENT_MAX_FILE_SIZE is refused with 413 (declared or counted) and nothing is stored', async () => {
      const before = f.ado.state.attachments.size;
      const big = Buffer.alloc(4 * 1024 * 1024 + 1, 7);
      const declared = await api.call<ErrorAnswer>('POST', '/api/sync/upload?workItemId=5&fileName=big.bin', { body: big, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(declared.status, 413);
      assert.equal(declared.body.error.code, 'PAYLOAD_TOO_LARGE');
      const counted = await api.call<ErrorAnswer>('POST', '/api/sync/upload?workItemId=5&fileName=big.bin', {
        body: Readable.toWeb(Readable.from([big.subarray(0, 3 * 1024 * 1024), big.subarray(3 * 1024 * 1024)])) as ReadableStream, headers: { 'content-type': 'application/octet-stream' },
      }).catch((e: unknown) => e as Error);
      // The server may close the connection before the client finished sending: an error or a 413.
      if (!(counted instanceof Error)) assert.equal(counted.status, 413);
      const asJson = await api.call<ErrorAnswer>('POST', '/api/sync/upload', { json: { fileName: 'big.bin', workItemId: 5, file: big.toString('base64') } });
      assert.equal(asJson.status, 413);
      assert.equal(f.ado.state.attachments.size, before);
      const status = await api.call<{ summary: { total_attachments: number } }>('GET', '/api/sync/status/5');
      assert.equal(status.body.summary.total_attachments, 0);
    });

    it('bad input gets a 4xx JSON error naming the problem, and nothing is stored', async () => {
      const before = f.ado.state.attachments.size;
      const b64 = Buffer.from('data').toString('base64');
      const cases: [string, string, Parameters<RunningApi['call']>[2], number, RegExp][] = [
        ['POST', '/api/sync/upload', { json: { fileName: 'a.txt', workItemId: 'five', file: b64 } }, 400, /workItemId must be a work item id/],
        ['POST', '/api/sync/upload', { json: { fileName: '../etc/passwd', workItemId: 5, file: b64 } }, 400, /plain file name/],
        ['POST', '/api/sync/upload', { json: { fileName: 'a.txt', workItemId: 5, file: 'not base64!' } }, 400, /not valid base64/],
        ['POST', '/api/sync/upload', { json: { workItemId: 5, file: b64 } }, 400, /fileName is required/],
        ['POST', '/api/sync/upload', { body: '{"fileName": ', headers: { 'content-type': 'application/json' } }, 400, /not valid JSON/],
        ['POST', '/api/sync/upload', { body: 'x', headers: { 'content-type': 'text/plain' } }, 415, /application\/octet-stream/],
        ['POST', '/api/sync/upload?fileName=a.txt', { body: 'x', headers: { 'content-type': 'application/octet-stream' } }, 400, /workItemId/],
        ['POST', '/api/sync/link-attachment', { json: { workItemId: 5, attachmentUrl: 'https://example.test/nothing' } }, 400, /not an attachment URL/],
        ['POST', '/api/sync/link-attachment', { json: { workItemId: 0, attachmentUrl: 'x' } }, 400, /workItemId/],
        ['POST', '/api/sync/force-sync/abc', {}, 400, /workItemId/],
        ['GET', '/api/sync/status/-1', {}, 400, /workItemId/],
        ['GET', '/api/sync/deduplication/abc', {}, 400, /SHA-256/],
        ['GET', '/api/sync/upload-session/nope', {}, 400, /UUID/],
        ['DELETE', '/api/sync/attachments/not-a-guid', {}, 400, /not an attachment GUID/],
        ['POST', '/api/sync/download/0f0f0f0f-0000-4000-8000-000000000000', {}, 400, /workItemId/],
        ['GET', '/api/sync-history?status=bogus', {}, 400, /status must be one or more of/],
        ['GET', '/api/sync-history?limit=0', {}, 400, /^limit must be/],
        // The query's own names in the message, not the CLI's options (--work-item).
        ['GET', '/api/sync-history?workItemId=x7', {}, 400, /^workItemId must be a work item id/],
        ['GET', '/api/sync-history?trigger=cron', {}, 400, /^trigger must be one of manual/],
        ['GET', '/api/sync-history?cursor=garbage', {}, 400, /cursor/],
        ['GET', '/api/audit-logs?limit=9999', {}, 400, /limit must be/],
        ['GET', '/api/nothing-here', {}, 404, /no route/],
        ['PUT', '/api/sync/status/5', {}, 405, /use GET/],
      ];
      for (const [method, path, options, status, message] of cases) {
        const r = await api.call<ErrorAnswer>(method, path, options);
        assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.success, false);
        assert.match(r.body.error.message, message, `${method} ${path}`);
        assert.equal(typeof r.body.error.code, 'string');
      }
      assert.equal(f.ado.state.attachments.size, before);
      const stopped = await api.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
      await withStore(f, (store) => {
        assert.deepEqual(store.attachments.forWorkItem(5), []);
        assert.equal(store.history.page({ trigger: 'attach' }, 10).total, 0, 'no run recorded for a refused upload');
      }, true);
    });

    it('POST /api/sync/link-attachment links an uploaded-only attachment to another work item', async () => {
      const bytes = Buffer.from('shared spec\n');
      const up = await api.call<UploadAnswer>('POST', '/api/sync/upload', { json: { fileName: 'spec.txt', workItemId: 5, file: bytes.toString('base64'), link: false } });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.equal(up.body.message, 'Attachment uploaded');
      const url = up.body.attachment?.attachmentUrl;
      assert.ok(url);
      assert.deepEqual(linkedGuids(f, 5), [], 'upload only');
      const r = await api.call<{ success: boolean; message: string; attachment: Attachment }>('POST', '/api/sync/link-attachment', { json: { workItemId: 6, attachmentUrl: url, fileName: 'spec.txt', comment: 'see' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.message, 'Attachment linked');
      assert.ok(linkedGuids(f, 6).includes(up.body.attachment?.attachmentGuid ?? '?'));
    });

    it('POST /api/sync/download/:guid (body or query) saves into the mirror; DELETE soft-deletes the record', async () => {
      const bytes = Buffer.from(`from the web ${Date.now()}\n`);
      await colleagueAttaches(f, 6, 'web.txt', bytes);
      const list = await api.call<{ adoAttachments: { guid: string; name: string }[] }>('GET', '/api/sync/attachments/6');
      const guid = list.body.adoAttachments.find((x) => x.name === 'web.txt')?.guid;
      assert.ok(guid);
      const r = await api.call<{ success: boolean; message: string; attachment: Attachment }>('POST', `/api/sync/download/${guid}`, { json: { workItemId: 6, fileName: 'web.txt' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.message, 'Attachment downloaded');
      assert.deepEqual(await readOrUndefined(mirrorFile(f, 6, 'web.txt')), bytes);
      const again = await api.call<{ message: string }>('POST', `/api/sync/download/${guid}?workItemId=6`);
      assert.equal(again.body.message, 'The same file is already in the mirror folder');

      const del = await api.call('DELETE', `/api/sync/attachments/${guid.toUpperCase()}`);
      assert.equal(del.status, 200, JSON.stringify(del.body));
      assert.deepEqual(del.body, { success: true, message: 'Attachment record deleted locally; Azure DevOps is unchanged', attachmentGuid: guid });
      assert.equal((await api.call('DELETE', `/api/sync/attachments/${guid}`)).status, 404);
      assert.ok(linkedGuids(f, 6).includes(guid), 'ADO unchanged');
    });

    it('POST /api/sync/force-sync/:id syncs both ways and the run shows in /api/sync-history and /api/audit-logs', async () => {
      const bytes = Buffer.from('colleague file\n');
      await colleagueAttaches(f, 5, 'notes.txt', bytes);
      const r = await api.call<{ success: boolean; status: string; message: string; run: { runId: number; trigger: string }; workItemIds: number[] }>('POST', '/api/sync/force-sync/5');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.success, true);
      assert.equal(r.body.status, 'COMPLETED');
      assert.deepEqual(r.body.workItemIds, [5]);
      assert.deepEqual(await readOrUndefined(mirrorFile(f, 5, 'notes.txt')), bytes);

      await api.call('POST', '/api/sync/force-sync/6');
      const page = await api.call<{ success: boolean; data: { id: number; trigger: string }[]; pagination: { total: number; limit: number; nextCursor: string | null } }>('GET', '/api/sync-history?trigger=manual&limit=1');
      assert.equal(page.status, 200);
      assert.equal(page.body.success, true);
      assert.equal(page.body.data.length, 1);
      assert.equal(page.body.pagination.limit, 1);
      assert.ok(page.body.pagination.total >= 2);
      assert.ok(page.body.pagination.nextCursor);
      const next = await api.call<{ data: { id: number }[] }>('GET', `/api/sync-history?trigger=manual&limit=1&cursor=${encodeURIComponent(page.body.pagination.nextCursor)}`);
      assert.equal(next.body.data.length, 1);
      assert.ok(next.body.data[0].id < page.body.data[0].id, 'newest first, the next page older');
      const mine = await api.call<{ data: { id: number }[] }>('GET', '/api/sync-history?workItemId=5&status=completed');
      assert.ok(mine.body.data.some((x) => x.id === r.body.run.runId));

      const one = await api.call<{ success: boolean; data: { id: number; items: { itemName: string; status: string }[] } }>('GET', `/api/sync-history/${r.body.run.runId}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.data.id, r.body.run.runId);
      assert.ok(one.body.data.items.some((i) => i.itemName === 'notes.txt' && i.status === 'downloaded'), JSON.stringify(one.body.data.items));
      assert.equal((await api.call('GET', '/api/sync-history/999999')).status, 404);

      const audit = await api.call<{ success: boolean; data: { actionType: string }[] }>('GET', '/api/audit-logs?limit=50');
      assert.equal(audit.status, 200);
      assert.ok(audit.body.data.length >= 1);
    });
  });

  it('GET /api/sync/events streams a run as server-sent events: runStarted, itemDone, runFinished', async () => {
    api = await startApi(f);
    await colleagueAttaches(f, 5, 'streamed.txt', Buffer.from('sse\n'));
    const stop = new AbortController();
    const res = await fetch(`${api.base}/api/sync/events`, { headers: { authorization: `Bearer ${api.token}` }, signal: stop.signal });
    assert.equal(res.status, 200);
    assert.ok(res.body);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const events: { event: string; data: { runId: number; fileName?: string } }[] = [];
    let buffer = '';
    const collecting = (async () => {
      while (!events.some((e) => e.event === 'runFinished')) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as { runId: number; fileName?: string } });
        }
      }
    })();
    const run = await api.call<{ run: { runId: number } }>('POST', '/api/sync/force-sync/5');
    await collecting;
    stop.abort();
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'runStarted');
    assert.equal(names.at(-1), 'runFinished');
    assert.ok(events.some((e) => e.event === 'itemDone' && e.data.fileName === 'streamed.txt'), names.join(', '));
    assert.ok(events.every((e) => e.data.runId === run.body.run.runId));
  });

  it('GET /api/sync/upload-session/:uuid answers the progress of a session in the database', async () => {
    const uuid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    await withStore(f, (store) => {
      store.uploadSessions.create({ sessionUuid: uuid, workItemId: 5, filePath: '/x/large-video.mp4', fileName: 'large-video.mp4', totalSize: 20 * 1024 * 1024, chunkSize: 1024 * 1024 });
      store.uploadSessions.setProgress(uuid, 15 * 1024 * 1024, '', 'ACTIVE');
    });
    api = await startApi(f);
    const r = await api.call('GET', `/api/sync/upload-session/${uuid.toUpperCase()}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.sessionUuid, uuid);
    assert.equal(r.body.progress, '15/20');
    assert.equal(r.body.percentComplete, 75);
    assert.equal((await api.call('GET', '/api/sync/upload-session/3f2504e0-4f89-41d3-9a0c-0305e82c3302')).status, 404);
  });
});
