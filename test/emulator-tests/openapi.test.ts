// Every JSON response of every implemented route, validated against Microsoft's OpenAPI 2.0
// specs (wit + hooks) for 7.1 and for 5.0. Specs are read from ../shared/ado-openapi beside the repo.
//
// Known wire differences (ado-api.md "General wire conventions"), handled explicitly:
//  1. Collections are wrapped {count, value} where the spec says "array": each element of value is
//     validated against the array's items schema and count must equal value.length.
//  2. `_links` is a plain map on the wire; the spec's ReferenceLinks wraps it in {links: …}: the
//     response is rewrapped before validation.
//  3. The generator renders .NET `object` (field values, link attributes, old/new values) as a bare
//     {"type":"object"}; such a schema accepts any JSON value.
//  4. The generic StreamedBatch<T> is rendered with items {"type":"string","format":"T"}; for
//     reporting revisions T is a work item revision ({id, rev, fields}, D-REP): validated as WorkItem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { call, type Reply } from './client';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SPECS = path.resolve(REPO_ROOT, '..', 'shared', 'ado-openapi');

type Json = Record<string, unknown>;

function loadSpec(file: string): Json {
  return JSON.parse(readFileSync(path.join(SPECS, file), 'utf8').replace(/^\uFEFF/, '')) as Json;
}

/** Difference 3: a bare {"type":"object"} is the generator's System.Object. */
function relaxObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxObjects);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Json;
  const keys = Object.keys(record).filter((k) => k !== 'description');
  if (record.type === 'object' && keys.length === 1) return {};
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, relaxObjects(v)]));
}

/** Difference 2: plain `_links` maps rewrapped as the spec's ReferenceLinks. */
function wrapLinks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(wrapLinks);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, k === '_links' && v && typeof v === 'object' ? { links: v } : wrapLinks(v)]));
}

class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly docs = new Map<string, Json>();

  constructor() {
    for (const format of ['int32', 'int64', 'double', 'float', 'byte', 'binary']) this.ajv.addFormat(format, true);
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    this.ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  }

  load(key: string, file: string): void {
    const spec = loadSpec(file);
    const definitions = spec.definitions as Record<string, Json>;
    const batch = definitions.StreamedBatch?.properties as Record<string, Json> | undefined;
    if (batch?.values && (batch.values.items as Json).format === 'T') batch.values = { ...batch.values, items: { $ref: '#/definitions/WorkItem' } };
    this.docs.set(key, spec);
    this.ajv.addSchema({ $id: key, definitions: relaxObjects(spec.definitions) as Json });
  }

  /** The 200 schema of METHOD path (template key, case-insensitive) or undefined when the spec lacks it. */
  responseSchema(key: string, method: string, template: string): Json | undefined {
    const spec = this.docs.get(key) as Json;
    const paths = { ...(spec.paths as Json), ...((spec['x-ms-paths'] as Json | undefined) ?? {}) };
    const entry = Object.entries(paths).find(([p]) => p.toLowerCase() === template.toLowerCase())?.[1] as Json | undefined;
    const operation = entry?.[method.toLowerCase()] as Json | undefined;
    const response = (operation?.responses as Json | undefined)?.['200'] as Json | undefined;
    return response ? ((response.schema as Json | undefined) ?? {}) : undefined;
  }

  compile(key: string, schema: Json): ValidateFunction {
    const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\//g, `"${key}#/definitions/`)) as Json;
    return this.ajv.compile(relaxObjects(rebased) as Json);
  }

  validate(key: string, method: string, template: string, reply: Reply): void {
    const schema = this.responseSchema(key, method, template);
    assert.ok(schema, `${key}: ${method} ${template} is not in the spec`);
    const body = wrapLinks(reply.json()) as Json;
    if (schema.type === 'array') {
      // Difference 1: wrapped collections.
      assert.ok(Array.isArray(body.value), `${method} ${template}: expected {count, value}`);
      assert.equal(body.count, (body.value as unknown[]).length);
      const items = this.compile(key, schema.items as Json);
      for (const element of body.value as unknown[]) assert.ok(items(element), `${key} ${method} ${template}: ${this.ajv.errorsText(items.errors)}`);
      return;
    }
    const validate = this.compile(key, schema);
    assert.ok(validate(body), `${key} ${method} ${template}: ${this.ajv.errorsText(validate.errors)}`);
  }
}

const WIT = '/{organization}/{project}/_apis/wit';
const HOOKS = '/{organization}/_apis/hooks';

for (const version of ['7.1', '5.0']) {
  describe(`emulator responses conform to the ${version} OpenAPI specs`, () => {
    let emulator: RunningEmulator;
    const specs = new SpecValidator();
    const V = `api-version=${version}`;
    const wit = `wit-${version}`;
    const hooks = `hooks-${version}`;

    before(async () => {
      specs.load(wit, `wit/${version}/workItemTracking.json`);
      specs.load(hooks, `hooks/${version}/serviceHooks.json`);
      emulator = await startEmulator({ apiVersionMax: version });
    });
    after(() => emulator.close());

    const check = async (spec: string, method: string, template: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const reply = await call(emulator, method, path, body, headers);
      assert.ok(reply.status >= 200 && reply.status < 300, `${method} ${path}: ${reply.status} ${reply.text}`);
      specs.validate(spec, method, template, reply);
      return reply;
    };

    it('the validator rejects a wrong shape (so passing means something)', () => {
      const fake = (body: unknown): Reply => ({ status: 200, headers: new Headers(), text: JSON.stringify(body), json: () => body as Json });
      assert.throws(() => specs.validate(wit, 'GET', `${WIT}/workitems/{id}`, fake({ id: '4', rev: 1, fields: {} })), /id must be integer/);
      assert.throws(() => specs.validate(wit, 'POST', `${WIT}/workitemsbatch`, fake([{ id: 1 }])), /expected \{count, value\}/);
      assert.throws(() => specs.validate(wit, 'GET', `${WIT}/workitems/{id}`, fake({ id: 4, relations: [{ rel: 1 }] })), /rel must be string/);
    });

    it('attachments: simple, chunked start and chunks', async () => {
      await check(wit, 'POST', `${WIT}/attachments`, `/Demo/_apis/wit/attachments?fileName=a.txt&${V}`, 'abc');
      const start = await check(wit, 'POST', `${WIT}/attachments`, `/Demo/_apis/wit/attachments?fileName=b.txt&uploadType=Chunked&${V}`, '');
      await check(wit, 'PUT', `${WIT}/attachments/{id}`, `/Demo/_apis/wit/attachments/${String(start.json().id)}?${V}`, 'abcd', { 'Content-Range': 'bytes 0-3/4' });
    });

    it('work items: get (every $expand), list, batch, create, update, updates, revisions, delete', async () => {
      for (const expand of ['none', 'relations', 'fields', 'links', 'all']) {
        await check(wit, 'GET', `${WIT}/workitems/{id}`, `/Demo/_apis/wit/workitems/4?$expand=${expand}&${V}`);
      }
      await check(wit, 'GET', `${WIT}/workitems`, `/Demo/_apis/wit/workitems?ids=1,2,3&fields=System.Id,System.Title&${V}`);
      await check(wit, 'POST', `${WIT}/workitemsbatch`, `/Demo/_apis/wit/workitemsbatch?${V}`, { ids: [3, 4], $expand: 'relations' });
      const up = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=c.txt&${V}`, 'c');
      const created = await check(wit, 'POST', `${WIT}/workitems/\${type}`, `/Demo/_apis/wit/workitems/$Bug?${V}`, [
        { op: 'add', path: '/fields/System.Title', value: 'spec check' },
        { op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${emulator.baseUrl}/_apis/wit/workItems/1` } },
        { op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: String(up.json().url), attributes: { comment: 'x' } } },
      ]);
      const id = String(created.json().id);
      await check(wit, 'PATCH', `${WIT}/workitems/{id}`, `/Demo/_apis/wit/workitems/${id}?$expand=all&${V}`, [{ op: 'remove', path: '/relations/1' }]);
      await check(wit, 'GET', `${WIT}/workItems/{id}/updates`, `/Demo/_apis/wit/workItems/${id}/updates?${V}`);
      await check(wit, 'GET', `${WIT}/workItems/{id}/updates/{updateNumber}`, `/Demo/_apis/wit/workItems/${id}/updates/2?${V}`);
      if (specs.responseSchema(wit, 'GET', `${WIT}/workItems/{id}/revisions`)) {
        await check(wit, 'GET', `${WIT}/workItems/{id}/revisions`, `/Demo/_apis/wit/workItems/${id}/revisions?$expand=relations&${V}`);
        await check(wit, 'GET', `${WIT}/workItems/{id}/revisions/{revisionNumber}`, `/Demo/_apis/wit/workItems/${id}/revisions/1?${V}`);
      }
      await check(wit, 'DELETE', `${WIT}/workitems/{id}`, `/Demo/_apis/wit/workitems/${id}?${V}`);
      if (version === '7.1') await check(wit, 'POST', `${WIT}/workitemsdelete`, `/Demo/_apis/wit/workitemsdelete?${V}`, { ids: [12, 999] });
      else assert.equal(specs.responseSchema(wit, 'POST', `${WIT}/workitemsdelete`), undefined, '5.0 has no workitemsdelete');
    });

    it('WIQL and reporting revisions (GET and POST)', async () => {
      await check(wit, 'POST', '/{organization}/{project}/{team}/_apis/wit/wiql', `/Demo/_apis/wit/wiql?${V}`, { query: "SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.ChangedDate] DESC" });
      const first = await check(wit, 'GET', `${WIT}/reporting/workitemrevisions`, `/Demo/_apis/wit/reporting/workitemrevisions?$maxPageSize=5&${V}`);
      assert.equal(first.json().isLastBatch, false);
      await check(wit, 'POST', `${WIT}/reporting/workitemrevisions`, `/Demo/_apis/wit/reporting/workitemrevisions?continuationToken=${String(first.json().continuationToken)}&${V}`, { fields: ['System.Id', 'System.Rev'], includeLatestOnly: false });
    });

    it('service-hook subscriptions', async () => {
      const body = {
        publisherId: 'tfs', eventType: 'workitem.updated', resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest',
        publisherInputs: { projectId: emulator.state.projectId }, consumerInputs: { url: 'http://127.0.0.1:9/hook' },
      };
      const created = await check(hooks, 'POST', `${HOOKS}/subscriptions`, `/_apis/hooks/subscriptions?${V}`, body);
      await check(hooks, 'GET', `${HOOKS}/subscriptions`, `/_apis/hooks/subscriptions?${V}`);
      await check(hooks, 'GET', `${HOOKS}/subscriptions/{subscriptionId}`, `/_apis/hooks/subscriptions/${String(created.json().id)}?${V}`);
      await check(hooks, 'PUT', `${HOOKS}/subscriptions/{subscriptionId}`, `/_apis/hooks/subscriptions/${String(created.json().id)}?${V}`, { ...body, status: 'disabledByUser' });
    });
  });
}
