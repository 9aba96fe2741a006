// Change detection routes: reporting revisions paging, updates and revisions, seeds.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { call, V } from './client';

interface Batch {
  values: { id: number; rev: number; fields: Record<string, unknown> }[];
  continuationToken: string;
  nextLink: string;
  isLastBatch: boolean;
}

describe('emulator change feeds', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ workItems: 5 });
  });
  after(() => emulator.close());

  it('reporting revisions page with continuationToken/nextLink until isLastBatch, then show only new revisions', async () => {
    const seen: string[] = [];
    let url = `/Demo/_apis/wit/reporting/workitemrevisions?fields=System.Id,System.Rev&$maxPageSize=7&${V}`;
    let batch: Batch;
    do {
      batch = (await call(emulator, 'GET', url)).json() as unknown as Batch;
      seen.push(...batch.values.map((v) => `${v.id}:${v.rev}`));
      assert.deepEqual(Object.keys(batch.values[0]?.fields ?? { 'System.Id': 1, 'System.Rev': 1 }).sort(), ['System.Id', 'System.Rev']);
      url = batch.nextLink.slice(emulator.baseUrl.length);
    } while (!batch.isLastBatch);
    assert.equal(seen.length, 17, '12 demo + 5 generated items, one revision each');
    assert.equal(new Set(seen).size, seen.length);
    const idle = (await call(emulator, 'GET', url)).json() as unknown as Batch;
    assert.equal(idle.values.length, 0);
    assert.equal(idle.isLastBatch, true);
    await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/2?${V}`, [{ op: 'add', path: '/fields/System.Title', value: 'changed' }]);
    const fresh = (await call(emulator, 'GET', `/Demo/_apis/wit/reporting/workitemrevisions?continuationToken=${idle.continuationToken}&${V}`)).json() as unknown as Batch;
    assert.deepEqual(fresh.values.map((v) => [v.id, v.rev]), [[2, 2]]);
    // startDateTime is ignored when a continuationToken is given (ado-behaviour.md §4).
    const both = await call(emulator, 'GET', `/Demo/_apis/wit/reporting/workitemrevisions?continuationToken=${idle.continuationToken}&startDateTime=2099-01-01&${V}`);
    assert.deepEqual((both.json() as unknown as Batch).values.map((v) => [v.id, v.rev]), [[2, 2]]);
    const unknownField = await call(emulator, 'GET', `/Demo/_apis/wit/reporting/workitemrevisions?fields=System.Id,No.Such.Field&${V}`);
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.json().typeKey, 'WorkItemTrackingFieldDefinitionNotFoundException');
  });

  it('updates carry field deltas; revisions are full snapshots', async () => {
    await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/3?${V}`, [{ op: 'replace', path: '/fields/System.State', value: 'Active' }]);
    const updates = (await call(emulator, 'GET', `/Demo/_apis/wit/workItems/3/updates?${V}`)).json().value as { rev: number; fields?: Record<string, { oldValue?: unknown; newValue?: unknown }> }[];
    const last = updates[updates.length - 1];
    assert.deepEqual(last.fields?.['System.State'], { oldValue: 'New', newValue: 'Active' });
    assert.deepEqual(last.fields?.['System.Rev'], { oldValue: 1, newValue: 2 });
    const revisions = (await call(emulator, 'GET', `/Demo/_apis/wit/workItems/3/revisions?${V}`)).json().value as { rev: number; fields: Record<string, unknown> }[];
    assert.deepEqual(revisions.map((r) => [r.rev, r.fields['System.State']]), [[1, 'New'], [2, 'Active']]);
  });

  it('loads a seed file and resets to the seed through the admin route', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'emulator-seed-'));
    try {
      const file = path.join(dir, 'seed.json');
      await writeFile(file, JSON.stringify({ workItems: [{ type: 'Epic', title: 'Root' }, { type: 'Task', title: 'Leaf', parent: 0, attachments: [{ name: 'x.txt', content: 'x' }] }] }));
      const seeded = await startEmulator({ seed: 'empty', seedFile: file });
      try {
        const leaf = await call(seeded, 'GET', `/Demo/_apis/wit/workitems/2?$expand=relations&${V}`);
        assert.deepEqual((leaf.json().relations as { rel: string }[]).map((r) => r.rel).sort(), ['AttachedFile', 'System.LinkTypes.Hierarchy-Reverse']);
        await call(seeded, 'POST', `/Demo/_apis/wit/workitems/$Bug?${V}`, [{ op: 'add', path: '/fields/System.Title', value: 'extra' }]);
        assert.equal(seeded.state.workItems.size, 3);
        await fetch(`http://127.0.0.1:${seeded.port}/_emulator/reset`, { method: 'POST' });
        assert.equal(seeded.state.workItems.size, 2);
      } finally {
        await seeded.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
