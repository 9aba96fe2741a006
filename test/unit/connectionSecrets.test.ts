// Which organization a stored credential belongs to: the key is the normalised URL, so spellings
// of one organization share it and any other host, scheme, port or organization gets nothing.
// (The e2e suites check the same against VS Code's real SecretStorage; a Map stands in here.)
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ConnectionSecrets, organizationKey } from '../../src/vscode/connectionSecrets';

function memorySecrets(initial: Record<string, string> = {}): vscode.SecretStorage & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    get: async (key: string) => map.get(key),
    store: async (key: string, value: string) => { map.set(key, value); },
    delete: async (key: string) => { map.delete(key); },
    onDidChange: () => ({ dispose: () => undefined }),
  } as unknown as vscode.SecretStorage & { map: Map<string, string> };
}

describe('credentials per organization (connectionSecrets)', () => {
  it('one key for the spellings of one organization', () => {
    const key = organizationKey('https://dev.azure.com/Contoso');
    for (const same of ['https://DEV.azure.com/contoso/', 'dev.azure.com/contoso', 'https://dev.azure.com/contoso/_apis/projects', ' https://dev.azure.com/contoso ']) {
      assert.equal(organizationKey(same), key, same);
    }
  });

  it('another organization, host, scheme or port is another key; a URL that does not parse has none', () => {
    const keys = ['https://dev.azure.com/contoso', 'https://dev.azure.com/fabrikam', 'https://contoso.visualstudio.com', 'http://tfs.local:8080/tfs/Coll', 'https://tfs.local:8080/tfs/Coll', 'http://tfs.local:8081/tfs/Coll', 'http://evil.example/tfs/Coll']
      .map(organizationKey);
    assert.equal(new Set(keys).size, keys.length);
    for (const bad of ['', 'ftp://x/y', 'https://user:pw@dev.azure.com/contoso', 'https://dev.azure.com/']) assert.equal(organizationKey(bad), undefined, bad);
  });

  it('a credential is found only for the organization it was stored for, listed without its secret, and forgotten alone', async () => {
    const secrets = new ConnectionSecrets(memorySecrets());
    await secrets.store('https://dev.azure.com/contoso', { kind: 'pat', pat: 'pat-contoso' });
    await secrets.store('http://127.0.0.1:8090/DefaultCollection', { kind: 'microsoft', account: 'me@example.com' });
    assert.deepEqual(await secrets.get('https://dev.azure.com/CONTOSO/'), { kind: 'pat', pat: 'pat-contoso' });
    assert.equal(await secrets.get('https://dev.azure.com/contoso-evil'), undefined);
    assert.equal(await secrets.get('http://dev.azure.com.evil.example/contoso'), undefined);
    const listed = await secrets.list();
    assert.deepEqual(listed, [
      { orgUrl: 'https://dev.azure.com/contoso', kind: 'pat', account: undefined },
      { orgUrl: 'http://127.0.0.1:8090/defaultcollection', kind: 'microsoft', account: 'me@example.com' },
    ]);
    assert.doesNotMatch(JSON.stringify(listed), /pat-contoso/);
    await secrets.forget('https://dev.azure.com/contoso');
    assert.equal(await secrets.get('https://dev.azure.com/contoso'), undefined);
    assert.deepEqual((await secrets.list()).map((o) => o.orgUrl), ['http://127.0.0.1:8090/defaultcollection']);
  });

  it('drops the single PAT of earlier versions instead of giving it to whatever the settings name', async () => {
    const storage = memorySecrets({ 'adoSync.pat': 'old-pat', 'adoSync.microsoftSignIn': 'me' });
    const secrets = new ConnectionSecrets(storage);
    assert.equal(await secrets.dropLegacy(), true);
    assert.equal(storage.map.size, 0);
    assert.deepEqual(await secrets.list(), []);
    assert.equal(await secrets.dropLegacy(), false);
  });

  it('a damaged entry counts as absent', async () => {
    const storage = memorySecrets();
    const secrets = new ConnectionSecrets(storage);
    await secrets.store('https://dev.azure.com/contoso', { kind: 'pat', pat: 'x' });
    const key = [...storage.map.keys()].find((k) => k.startsWith('adoSync.credentials:')) ?? '';
    storage.map.set(key, '{not json');
    assert.equal(await secrets.get('https://dev.azure.com/contoso'), undefined);
    assert.deepEqual(await secrets.list(), []);
  });
});
