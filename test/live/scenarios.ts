// The scenarios of the live suite (issue 13, ado-behaviour.md §9). Each returns what the service
// answered; compare.ts holds it against expected-behaviour.json. They create their own work items.
import { randomBytes } from 'node:crypto';
import { call, observe, type Observation, type Reply, type Target, v } from './target';

export interface Scenario {
  name: string;
  run(target: Target): Promise<Observation[]>;
}

const CHUNK = 64 * 1024;

async function createItem(target: Target, title: string): Promise<{ id: number; rev: number }> {
  const reply = await call(target, 'POST', `/${encodeURIComponent(target.project)}/_apis/wit/workitems/$${encodeURIComponent(target.workItemType)}?${v(target)}`, { body: [{ op: 'add', path: '/fields/System.Title', value: `ado-sync live: ${title}` }] });
  if (reply.status !== 200) throw new Error(`creating a work item failed: ${reply.status} ${reply.text.slice(0, 300)}`);
  const item = reply.json() as { id: number; rev: number };
  target.created.push(item.id);
  return item;
}

function attachmentsPath(target: Target, rest = ''): string {
  return `/${encodeURIComponent(target.project)}/_apis/wit/attachments${rest}`;
}

async function uploadSimple(target: Target, name: string, content: Buffer | string): Promise<{ reply: Reply; id: string; url: string }> {
  const reply = await call(target, 'POST', `${attachmentsPath(target)}?fileName=${encodeURIComponent(name)}&${v(target)}`, { body: content });
  const json = reply.status < 300 ? (reply.json() as { id: string; url: string }) : { id: '', url: '' };
  return { reply, ...json };
}

async function startChunked(target: Target, name: string): Promise<{ reply: Reply; id: string; url: string }> {
  const reply = await call(target, 'POST', `${attachmentsPath(target)}?fileName=${encodeURIComponent(name)}&uploadType=Chunked&${v(target)}`, { body: '' });
  const json = reply.status < 300 ? (reply.json() as { id: string; url: string }) : { id: '', url: '' };
  return { reply, ...json };
}

function putChunk(target: Target, id: string, content: Buffer, first: number, last: number, total: number, body = content.subarray(first, last + 1)): Promise<Reply> {
  return call(target, 'PUT', `${attachmentsPath(target, `/${id}`)}?uploadType=Chunked&${v(target)}`, { body, headers: { 'Content-Range': `bytes ${first}-${last}/${total}` } });
}

function patch(target: Target, id: number, ops: unknown[], query = ''): Promise<Reply> {
  return call(target, 'PATCH', `/${encodeURIComponent(target.project)}/_apis/wit/workitems/${id}?${query}${v(target)}`, { body: ops });
}

function link(url: string, attributes: Record<string, unknown> = {}): unknown {
  return { op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url, attributes } };
}

async function readItem(target: Target, id: number): Promise<{ rev: number; relations?: { rel: string; url: string; attributes: Record<string, unknown> }[] }> {
  return (await call(target, 'GET', `/${encodeURIComponent(target.project)}/_apis/wit/workitems/${id}?$expand=relations&${v(target)}`)).json() as never;
}

/** Reads the feed from a token to its end (bounded); the ids seen, IsDeleted values, and the last token. */
async function readFeed(target: Target, token: string, includeDeleted: boolean): Promise<{ reply: Reply; ids: number[]; deleted: Record<number, unknown>; token: string }> {
  let reply: Reply | undefined;
  const ids: number[] = [];
  const deleted: Record<number, unknown> = {};
  for (let page = 0; page < 50; page++) {
    reply = await call(target, 'GET', `/${encodeURIComponent(target.project)}/_apis/wit/reporting/workitemrevisions?fields=System.Id,System.Rev&continuationToken=${encodeURIComponent(token)}${includeDeleted ? '&includeDeleted=true' : ''}&${v(target)}`);
    const batch = reply.json() as { values?: { id: number; fields?: Record<string, unknown> }[]; continuationToken?: string; isLastBatch?: boolean };
    for (const value of batch.values ?? []) {
      ids.push(value.id);
      if (value.fields && 'System.IsDeleted' in value.fields) deleted[value.id] = value.fields['System.IsDeleted'];
    }
    token = batch.continuationToken ?? token;
    if (batch.isLastBatch !== false) break;
  }
  return { reply: reply as Reply, ids, deleted, token };
}

async function download(target: Target, id: string, query: string): Promise<Reply> {
  return call(target, 'GET', `${attachmentsPath(target, `/${id}`)}?${query}&${v(target)}`, { headers: { Accept: 'application/octet-stream' } });
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'simple and chunked uploads at chunk boundaries',
    async run(target) {
      const content = randomBytes(2 * CHUNK + 1);
      const simple = await uploadSimple(target, 'simple.bin', content.subarray(0, CHUNK));
      const start = await startChunked(target, 'chunked.bin');
      const first = await putChunk(target, start.id, content, 0, CHUNK - 1, content.length);
      const middle = await putChunk(target, start.id, content, CHUNK, 2 * CHUNK - 1, content.length);
      const last = await putChunk(target, start.id, content, 2 * CHUNK, 2 * CHUNK, content.length);
      const back = await download(target, start.id, 'fileName=chunked.bin');
      return [
        observe('upload.simple', simple.reply),
        observe('upload.chunkedStart', start.reply),
        observe('upload.chunkFirst', first),
        observe('upload.chunkMiddle', middle),
        observe('upload.chunkFinal', last, { bytesEqual: back.bytes.equals(content) }),
      ];
    },
  },
  {
    name: 'a lost answer to a middle and to the last chunk; gaps, offsets, lengths, oversize',
    async run(target) {
      const content = randomBytes(3 * CHUNK);
      const total = content.length;
      const start = await startChunked(target, 'lost.bin');
      const firstNotAtZero = await putChunk(target, start.id, content, CHUNK, 2 * CHUNK - 1, total);
      await putChunk(target, start.id, content, 0, CHUNK - 1, total);
      await putChunk(target, start.id, content, CHUNK, 2 * CHUNK - 1, total);
      const replayMiddle = await putChunk(target, start.id, content, CHUNK, 2 * CHUNK - 1, total);
      const lengthMismatch = await putChunk(target, start.id, content, 2 * CHUNK, total - 1, total, content.subarray(2 * CHUNK, total - 10));
      const final = await putChunk(target, start.id, content, 2 * CHUNK, total - 1, total);
      const replayLast = await putChunk(target, start.id, content, 2 * CHUNK, total - 1, total);
      const gapStart = await startChunked(target, 'gap.bin');
      await putChunk(target, gapStart.id, content, 0, CHUNK - 1, total);
      const gap = await putChunk(target, gapStart.id, content, 2 * CHUNK, total - 1, total);
      const big = await startChunked(target, 'big.bin');
      const oversize = await putChunk(target, big.id, content, 0, CHUNK - 1, 4 * 1024 * 1024 * 1024);
      const back = await download(target, start.id, 'fileName=lost.bin');
      return [
        observe('upload.firstChunkNotAtZero', firstNotAtZero),
        observe('upload.replayMiddle', replayMiddle),
        observe('upload.lengthMismatch', lengthMismatch),
        observe('upload.finalAfterReplay', final, { bytesEqual: back.bytes.equals(content) }),
        observe('upload.replayAfterComplete', replayLast),
        observe('upload.gap', gap),
        observe('upload.oversizeTotal', oversize),
      ];
    },
  },
  {
    name: 'comments of 255 and 256 characters, one attachment linked twice and to two items, replace refused',
    async run(target) {
      const item = await createItem(target, 'links');
      const other = await createItem(target, 'links, second item');
      const a = await uploadSimple(target, 'a.txt', 'a');
      const b = await uploadSimple(target, 'b.txt', 'b');
      const c255 = await patch(target, item.id, [link(a.url, { comment: 'x'.repeat(255), resourceSize: 999 })]);
      const relation = ((c255.json().relations ?? []) as { url: string; attributes: Record<string, unknown> }[]).find((r) => r.url.toLowerCase().includes(a.id.toLowerCase()));
      const c256 = await patch(target, item.id, [link(b.url, { comment: 'x'.repeat(256) })]);
      const twice = await patch(target, item.id, [link(a.url)]);
      const second = await patch(target, other.id, [link(a.url)]);
      const current = await readItem(target, item.id);
      const index = (current.relations ?? []).findIndex((r) => r.rel === 'AttachedFile');
      const replace = await patch(target, item.id, [{ op: 'replace', path: `/relations/${index}`, value: { rel: 'AttachedFile', url: b.url, attributes: {} } }]);
      return [
        observe('link.comment255', c255, { relationsInAnswer: relation !== undefined, resourceSizeAsSent: relation?.attributes.resourceSize === 999 }),
        observe('link.comment256', c256),
        observe('link.duplicate', twice),
        observe('link.sameAttachmentSecondItem', second),
        observe('link.replaceAttachedFile', replace),
      ];
    },
  },
  {
    name: 'concurrent PATCH, removal by index and by id, downloads and a removed relation',
    async run(target) {
      const item = await createItem(target, 'removal');
      const files = await Promise.all(['one.txt', 'two.png', 'drei-ü.txt'].map((name) => uploadSimple(target, name, `content of ${name}`)));
      const linked = await patch(target, item.id, [{ op: 'test', path: '/rev', value: item.rev }, ...files.map((f) => link(f.url))]);
      const rev = Number(linked.json().rev);
      const stale = await patch(target, item.id, [{ op: 'test', path: '/rev', value: rev - 1 }, { op: 'add', path: '/fields/System.Title', value: 'stale' }]);
      const byIndex = await patch(target, item.id, [{ op: 'test', path: '/rev', value: rev }, { op: 'remove', path: '/relations/0' }]);
      const after = await readItem(target, item.id);
      const two = (after.relations ?? []).find((r) => r.url.toLowerCase().includes(files[1].id.toLowerCase()));
      const byId = await patch(target, item.id, [{ op: 'test', path: '/rev', value: after.rev }, { op: 'remove', path: `/relations/AttachedFile/${String(two?.attributes.id)}` }]);
      const removedDownload = await download(target, files[0].id, 'fileName=one.txt&download=true');
      const image = await download(target, files[1].id, 'fileName=two.png');
      const unicode = await download(target, files[2].id, `fileName=${encodeURIComponent('drei-ü.txt')}`);
      return [
        observe('patch.staleTestRev', stale),
        observe('unlink.byIndex', byIndex),
        observe('unlink.byId', byId, { removed: !((byId.json().relations ?? []) as { url: string }[]).some((r) => r.url.toLowerCase().includes(files[1].id.toLowerCase())) }),
        observe('download.removedRelation', removedDownload),
        observe('download.image', image),
        observe('download.nonAscii', unicode, { bytesEqual: unicode.text === 'content of drei-ü.txt' }),
      ];
    },
  },
  {
    name: 'the 101st attachment',
    async run(target) {
      const item = await createItem(target, '101 attachments');
      const uploads = [];
      for (let i = 0; i < 101; i++) uploads.push(await uploadSimple(target, `n${i}.txt`, String(i)));
      const hundred = await patch(target, item.id, uploads.slice(0, 100).map((u) => link(u.url)));
      const extra = await patch(target, item.id, [link(uploads[100].url)]);
      return [observe('link.hundredInOnePatch', hundred), observe('link.attachment101', extra)];
    },
  },
  {
    name: 'reporting feed, WIQL, batch limits, credentials, versions',
    async run(target) {
      const project = encodeURIComponent(target.project);
      const item = await createItem(target, 'feed');
      const first = await call(target, 'GET', `/${project}/_apis/wit/reporting/workitemrevisions?fields=System.Id,System.Rev&startDateTime=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&${v(target)}`);
      const unknownField = await call(target, 'GET', `/${project}/_apis/wit/reporting/workitemrevisions?fields=System.Id,Ado.Sync.NoSuchField&${v(target)}`);
      const wiqlNoPrecision = await call(target, 'POST', `/${project}/_apis/wit/wiql?${v(target)}`, { body: { query: `SELECT [System.Id] FROM WorkItems WHERE [System.Id] = ${item.id} AND [System.ChangedDate] >= '2020-01-01T10:00:00Z'` } });
      const wiql = await call(target, 'POST', `/${project}/_apis/wit/wiql?timePrecision=true&${v(target)}`, { body: { query: `SELECT [System.Id] FROM WorkItems WHERE [System.Id] = ${item.id} AND [System.ChangedDate] >= '2020-01-01T10:00:00Z'` } });
      const batch201 = await call(target, 'POST', `/${project}/_apis/wit/workitemsbatch?${v(target)}`, { body: { ids: Array.from({ length: 201 }, (_, i) => i + 1) } });
      const suppressed = await call(target, 'GET', `/_apis/projects?${v(target)}`, { pat: 'not-a-valid-pat' });
      const browser = await call(target, 'GET', `/_apis/projects?${v(target)}`, { pat: null, suppressRedirect: false });
      const version = await call(target, 'GET', `/_apis/projects?api-version=99.0`);
      const missing = await call(target, 'GET', `/${project}/_apis/wit/workitems/2147483000?${v(target)}`);
      const values = (first.json().values ?? []) as { id: number }[];
      const token = String(first.json().continuationToken ?? '');
      const caughtUp = (await readFeed(target, token, true)).token;
      await patch(target, item.id, [{ op: 'add', path: '/fields/System.Title', value: 'ado-sync live: feed, changed' }]);
      const changed = await readFeed(target, caughtUp, false);
      await call(target, 'DELETE', `/${project}/_apis/wit/workitems/${item.id}?${v(target)}`);
      const hidden = await readFeed(target, changed.token, false);
      const shown = await readFeed(target, changed.token, true);
      return [
        observe('reporting.firstPage', first, { hasToken: typeof first.json().continuationToken === 'string', containsNewItem: values.some((x) => x.id === item.id) }),
        observe('reporting.change', changed.reply, { changeSeen: changed.ids.includes(item.id) }),
        observe('reporting.deletion', shown.reply, { hiddenWithoutIncludeDeleted: !hidden.ids.includes(item.id), seenWithIncludeDeleted: shown.ids.includes(item.id), isDeletedField: shown.deleted[item.id] === true }),
        observe('reporting.unknownField', unknownField),
        observe('wiql.timeWithoutPrecision', wiqlNoPrecision),
        observe('wiql.timePrecision', wiql),
        observe('batch.201ids', batch201),
        observe('auth.badPatSuppressed', suppressed),
        observe('auth.noCredentialsBrowser', browser),
        observe('version.outOfRange', version, { mentionsCeiling: /\d+\.\d+\D*$/.test(String(version.json().message ?? '')) }),
        observe('workItem.missing', missing),
      ];
    },
  },
  {
    name: 'a burst shows the rate-limit headers before any 429',
    async run(target) {
      const seen: Reply[] = [];
      for (let i = 0; i < 40; i++) seen.push(await call(target, 'GET', `/_apis/projects?${v(target)}`));
      const remaining = seen.map((r) => r.headers.get('x-ratelimit-remaining')).filter((x): x is string => x !== null).map(Number);
      const firstHeaders = seen.findIndex((r) => r.headers.get('x-ratelimit-remaining') !== null);
      const firstDelay = seen.findIndex((r) => r.headers.get('x-ratelimit-delay') !== null);
      const first429 = seen.findIndex((r) => r.status === 429);
      const last = seen[seen.length - 1];
      return [observe('rateLimit.burst', last, {
        headersSeen: remaining.length > 0,
        headersBeforeDelay: firstHeaders >= 0 && (firstDelay < 0 || firstHeaders < firstDelay) && (first429 < 0 || firstHeaders < first429),
        remainingFalling: remaining.every((value, i) => i === 0 || value <= remaining[i - 1]),
      })];
    },
  },
  {
    name: 'a hook subscription and one delivery',
    async run(target) {
      if (!target.hookUrl) return [];
      const projects = (await call(target, 'GET', `/_apis/projects/${encodeURIComponent(target.project)}?${v(target)}`)).json();
      const body = {
        publisherId: 'tfs', eventType: 'workitem.updated', resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest',
        publisherInputs: { projectId: String(projects.id) }, consumerInputs: { url: target.hookUrl, httpHeaders: 'X-Ado-Sync-Live:1' },
      };
      const created = await call(target, 'POST', `/_apis/hooks/subscriptions?${v(target)}`, { body });
      const subscription = created.json() as { id?: string };
      const before = (await target.hookDeliveries?.()) ?? 0;
      const item = await createItem(target, 'hook');
      await patch(target, item.id, [{ op: 'add', path: '/fields/System.Title', value: 'ado-sync live: hook, updated' }]);
      let delivered = false;
      for (let i = 0; i < 60 && target.hookDeliveries && !delivered; i++) {
        delivered = (await target.hookDeliveries()) > before;
        if (!delivered) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (subscription.id) await call(target, 'DELETE', `/_apis/hooks/subscriptions/${subscription.id}?${v(target)}`);
      return [observe('hooks.subscribe', created, target.hookDeliveries ? { delivered } : {})];
    },
  },
];
