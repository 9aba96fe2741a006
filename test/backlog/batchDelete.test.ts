// The backlog's batch delete goes through the session's AdoClient, whatever its credentials: a
// bearer token (Microsoft sign-in) is asked for per request like any other call, and a server
// before api 7.1 (no workitemsdelete) gets one DELETE per work item through the same client.
import assert from 'node:assert/strict';
import { BearerAuth, createAdoClient, PatAuth, type AdoClient } from '../../src/core/ado';
import { deleteWorkItemsInChunks } from '../../src/core/backlog';
import { startEmulator, type RunningEmulator } from '../emulator';

const PAT = 'test-pat';
const TOKEN = 'entra-token-1';

async function createItems(client: AdoClient, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await client.createWorkItem({ type: 'Task', fields: { 'System.Title': `delete me ${i}` } })).id);
  return ids;
}

const routeCount = (ado: RunningEmulator, route: string) => ado.state.stats.routes[route]?.count ?? 0;

describe('backlog batch delete through the AdoClient', function () {
  let ado: RunningEmulator | undefined;
  afterEach(async () => ado?.close());

  it('deletes 250 work items in 2 calls under a bearer token the client asks for on every request', async () => {
    ado = await startEmulator({ pats: [PAT, TOKEN] });
    let asked = 0;
    const client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new BearerAuth(async () => { asked++; return TOKEN; }) });
    const ids = await createItems(client, 250);
    const before = asked;
    const chunks: number[] = [];
    const result = await deleteWorkItemsInChunks(client, ids, { onChunk: (r) => chunks.push(r.deleted.length) });
    assert.deepEqual(chunks, [200, 50]);
    assert.equal(result.failed.length, 0);
    assert.equal(routeCount(ado, 'POST /_apis/wit/workitemsdelete'), 2);
    assert.equal(asked - before, 2, 'each batch call took the current token');
  });

  it('reports ids the server could not delete, one by one', async () => {
    ado = await startEmulator({ pats: [PAT] });
    const client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth(PAT) });
    const ids = await createItems(client, 2);
    const result = await deleteWorkItemsInChunks(client, [...ids, 999_999]);
    assert.deepEqual(result.deleted.sort(), ids.sort());
    assert.deepEqual(result.failed.map((f) => f.id), [999_999]);
  });

  it('a server without workitemsdelete (api 5.0) gets one DELETE per work item', async () => {
    ado = await startEmulator({ pats: [PAT], apiVersionMax: '5.0' });
    const client = createAdoClient({ orgUrl: ado.baseUrl, project: ado.project, auth: new PatAuth(PAT) });
    const ids = await createItems(client, 3);
    const result = await deleteWorkItemsInChunks(client, ids, { chunkSize: 2 });
    assert.deepEqual(result.deleted.sort(), ids.sort());
    assert.equal(routeCount(ado, 'DELETE /_apis/wit/workitems/{id}'), 3);
    const batchCalls = Object.entries(ado.state.stats.routes).filter(([route]) => route.includes('workitemsdelete')).reduce((n, [, s]) => n + s.count, 0);
    assert.equal(batchCalls, 0, 'the negotiated 5.0 is known after the first request: no batch call is tried');
  });
});
