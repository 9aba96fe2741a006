// Checks what the VSIX would contain (vsce's own file list): the bundles, the wasm, media,
// README, LICENSE, the manifest and the l10n bundle, and nothing of test/, bench/, src/, node_modules or maps.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
const files = listing.split('\n').map((line) => line.trim()).filter(Boolean);

const required = ['package.json', 'package.nls.json', 'l10n/bundle.l10n.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/cli.js', 'dist/webview.js', 'dist/sql-wasm.wasm', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf'];
const forbidden = [/^test\//, /^bench\//, /^src\//, /^node_modules\//, /\.map$/, /^dist\/emulator/, /^\.ci\//, /\.ts$/];

const missing = required.filter((file) => !files.includes(file));
const leaked = files.filter((file) => forbidden.some((pattern) => pattern.test(file)));
console.log(`VSIX file list (${files.length} files):\n  ${files.join('\n  ')}`);
if (missing.length > 0 || leaked.length > 0) {
  if (missing.length > 0) console.error(`missing from the VSIX: ${missing.join(', ')}`);
  if (leaked.length > 0) console.error(`must not be in the VSIX: ${leaked.join(', ')}`);
  process.exit(1);
}
console.log('VSIX contents: ok');
