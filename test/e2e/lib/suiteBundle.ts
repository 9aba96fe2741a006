// Bundles the extension-host suites (test/e2e/suite/*.test.ts) and their mocha runner into one
// CommonJS file exporting run(), with `vscode` left to the extension host. The same bundle runs
// under code-server (through the harness extension) and under @vscode/test-electron.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { E2E_DIR } from './paths';

export const SUITE_DIR = path.join(E2E_DIR, 'suite');

/** Node code for the extension host: `vscode` is the host's, everything else is bundled. */
export const EXTENSION_HOST_BUNDLE: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'error',
};

export function suiteFiles(): string[] {
  return readdirSync(SUITE_DIR)
    .filter((name) => name.endsWith('.test.ts'))
    .sort();
}

/** Writes the bundle to outfile and returns the suite files it holds. */
export async function bundleSuites(outfile: string): Promise<string[]> {
  const files = suiteFiles();
  if (files.length === 0) throw new Error(`no *.test.ts in ${SUITE_DIR}`);
  // Each suite is required lazily, after the runner has installed mocha's globals.
  const entry = [
    "import { createSuiteEntry } from '../exthost/suiteRunner';",
    'export const { run } = createSuiteEntry([',
    ...files.map((file) => `  { file: ${JSON.stringify(file)}, load: () => require(${JSON.stringify(`./${file}`)}) },`),
    ']);',
  ].join('\n');
  await esbuild.build({
    ...EXTENSION_HOST_BUNDLE,
    stdin: { contents: entry, resolveDir: SUITE_DIR, sourcefile: 'suite-entry.ts', loader: 'ts' },
    // Stack traces of failed tests point into the suites' sources.
    sourcemap: 'inline',
    outfile,
  });
  return files;
}
