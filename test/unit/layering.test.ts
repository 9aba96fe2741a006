// The layering rule of DESIGN.md is enforced by ESLint; this proves the rule really fires.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');

async function lint(relativePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, relativePath) });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layering lint rules', () => {
  it('refuses a vscode import under src/core', async () => {
    const messages = await lint('src/core/sample.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
  });

  it('refuses node built-ins in webview code', async () => {
    const messages = await lint('src/webview/sample.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
  });

  it('allows vscode in the VS Code layer', async () => {
    const messages = await lint('src/vscode/sample.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.deepEqual(messages, []);
  });
});
