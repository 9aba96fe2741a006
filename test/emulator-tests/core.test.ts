import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { adminUrl, call, V } from './client';

describe('emulator core routes', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ maxAttachmentSize: 1024 * 1024 });
  });
  after(() => emulator.close());

  it('answers 401 with the FedAuth suppression header and 203 + HTML sign-in page without it', async () => {
    const suppressed = await call(emulator, 'GET', `/_apis/projects?${V}`, undefined, { Authorization: 'Basic ' + Buffer.from(':wrong').toString('base64') });
    assert.equal(suppressed.status, 401);
    assert.match(String(suppressed.json().message), /TF400813/);
    const browser = await fetch(`${emulator.baseUrl}/_apis/projects?${V}`);
    assert.equal(browser.status, 203);
    assert.match(browser.headers.get('content-type') ?? '', /text\/html/);
  });

  it('serves connectionData and projects, with api-version in the Accept header', async () => {
    const data = await call(emulator, 'GET', '/_apis/connectionData');
    assert.equal((data.json().authenticatedUser as { providerDisplayName: string }).providerDisplayName, 'Ada Tester');
    const projects = await call(emulator, 'GET', '/_apis/projects', undefined, { Accept: 'application/json;api-version=7.1' });
    assert.equal(projects.status, 200);
    assert.match(projects.headers.get('content-type') ?? '', /api-version=7.1/);
    assert.equal((projects.json().value as { name: string }[])[0].name, 'Demo');
    assert.ok(projects.headers.get('x-vss-e2eid'));
  });

  it('rejects api-versions above the ceiling with the service error', async () => {
    const old = await startEmulator({ apiVersionMax: '5.0', seed: 'empty' });
    try {
      const reply = await call(old, 'GET', '/_apis/projects?api-version=7.1');
      assert.equal(reply.status, 400);
      assert.equal(reply.json().typeKey, 'VssVersionOutOfRangeException');
      assert.match(String(reply.json().message), /latest REST API version this server supports is 5.0/);
      assert.equal((await call(old, 'GET', '/_apis/projects?api-version=5.0-preview.1')).status, 200);
    } finally {
      await old.close();
    }
  });

  it('stores a simple upload (201), downloads it with type and disposition, and 404s unknown ids', async () => {
    const up = await call(emulator, 'POST', `/Demo/_apis/wit/attachments?fileName=notes.txt&${V}`, 'hello emulator');
    assert.equal(up.status, 201);
    const id = String(up.json().id);
    const down = await call(emulator, 'GET', `/Demo/_apis/wit/attachments/${id}?fileName=notes.txt&download=true&${V}`);
    assert.equal(down.text, 'hello emulator');
    assert.equal(down.headers.get('content-type'), 'application/octet-stream');
    assert.equal(down.headers.get('content-disposition'), 'attachment; filename="notes.txt"');
    const stored = emulator.state.attachments.get(id);
    assert.equal(stored?.sha256, createHash('sha256').update('hello emulator').digest('hex'));
    assert.equal((await call(emulator, 'GET', `/_apis/wit/attachments/00000000-0000-0000-0000-000000000000?${V}`)).status, 404);
  });

  it('refuses attachments over maxAttachmentSize with TF237082 (simple and chunked)', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const simple = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=big.bin&${V}`, big);
    assert.equal(simple.status, 400);
    assert.match(String(simple.json().message), /^TF237082: The file you are trying to upload exceeds the supported file upload size \(1.000 MB\(s\)\)/);
    const start = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=big.bin&uploadType=Chunked&${V}`, '');
    const chunk = await call(emulator, 'PUT', `/_apis/wit/attachments/${String(start.json().id)}?${V}`, 'abc', { 'Content-Range': `bytes 0-2/${2 * 1024 * 1024}` });
    assert.equal(chunk.status, 400);
    assert.match(String(chunk.json().message), /^TF237082/);
  });

  it('assembles chunked uploads and rejects changed totals and length mismatches', async () => {
    const start = await call(emulator, 'POST', `/Demo/_apis/wit/attachments?fileName=data.bin&uploadType=Chunked&${V}`, '');
    assert.equal(start.status, 202);
    const id = String(start.json().id);
    const put = (body: string, range: string) => call(emulator, 'PUT', `/Demo/_apis/wit/attachments/${id}?${V}`, body, { 'Content-Range': range });
    assert.equal((await put('abcd', 'bytes 0-3/10')).status, 202);
    assert.match(String((await put('efgh', 'bytes 4-7/12')).json().message), /does not match the length 10/);
    const short = await put('efg', 'bytes 4-7/10');
    assert.equal(short.status, 400);
    assert.equal(short.json().Message, "Content-Range values don't match the length of the file content. ");
    assert.equal((await put('efgh', 'bytes 4-7')).status, 400);
    assert.equal((await put('efgh', 'bytes 4-7/10')).status, 202);
    assert.equal(emulator.state.attachments.get(id)?.complete, false);
    assert.equal((await put('ij', 'bytes 8-9/10')).status, 201);
    const down = await call(emulator, 'GET', `/Demo/_apis/wit/attachments/${id}?${V}`);
    assert.equal(down.text, 'abcdefghij');
    assert.equal(emulator.state.attachments.get(id)?.sha256, createHash('sha256').update('abcdefghij').digest('hex'));
  });

  it('creates, links, updates and deletes work items with JSON Patch; stale rev is 412', async () => {
    const created = await call(emulator, 'POST', `/Demo/_apis/wit/workitems/$Task?${V}`, [
      { op: 'add', path: '/fields/System.Title', value: 'Emulator task' },
      { op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${emulator.baseUrl}/_apis/wit/workItems/1` } },
    ]);
    assert.equal(created.status, 200);
    const item = created.json();
    assert.equal(item.rev, 1);
    const parent = await call(emulator, 'GET', `/Demo/_apis/wit/workitems/1?$expand=relations&${V}`);
    assert.ok((parent.json().relations as { rel: string; url: string }[]).some((r) => r.rel === 'System.LinkTypes.Hierarchy-Forward' && r.url.endsWith(`/${String(item.id)}`)));
    const up = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=spec.md&${V}`, '# spec');
    const patched = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/${String(item.id)}?$expand=relations&${V}`, [
      { op: 'test', path: '/rev', value: 1 },
      { op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: String(up.json().url), attributes: { comment: 'the spec' } } },
    ]);
    assert.equal(patched.status, 200);
    assert.equal(patched.json().rev, 2);
    const relation = (patched.json().relations as { rel: string; url: string; attributes: Record<string, unknown> }[]).find((r) => r.rel === 'AttachedFile');
    assert.equal(relation?.url, `${emulator.baseUrl}/_apis/wit/attachments/${String(up.json().id)}`);
    assert.deepEqual(Object.keys(relation?.attributes ?? {}).sort(), ['authorizedDate', 'comment', 'id', 'name', 'resourceCreatedDate', 'resourceModifiedDate', 'resourceSize', 'revisedDate']);
    assert.equal(relation?.attributes.name, 'spec.md');
    assert.equal(relation?.attributes.resourceSize, 6);
    assert.equal(relation?.attributes.revisedDate, '9999-01-01T00:00:00Z');
    const stale = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/${String(item.id)}?${V}`, [{ op: 'test', path: '/rev', value: 1 }, { op: 'add', path: '/fields/System.Title', value: 'lost' }]);
    assert.equal(stale.status, 412);
    assert.equal(stale.json().typeKey, 'TestPatchOperationFailedException');
    assert.equal(emulator.state.workItems.get(Number(item.id))?.fields['System.Title'], 'Emulator task');
    const removed = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/${String(item.id)}?$expand=relations&${V}`, [{ op: 'test', path: '/rev', value: 2 }, { op: 'remove', path: '/relations/1' }]);
    assert.equal(removed.json().rev, 3);
    const updates = await call(emulator, 'GET', `/Demo/_apis/wit/workItems/${String(item.id)}/updates?${V}`);
    const values = updates.json().value as { rev: number; relations?: { added?: unknown[]; removed?: unknown[] } }[];
    assert.equal(values.length, 3);
    assert.equal(values[1].relations?.added?.length, 1);
    assert.equal(values[2].relations?.removed?.length, 1);
    const deleted = await call(emulator, 'DELETE', `/Demo/_apis/wit/workitems/${String(item.id)}?${V}`);
    assert.equal(deleted.status, 200);
    const gone = await call(emulator, 'GET', `/Demo/_apis/wit/workitems/${String(item.id)}?${V}`);
    assert.equal(gone.status, 404);
    assert.match(String(gone.json().message), /^TF401232/);
  });

  it('enforces 100 attachments per work item with VS403313', async () => {
    const urls = await Promise.all(Array.from({ length: 101 }, async (_, i) => String((await call(emulator, 'POST', `/_apis/wit/attachments?fileName=a${i}.txt&${V}`, 'a')).json().url)));
    const ops = urls.map((url) => ({ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url } }));
    const reply = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, ops);
    assert.equal(reply.status, 400);
    assert.match(String(reply.json().message), /^VS403313/);
  });

  it('workitemsbatch: wrapped results, 200-id cap and the $expand+fields conflict', async () => {
    const ok = await call(emulator, 'POST', `/Demo/_apis/wit/workitemsbatch?${V}`, { ids: [1, 2], fields: ['System.Id', 'System.Title'] });
    assert.equal(ok.json().count, 2);
    assert.deepEqual(Object.keys((ok.json().value as { fields: object }[])[0].fields).sort(), ['System.Id', 'System.Title']);
    const tooMany = await call(emulator, 'POST', `/Demo/_apis/wit/workitemsbatch?${V}`, { ids: Array.from({ length: 201 }, (_, i) => i + 1) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.json().message, 'VS403474: You requested 201 work items which exceeds the limit of 200');
    const conflict = await call(emulator, 'POST', `/Demo/_apis/wit/workitemsbatch?${V}`, { ids: [1], fields: ['System.Id'], $expand: 'relations' });
    assert.equal(conflict.status, 400);
    assert.equal(conflict.json().message, 'The expand parameter can not be used with the fields parameter.');
  });

  it('WIQL: filters, ordering, $top and the date-precision 400', async () => {
    const bugs = await call(emulator, 'POST', `/Demo/_apis/wit/wiql?${V}`, { query: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' ORDER BY [System.Id] DESC" });
    assert.deepEqual((bugs.json().workItems as { id: number }[]).map((w) => w.id), [10, 4]);
    const mine = await call(emulator, 'POST', `/Demo/_apis/wit/wiql?$top=2&${V}`, { query: "SELECT [System.Id] FROM WorkItems WHERE [System.AssignedTo] = @me AND [System.State] <> 'Done' OR [System.Title] CONTAINS 'account'" });
    assert.equal((mine.json().workItems as unknown[]).length, 2);
    const withTime = { query: "SELECT [System.Id] FROM WorkItems WHERE [System.ChangedDate] >= '2024-05-01T10:00:00Z'" };
    const refused = await call(emulator, 'POST', `/Demo/_apis/wit/wiql?${V}`, withTime);
    assert.equal(refused.status, 400);
    assert.equal(refused.json().message, 'You cannot supply a time with the date when running a query using date precision.');
    const allowed = await call(emulator, 'POST', `/Demo/_apis/wit/wiql?timePrecision=true&${V}`, withTime);
    assert.equal(allowed.status, 200);
    assert.ok((allowed.json().workItems as unknown[]).length >= 12);
  });

  it('admin routes: state with sha256, stats by route pattern, colleague attachments', async () => {
    const added = await fetch(adminUrl(emulator, '/_emulator/work-items/3/attachments?fileName=colleague.txt&comment=From%20Bob'), { method: 'POST', body: 'from bob' });
    assert.equal(added.status, 200);
    const item = await call(emulator, 'GET', `/Demo/_apis/wit/workitems/3?$expand=relations&${V}`);
    assert.equal((item.json().fields as Record<string, { displayName: string }>)['System.ChangedBy'].displayName, 'Bob Colleague');
    const state = (await (await fetch(adminUrl(emulator, '/_emulator/state'))).json()) as { attachments: { fileName: string; sha256: string }[] };
    assert.equal(state.attachments.find((a) => a.fileName === 'colleague.txt')?.sha256, createHash('sha256').update('from bob').digest('hex'));
    const stats = (await (await fetch(adminUrl(emulator, '/_emulator/stats'))).json()) as { totalRequests: number; routes: Record<string, { byStatus: Record<string, number> }> };
    assert.ok(stats.totalRequests > 10);
    assert.ok(stats.routes['PUT /_apis/wit/attachments/{id}'].byStatus['400'] >= 1);
  });
});
