// Builds every bundle of the project: the extension host code, the CLI, the ADO emulator
// (a dev tool, never packaged) and the browser code of the history webview.
// Usage: node esbuild.mjs [--production] [--watch] [--only extension,cli,emulator,webview]
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(',')) : null;

const nodeDefaults = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  // sql.js probes for these optional node modules; they are never used in node.
  external: ['vscode', 'sql.js/dist/sql-wasm.wasm'],
  alias: { 'whatwg-url': './scripts/shims/whatwg-url.cjs' },
};

const builds = {
  extension: { ...nodeDefaults, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  cli: {
    ...nodeDefaults,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  emulator: { ...nodeDefaults, entryPoints: ['test/emulator/main.ts'], outfile: 'dist/emulator.js' },
  webview: {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'info',
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
  },
};

async function copyWasm() {
  const require = createRequire(import.meta.url);
  const wasm = path.join(path.dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
  await mkdir('dist', { recursive: true });
  await copyFile(wasm, 'dist/sql-wasm.wasm');
}

/** The history webview loads codicons locally (its CSP allows only webview.cspSource). */
async function copyCodicons() {
  const require = createRequire(import.meta.url);
  const from = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  await mkdir('dist/codicons', { recursive: true });
  await Promise.all(['codicon.css', 'codicon.ttf'].map((f) => copyFile(path.join(from, f), path.join('dist/codicons', f))));
}

const selected = Object.entries(builds).filter(([name]) => !only || only.has(name));
if (selected.length === 0) {
  console.error(`esbuild.mjs: nothing to build for --only ${[...only].join(',')}`);
  process.exit(2);
}
await copyWasm();
await copyCodicons();
if (watch) {
  for (const [, options] of selected) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(selected.map(([, options]) => esbuild.build(options)));
}
