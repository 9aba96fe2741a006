// The backlog import end to end over real HTTP: the Ardoq emulator as the source, the ADO
// emulator as the target, checked against what the ADO emulator holds afterwards.
import assert from 'node:assert/strict';
import { createAdoClient, PatAuth, type AdoClient } from '../../src/core/ado';
import { type BacklogProgressEvent, type BacklogSource, componentTag, importBacklog, sourceTag, typeMapping } from '../../src/core/backlog';
import { startEmulator, type RunningEmulator } from '../emulator';
import { updateWorkItem as emulatorUpdate } from '../emulator/workItems';
import { generateBacklog, childrenFirst, startArdoqEmulator, type ArdoqRecord, type RunningArdoqEmulator } from '../ardoq-emulator';
import { MemoryHistory } from './memoryHistory';

const ARDOQ_TOKEN = 'ardoq-token';
const PAT = 'test-pat';
const HIERARCHY_REVERSE = 'System.LinkTypes.Hierarchy-Reverse';

interface EmulatedItem {
  id: number;
  deleted: boolean;
  fields: Record<string, unknown>;
  relations: { rel: string; url: string }[];
}

describe('backlog import (Ardoq -> Azure DevOps)', function () {
  let ado: RunningEmulator;
  let ardoq: RunningArdoqEmulator;
  let client: AdoClient;
  const auth = new PatAuth(PAT);
  // 5 epics, 20 features, 100 stories; served children first, 25 a page.
  const backlog = generateBacklog({ workspaceId: 'ws-main', epics: 5, featuresPerEpic: 4, storiesPerFeature: 5 });

  beforeEach(async () => {
    ado = await startEmulator({ pats: [PAT] });
    ardoq = await startArdoqEmulator({ token: ARDOQ_TOKEN, workspaces: { 'ws-main': childrenFirst(backlog), 'ws-other': generateBacklog({ workspaceId: 'ws-other', epics: 1, featuresPerEpic: 1, storiesPerFeature: 1 }) }, pageSize: 25 });
    client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth, apiVersion: '7.1' });
  });
  afterEach(async () => {
    await Promise.all([ado.close(), ardoq.close()]);
  });

  const source = (workspaceId = 'ws-main'): BacklogSource => ({ kind: 'ardoq', orgUrl: ardoq.url, workspaceId, token: ARDOQ_TOKEN });
  const liveItems = (): EmulatedItem[] => [...(ado.state.workItems.values() as Iterable<EmulatedItem>)].filter((w) => !w.deleted);
  const importedBy = (workspaceId: string) => liveItems().filter((w) => String(w.fields['System.Tags'] ?? '').split('; ').includes(sourceTag(workspaceId)));
  const byArdoqId = (items: EmulatedItem[]) => new Map(items.map((w) => [String(w.fields['System.Tags']).split('; ').find((t) => t.startsWith('ardoq:'))?.slice('ardoq:'.length), w]));
  const parentOf = (w: EmulatedItem) => {
    const rel = w.relations.find((r) => r.rel === HIERARCHY_REVERSE);
    return rel ? Number(/workItems\/(\d+)$/i.exec(rel.url)?.[1]) : undefined;
  };

  it('creates 5 epics, 20 features and 100 stories with their parent links, name and description', async () => {
    const history = new MemoryHistory();
    const events: BacklogProgressEvent[] = [];
    const unrelated = liveItems().length;
    const summary = await importBacklog({ source: source(), client, history, onProgress: (e) => events.push(e), origin: { userAgent: 'test' } });

    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.totalItems, summary.created, summary.failed], [125, 125, 0]);
    assert.deepEqual(summary.byKind.epic, { created: 5, updated: 0, unchanged: 0, failed: 0 });
    assert.equal(summary.byKind.feature.created, 20);
    assert.equal(summary.byKind.user_story.created, 100);

    const items = importedBy('ws-main');
    assert.equal(items.length, 125);
    assert.equal(liveItems().length, unrelated + 125);
    const map = byArdoqId(items);
    for (const component of backlog) {
      const w = map.get(component._id);
      assert.ok(w, `no work item for ${component._id}`);
      assert.equal(w.fields['System.Title'], component.name);
      assert.equal(w.fields['System.WorkItemType'], component.type);
      assert.equal(parentOf(w), component.parent ? map.get(component.parent)?.id : undefined, `parent of ${component.name}`);
    }
    const epic = map.get(backlog[0]._id);
    assert.equal(epic?.fields['System.Description'], 'Goal of epic 1.<br>Second line &amp; &lt;b&gt;markup&lt;/b&gt;.');

    // Events: one per item with the seed's names, then sync:complete.
    const itemEvents = events.filter((e) => e.type.endsWith(':created'));
    assert.equal(itemEvents.length, 125);
    assert.equal(events.filter((e) => e.type === 'epic:created').length, 5);
    assert.equal(events.filter((e) => e.type === 'feature:created').length, 20);
    assert.equal(events.filter((e) => e.type === 'user_story:created').length, 100);
    assert.equal(events.at(-1)?.type, 'sync:complete');

    // History: counters equal what the emulator holds.
    const run = history.runs[0];
    assert.equal(run.status, 'completed');
    assert.equal(run.start.totalItems, 125);
    assert.equal(run.start.sourceConfigId, 'ws-main');
    assert.equal(run.items.filter((i) => i.status === 'created').length, items.length);
    const ids = new Set(items.map((w) => w.id));
    assert.ok(run.items.every((i) => i.azureDevopsId !== undefined && ids.has(i.azureDevopsId) && i.azureDevopsUrl?.endsWith(`/_workitems/edit/${i.azureDevopsId}`)));
    assert.deepEqual(run.audit.map((a) => a.action), ['sync_started', 'sync_completed']);
  });

  it('re-imports without duplicates: changed names, descriptions and parents are updated, the rest untouched', async () => {
    await importBacklog({ source: source(), client });
    const first = byArdoqId(importedBy('ws-main'));
    const revs = new Map([...first.values()].map((w) => [w.id, (w as unknown as { rev: number }).rev]));

    const stories = ardoq.workspaces['ws-main'];
    const renamed = stories.find((c) => c.name === 'Story 2.1.1') as ArdoqRecord;
    renamed.name = 'Story 2.1.1 (renamed)';
    const moved = stories.find((c) => c.name === 'Story 3.1.1') as ArdoqRecord;
    const newParent = backlog.find((c) => c.name === 'Feature 4.2') as ArdoqRecord;
    moved.parent = newParent._id;
    const added: ArdoqRecord = { ...renamed, _id: 'aaaaaaaaaaaaaaaaaaaaaaaa', name: 'A new story', parent: newParent._id };
    stories.push(added);

    const history = new MemoryHistory();
    const summary = await importBacklog({ source: source(), client, history });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.created, summary.updated, summary.unchanged, summary.failed], [1, 2, 123, 0]);

    const after = byArdoqId(importedBy('ws-main'));
    assert.equal(after.size, 126);
    assert.equal(importedBy('ws-main').length, 126);
    assert.equal(after.get(renamed._id)?.fields['System.Title'], 'Story 2.1.1 (renamed)');
    assert.equal(after.get(renamed._id)?.id, first.get(renamed._id)?.id);
    assert.equal(parentOf(after.get(moved._id) as EmulatedItem), first.get(newParent._id)?.id);
    assert.equal(parentOf(after.get(added._id) as EmulatedItem), first.get(newParent._id)?.id);
    // Unchanged items got no new revision.
    const untouched = first.get(backlog[0]._id) as EmulatedItem;
    assert.equal((after.get(backlog[0]._id) as unknown as { rev: number }).rev, revs.get(untouched.id));
    assert.deepEqual(history.runs[0].items.filter((i) => i.status === 'updated').map((i) => i.ardoqId).sort(), [renamed._id, moved._id].sort());
  });

  it('overwrite deletes exactly the earlier items of this source, in chunks, and records deletion_count', async () => {
    await importBacklog({ source: source(), client });
    await importBacklog({ source: source('ws-other'), client });
    const firstIds = new Set(importedBy('ws-main').map((w) => w.id));
    const otherIds = importedBy('ws-other').map((w) => w.id).sort();
    const untagged = liveItems().filter((w) => !String(w.fields['System.Tags'] ?? '').includes('ardoq')).map((w) => w.id).sort();
    assert.equal(otherIds.length, 3);
    assert.ok(untagged.length > 0, 'the ADO emulator seeds unrelated items');

    const history = new MemoryHistory();
    const events: BacklogProgressEvent[] = [];
    const statsBefore = structuredClone(ado.state.stats.routes);
    const summary = await importBacklog({ source: source(), client, history, overwrite: true, deleteChunkSize: 50, onProgress: (e) => events.push(e) });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.deletionCount, 125);
    assert.equal(summary.created, 125);
    assert.equal(history.runs[0].deletionCount, 125);
    assert.equal(history.runs[0].start.overwriteMode, true);
    assert.deepEqual(events.filter((e) => e.type === 'deletion:progress').map((e) => (e as { deleted: number }).deleted), [50, 100, 125]);
    const batchCalls = (ado.state.stats.routes['POST /_apis/wit/workitemsdelete']?.count ?? 0) - (statsBefore['POST /_apis/wit/workitemsdelete']?.count ?? 0);
    assert.equal(batchCalls, 3);
    assert.equal(ado.state.stats.routes['DELETE /_apis/wit/workitems/{id}']?.count ?? 0, 0);

    const now = importedBy('ws-main');
    assert.equal(now.length, 125);
    assert.ok(now.every((w) => !firstIds.has(w.id)), 'all recreated');
    assert.ok([...firstIds].every((id) => (ado.state.workItems.get(id) as EmulatedItem).deleted), 'the earlier ones are deleted');
    assert.deepEqual(importedBy('ws-other').map((w) => w.id).sort(), otherIds);
    assert.deepEqual(liveItems().filter((w) => !String(w.fields['System.Tags'] ?? '').includes('ardoq')).map((w) => w.id).sort(), untagged);
  });

  it('records an item ADO rejects as failed with the service message; the others go on', async () => {
    const workspace = generateBacklog({ workspaceId: 'ws-bad', epics: 1, featuresPerEpic: 2, storiesPerFeature: 3 });
    const badStory = workspace.find((c) => c.name === 'Story 1.1.2') as ArdoqRecord;
    badStory.name = '   ';
    const badFeature = workspace.find((c) => c.name === 'Feature 1.2') as ArdoqRecord;
    badFeature.name = '';
    const history = new MemoryHistory();
    const summary = await importBacklog({ source: { kind: 'components', components: workspace.map((c) => ({ ...c })), sourceKey: 'ws-bad' }, client, history });

    assert.equal(summary.status, 'completed');
    // Story 1.1.2 and Feature 1.2 rejected; Feature 1.2's three stories cannot hang under it.
    assert.deepEqual([summary.created, summary.failed], [4, 5]);
    assert.deepEqual(summary.byKind.feature, { created: 1, updated: 0, unchanged: 0, failed: 1 });
    assert.deepEqual(summary.byKind.user_story, { created: 2, updated: 0, unchanged: 0, failed: 4 });
    const failed = history.runs[0].items.filter((i) => i.status === 'failed');
    const story = failed.find((i) => i.ardoqId === badStory._id);
    assert.match(story?.errorMessage ?? '', /^TF401320: Rule Error for field Title/);
    assert.equal(story?.azureDevopsId, undefined);
    assert.ok(failed.filter((i) => i.itemType === 'user_story' && i.ardoqId !== badStory._id).every((i) => /parent "" .* failed/.test(i.errorMessage ?? '')));
    assert.equal(importedBy('ws-bad').length, 4);
  });

  it('a cancelled import stops, is recorded as cancelled, and a re-run completes it without duplicates', async () => {
    const controller = new AbortController();
    const history = new MemoryHistory();
    const events: BacklogProgressEvent[] = [];
    const summary = await importBacklog({
      source: source(),
      client,
      history,
      signal: controller.signal,
      onProgress: (e) => {
        events.push(e);
        if ('done' in e && e.done === 30) controller.abort();
      },
    });
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.created, 30);
    assert.equal(importedBy('ws-main').length, 30);
    assert.equal(history.runs[0].status, 'cancelled');
    assert.deepEqual(history.runs[0].audit.map((a) => a.action), ['sync_started', 'sync_cancelled']);
    assert.equal(events.at(-1)?.type, 'sync:cancelled');

    const rerun = await importBacklog({ source: source(), client });
    assert.deepEqual([rerun.created, rerun.unchanged], [95, 30]);
    assert.equal(importedBy('ws-main').length, 125);
  });

  it('an item someone edits during the import is re-read and updated on top of their change (412)', async () => {
    await importBacklog({ source: source('ws-other'), client });
    const story = ardoq.workspaces['ws-other'].find((c) => c.type === 'User Story') as ArdoqRecord;
    story.name = 'Renamed in Ardoq';
    const target = byArdoqId(importedBy('ws-other')).get(story._id) as EmulatedItem;
    let edited = false;
    const summary = await importBacklog({
      source: source('ws-other'),
      client,
      onProgress: (e) => {
        // After discovery read the item, a colleague changes it: our `test /rev` is now stale.
        if (e.type === 'epic:unchanged' && !edited) {
          edited = true;
          const item = ado.state.liveWorkItem(target.id);
          assert.ok(item);
          emulatorUpdate(ado.state, item, [{ op: 'add', path: '/fields/System.State', value: 'Active' }], { collectionUrl: ado.baseUrl, by: ado.state.users[1] ?? ado.state.users[0] }, false);
        }
      },
    });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.updated, summary.failed], [1, 0]);
    const after = ado.state.workItems.get(target.id) as EmulatedItem;
    assert.equal(after.fields['System.Title'], 'Renamed in Ardoq');
    assert.equal(after.fields['System.State'], 'Active');
    assert.equal((ado.state.stats.routes['PATCH /_apis/wit/workitems/{id}']?.byStatus as Record<string, number>)['412'], 1);
  });

  it('a dry run changes nothing and records no history', async () => {
    const before = liveItems().length;
    const history = new MemoryHistory();
    const summary = await importBacklog({ source: source(), client, history, dryRun: true });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.created, 125);
    assert.equal(liveItems().length, before);
    assert.equal(history.runs.length, 0);
  });

  it('history failures never fail the import', async () => {
    const history = new MemoryHistory();
    history.failOn = 'recordItem';
    const logged: string[] = [];
    const summary = await importBacklog({ source: source('ws-other'), client, history, log: (m) => logged.push(m) });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.created, 3);
    assert.equal(history.runs[0].status, 'completed');
    assert.equal(logged.filter((m) => /History: could not record item .*database is locked/.test(m)).length, 3);
  });

  it('a source failure ends the run as failed with the reason, recorded in history', async () => {
    const history = new MemoryHistory();
    const events: BacklogProgressEvent[] = [];
    const summary = await importBacklog({ source: { kind: 'ardoq', orgUrl: ardoq.url, workspaceId: 'ws-main', token: 'bad' }, client, history, onProgress: (e) => events.push(e) });
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /Ardoq answered 401/);
    assert.equal(history.runs[0].status, 'failed');
    assert.equal(history.runs[0].end?.errorMessage, summary.error);
    assert.equal(events.at(-1)?.type, 'sync:error');
  });

  it('imports into another process template (Scrum: Product Backlog Item) and can carry the id in a field', async () => {
    const mapping = typeMapping({ adoTypes: { user_story: 'Product Backlog Item' } });
    const summary = await importBacklog({ source: source('ws-other'), client, mapping, idField: 'Custom.ArdoqId' });
    assert.equal(summary.created, 3);
    const items = importedBy('ws-other');
    assert.deepEqual(items.map((w) => w.fields['System.WorkItemType']).sort(), ['Epic', 'Feature', 'Product Backlog Item']);
    assert.ok(items.every((w) => String(w.fields['System.Tags']).includes(componentTag(String(w.fields['Custom.ArdoqId'])))));
    const again = await importBacklog({ source: source('ws-other'), client, mapping, idField: 'Custom.ArdoqId' });
    assert.deepEqual([again.created, again.unchanged], [0, 3]);
  });
});
