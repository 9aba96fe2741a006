// Extension-host suite: runs inside a real VS Code (code-server or @vscode/test-electron)
// against the real `vscode` module and our bundled extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, LOG_CHANNEL_NAME } from '../../../src/shared/ids';
import { recordMetric } from '../exthost/metrics';

interface Api {
  readonly version: string;
}

function ourExtension(): vscode.Extension<Api> {
  const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

describe('extension', () => {
  it('activates and returns its API with the package version', async () => {
    const extension = ourExtension();
    const started = performance.now();
    const api = await extension.activate();
    recordMetric('activate() ms', performance.now() - started);
    assert.equal(extension.isActive, true);
    assert.equal(api.version, extension.packageJSON.version);
    assert.match(api.version, /^\d+\.\d+\.\d+/);
  });

  it('registers adoSync.showLog, which shows our log with the activation line', async () => {
    await ourExtension().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(Commands.showLog), `${Commands.showLog} is not registered`);
    await vscode.commands.executeCommand(Commands.showLog);
    const shown = await waitFor(() => vscode.window.visibleTextEditors.map((editor) => editor.document).find(isOurLog), 5_000);
    assert.ok(shown, `no visible editor shows the "${LOG_CHANNEL_NAME}" output channel`);
    assert.match(shown.getText(), /\[info\] Azure DevOps Attachment Sync \d+\.\d+\.\d+ activated/);
  });
});

/** The Output view shows a channel as a document of scheme "output" named after the channel. */
function isOurLog(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'output' && decodeURIComponent(document.uri.toString()).includes(LOG_CHANNEL_NAME);
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
