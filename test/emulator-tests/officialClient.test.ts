// The unmodified official client (azure-devops-node-api) against the emulator.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as azdev from 'azure-devops-node-api';
import { Operation } from 'azure-devops-node-api/interfaces/common/VSSInterfaces';
import { WorkItemExpand } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { PAT } from './client';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('emulator with the official azure-devops-node-api client', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ pats: [PAT] });
  });
  after(() => emulator.close());

  it('creates a work item, uploads and links an attachment, queries and downloads it', async () => {
    const connection = new azdev.WebApi(emulator.baseUrl, azdev.getPersonalAccessTokenHandler(PAT));
    const connected = await connection.connect();
    assert.equal(connected.authenticatedUser?.providerDisplayName, 'Ada Tester');
    const wit = await connection.getWorkItemTrackingApi();

    const created = await wit.createWorkItem(null, [{ op: Operation.Add, path: '/fields/System.Title', value: 'Created by the official client' }], 'Demo', 'Bug');
    assert.equal(created.rev, 1);
    const id = created.id as number;

    const content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const attachment = await wit.createAttachment(null, Readable.from([content]), 'payload.bin', undefined, 'Demo');
    assert.ok(attachment.id && attachment.url);

    const updated = await wit.updateWorkItem(null, [
      { op: Operation.Test, path: '/rev', value: 1 },
      { op: Operation.Add, path: '/relations/-', value: { rel: 'AttachedFile', url: attachment.url, attributes: { comment: 'via node-api' } } },
    ], id, 'Demo');
    assert.equal(updated.rev, 2);

    const read = await wit.getWorkItem(id, undefined, undefined, WorkItemExpand.Relations, 'Demo');
    const relation = read.relations?.find((r) => r.rel === 'AttachedFile');
    assert.equal(relation?.attributes?.name, 'payload.bin');
    assert.equal(relation?.attributes?.resourceSize, content.length);
    assert.equal(relation?.attributes?.comment, 'via node-api');

    const result = await wit.queryByWiql({ query: `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Title] CONTAINS 'official client'` }, { project: 'Demo' });
    assert.deepEqual(result.workItems?.map((w) => w.id), [id]);

    const downloaded = await readAll(await wit.getAttachmentContent(attachment.id as string, 'payload.bin', 'Demo', true));
    assert.ok(downloaded.equals(content));
  });
});
