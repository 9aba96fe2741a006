import assert from 'node:assert/strict';
import { attachmentIdFromUrl, findAttachmentRelation } from '../../src/core/ado/attachmentRelations';
import { mapWithConcurrency, splitIntoBatches } from '../../src/core/ado/concurrency';
import type { WorkItem } from '../../src/core/ado/types';

const GUID = '098a279a-60b9-40a8-868b-b7fd00c0a439';

describe('ado: attachment ids and bounded parallelism', () => {
  it('takes the attachment GUID from any of its URL forms', () => {
    assert.equal(attachmentIdFromUrl(`https://dev.azure.com/fabrikam/_apis/wit/attachments/${GUID}?fileName=Spec.txt`), GUID);
    assert.equal(attachmentIdFromUrl(`https://dev.azure.com/fabrikam/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/_apis/wit/attachments/${GUID.toUpperCase()}`), GUID);
    assert.equal(attachmentIdFromUrl(GUID), GUID);
    assert.throws(() => attachmentIdFromUrl('https://dev.azure.com/fabrikam/_apis/wit/workItems/5'), TypeError);
    assert.throws(() => attachmentIdFromUrl('not a url'), TypeError);
  });

  it('finds an AttachedFile relation by GUID, ignoring other relation kinds', () => {
    const item: WorkItem = {
      id: 1,
      rev: 3,
      fields: {},
      url: 'u',
      relations: [
        { rel: 'System.LinkTypes.Hierarchy-Reverse', url: 'https://x/_apis/wit/workItems/2' },
        { rel: 'Hyperlink', url: `https://x/_apis/wit/attachments/${GUID}` },
        { rel: 'AttachedFile', url: `https://x/_apis/wit/attachments/${GUID}` },
      ],
    };
    assert.equal(findAttachmentRelation(item, `https://y/_apis/wit/attachments/${GUID}?fileName=a`)?.index, 2);
    assert.equal(findAttachmentRelation(item, '00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('runs at most `limit` tasks at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([50, 10, 30, 5, 20, 1], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return i;
    });
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 3);
    assert.deepEqual(splitIntoBatches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });
});
