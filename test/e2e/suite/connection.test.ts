// Extension-host suite: connecting through the exported API against the seeded emulator,
// then the tree, Test Connection and Sign Out through the real commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/shared/ids';
import { EMULATOR_URL_ENV } from '../exthost/protocol';
import { adoSyncApi } from '../exthost/workspace';

describe('connection', function () {
  const emulatorUrl = process.env[EMULATOR_URL_ENV];
  before(function () {
    if (!emulatorUrl) this.skip();
  });
  after(async () => (await adoSyncApi()).signOut());

  it('rejects a wrong PAT and stays disconnected', async () => {
    const ours = await adoSyncApi();
    await assert.rejects(ours.connect(emulatorUrl ?? '', 'Demo', 'wrong-pat'));
    assert.equal(ours.isConnected(), false);
  });

  it('connects with the PAT, tests the connection, copies diagnostics without the PAT, signs out', async () => {
    const ours = await adoSyncApi();
    const { identity } = await ours.connect(emulatorUrl ?? '', 'Demo', 'test-pat');
    assert.ok(identity.length > 0);
    assert.equal(ours.isConnected(), true);
    assert.equal(await vscode.commands.executeCommand(Commands.testConnection), true);
    const diagnostics = await vscode.commands.executeCommand<string>(Commands.copyDiagnostics);
    assert.match(diagnostics, /"connected": true/);
    assert.doesNotMatch(diagnostics, /test-pat/);
    assert.equal(vscode.workspace.getConfiguration('adoSync').get('project'), 'Demo');
    await vscode.commands.executeCommand(Commands.signOut);
    assert.equal(ours.isConnected(), false);
    assert.equal(await vscode.commands.executeCommand(Commands.testConnection), false);
  });
});
