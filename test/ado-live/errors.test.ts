// What a failed call tells its caller: the typed error with status, the service's typeKey and
// message code, the activity id, and a URL without any secret.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AdoError,
  AttachmentLimitError,
  AttachmentTooLargeError,
  type AdoClient,
  ConflictError,
  type JsonPatchOperation,
  NotFoundError,
  PatAuth,
  PermissionError,
} from '../../src/core/ado';
import type { RunningEmulator } from '../emulator/index';
import { attachmentRelations, emulatorState, emulatorStats, routeDelta, ROUTE, type ScratchDir, useLiveEmulator } from './support';

const SECRET_PAT = 'live-secret-pat-4711';
const MAX_SIZE = 64 * 1024;

/** The fields every service error must carry, and no secret anywhere in it. */
function assertServiceError(error: unknown, status: number, code: RegExp): AdoError {
  assert.ok(error instanceof AdoError, String(error));
  assert.equal(error.status, status);
  assert.ok(error.typeKey, 'typeKey');
  assert.equal(typeof error.errorCode, 'number');
  assert.match(error.serverMessage ?? '', code);
  assert.match(error.activityId ?? '', /^[0-9a-f-]{36}$/);
  assert.match(error.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/DefaultCollection\//);
  const shown = `${error.message} ${JSON.stringify(error)} ${error.url}`;
  for (const secret of [SECRET_PAT, Buffer.from(`:${SECRET_PAT}`).toString('base64')]) assert.ok(!shown.includes(secret), 'no secret in the error');
  return error;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a failure'),
    (error: unknown) => error,
  );
}

describe('ado client live: typed errors', function () {
  this.timeout(20_000);
  // maxAttachmentSize: the same as the CLI's --max-attachment-size 65536.
  const live = useLiveEmulator({ pats: [SECRET_PAT], maxAttachmentSize: MAX_SIZE }, { auth: new PatAuth(SECRET_PAT) });
  let emulator: RunningEmulator;
  let client: AdoClient;
  let dir: ScratchDir;
  before(() => ({ emulator, client, dir } = live));

  it('TF237082: an attachment over the server limit, simple and chunked', async () => {
    const file = await dir.file('big.bin', MAX_SIZE + 1);
    const simple = assertServiceError(await failure(client.uploadAttachment(file.path)), 400, /^TF237082: /);
    assert.ok(simple instanceof AttachmentTooLargeError);
    const chunked = assertServiceError(await failure(client.uploadAttachmentChunked(file.path, { chunkSize: 16 * 1024 })), 400, /^TF237082: /);
    assert.ok(chunked instanceof AttachmentTooLargeError);
    assert.equal(chunked.method, 'PUT');
  });

  it('VS403313: the 101st attachment of a work item', async () => {
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'hundred attachments' } });
    const urls: string[] = [];
    for (let i = 0; i <= 100; i++) {
      const file = await dir.file(`a${i}.txt`, 16);
      urls.push((await client.uploadAttachment(file.path)).url);
    }
    // 100 in one PATCH (one revision), then one more through linkAttachment.
    const ops: JsonPatchOperation[] = urls.slice(0, 100).map((url) => ({ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url } }));
    await client.updateWorkItem(item.id, ops);
    const error = assertServiceError(await failure(client.linkAttachment(item.id, urls[100])), 400, /^VS403313: /);
    assert.ok(error instanceof AttachmentLimitError);
    assert.equal(error.method, 'PATCH');
    assert.equal(attachmentRelations(await emulatorState(emulator), item.id).length, 100);
  });

  it('412 for a stale test /rev, 404 TF401232 for a missing work item', async () => {
    const item = await client.getWorkItem(2);
    await client.updateWorkItem(2, [{ op: 'replace', path: '/fields/System.Title', value: 'moved on' }]);
    const stale = assertServiceError(await failure(client.updateWorkItem(2, [{ op: 'replace', path: '/fields/System.Title', value: 'stale' }], { expectedRev: item.rev })), 412, /^VS403351: /);
    assert.ok(stale instanceof ConflictError);
    assert.equal(stale.typeKey, 'TestPatchOperationFailedException');
    const missing = assertServiceError(await failure(client.getWorkItem(424_242)), 404, /^TF401232: /);
    assert.ok(missing instanceof NotFoundError);
  });

  it('403 for an attachment the user may not read: a PermissionError, sent once, nothing written', async () => {
    const file = await dir.file('secret.txt', 100);
    const uploaded = await client.uploadAttachment(file.path);
    await fetch(`http://127.0.0.1:${emulator.port}/_emulator/attachments/${uploaded.id}/deny`, { method: 'POST' });
    const before = await emulatorStats(emulator);
    const dest = path.join(dir.path, 'denied.txt');
    const denied = assertServiceError(await failure(client.downloadAttachment(uploaded.id, dest)), 403, /permission to read the attachment/);
    assert.ok(denied instanceof PermissionError);
    assert.equal(denied.typeKey, 'WorkItemUnauthorizedAttachmentException');
    assert.equal(routeDelta(before, await emulatorStats(emulator), ROUTE.download).count, 1, 'not retried');
    assert.equal(existsSync(dest), false);
  });
});
