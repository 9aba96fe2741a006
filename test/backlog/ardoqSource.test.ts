// The Ardoq API client and the file source against the Ardoq emulator over real HTTP.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArdoqApiError, ArdoqAuthError, ArdoqFormatError, fetchArdoqComponents, readComponentsFile } from '../../src/core/backlog';
import { generateBacklog, startArdoqEmulator, type RunningArdoqEmulator } from '../ardoq-emulator';

const TOKEN = 'ardoq-test-token';

describe('Ardoq source', () => {
  let emulator: RunningArdoqEmulator;
  let dir: string;
  const backlog = generateBacklog({ workspaceId: 'ws1', epics: 2, featuresPerEpic: 3, storiesPerFeature: 4 });

  before(async () => {
    emulator = await startArdoqEmulator({ token: TOKEN, workspaces: { ws1: backlog, ws2: [] }, pageSize: 7, orgLabel: 'acme' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'ardoq-source-'));
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every component of a workspace across pages, following the next links', async () => {
    const before = emulator.requests.length;
    const components = await fetchArdoqComponents({ orgUrl: emulator.url, orgLabel: 'acme', workspaceId: 'ws1', token: TOKEN });
    assert.equal(components.length, backlog.length); // 2 + 6 + 24 = 32
    assert.deepEqual(components.map((c) => c._id), backlog.map((c) => c._id));
    assert.deepEqual(components[1], { _id: backlog[1]._id, name: 'Feature 1.1', type: 'Feature', typeId: backlog[1].typeId, parent: backlog[0]._id, description: 'Feature 1.1 of epic 1.', rootWorkspace: 'ws1' });
    const pages = emulator.requests.slice(before);
    assert.equal(pages.length, Math.ceil(32 / 7));
    assert.ok(pages.every((r) => r.path === '/api/v2/components' && r.query.rootWorkspace === 'ws1' && r.status === 200));
  });

  it('returns an empty list for an empty workspace', async () => {
    assert.deepEqual(await fetchArdoqComponents({ orgUrl: `${emulator.url}/`, orgLabel: 'acme', workspaceId: 'ws2', token: TOKEN }), []);
  });

  it('refuses a wrong token or organization with ArdoqAuthError, without echoing the token', async () => {
    await assert.rejects(fetchArdoqComponents({ orgUrl: emulator.url, orgLabel: 'acme', workspaceId: 'ws1', token: 'wrong-token-value' }), (error: Error) => {
      assert.ok(error instanceof ArdoqAuthError);
      assert.equal(error.status, 401);
      assert.doesNotMatch(error.message, /wrong-token-value/);
      return true;
    });
    await assert.rejects(fetchArdoqComponents({ orgUrl: emulator.url, orgLabel: 'other', workspaceId: 'ws1', token: TOKEN }), (error: Error) => error instanceof ArdoqAuthError && (error as ArdoqAuthError).status === 403);
  });

  it('reports an unknown workspace with the service message', async () => {
    await assert.rejects(fetchArdoqComponents({ orgUrl: emulator.url, orgLabel: 'acme', workspaceId: 'nope', token: TOKEN }), /404.*Workspace nope not found/);
  });

  it('does not follow a next link to another host (the token would go with it)', async () => {
    const { createServer } = await import('node:http');
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ values: [], _links: { next: { href: 'http://example.invalid/api/v2/components?offset=1' } }, _meta: {} }));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const port = (evil.address() as { port: number }).port;
    try {
      await assert.rejects(fetchArdoqComponents({ orgUrl: `http://127.0.0.1:${port}`, workspaceId: 'ws1', token: TOKEN }), (error: Error) => error instanceof ArdoqApiError && /another host/.test(error.message));
    } finally {
      evil.closeAllConnections();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('reads an exported file: the paged shape, a bare array (with a BOM), or {components}', async () => {
    const paged = path.join(dir, 'paged.json');
    await writeFile(paged, JSON.stringify({ values: backlog.slice(0, 3), _links: {}, _meta: {} }));
    assert.deepEqual((await readComponentsFile(paged)).map((c) => c.name), ['Epic 1', 'Feature 1.1', 'Story 1.1.1']);
    const bare = path.join(dir, 'bare.json');
    await writeFile(bare, `\ufeff${JSON.stringify(backlog.slice(0, 2))}`);
    assert.equal((await readComponentsFile(bare)).length, 2);
    const wrapped = path.join(dir, 'wrapped.json');
    await writeFile(wrapped, JSON.stringify({ components: backlog.slice(0, 1) }));
    assert.equal((await readComponentsFile(wrapped))[0]._id, backlog[0]._id);
  });

  it('rejects malformed files with a message naming the component', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ _id: 'a1', name: 'x', type: 'Epic' }, { name: 'no id', type: 'Epic' }]));
    await assert.rejects(readComponentsFile(bad), (error: Error) => error instanceof ArdoqFormatError && /bad\.json: component 2 has no "_id"/.test(error.message));
    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, '{ nope');
    await assert.rejects(readComponentsFile(notJson), /not\.json is not valid JSON/);
    const wrongShape = path.join(dir, 'shape.json');
    await writeFile(wrongShape, JSON.stringify({ items: [] }));
    await assert.rejects(readComponentsFile(wrongShape), /expected an array of components/);
  });
});
