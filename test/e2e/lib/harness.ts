// Installs the harness extension (test/e2e/harness) into code-server's extensions dir, with the
// extension-host suites bundled beside it so that their `vscode` import is the harness's.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { extensionId, readManifest } from './extensionInstall';
import { E2E_DIR } from './paths';
import { bundleSuites, EXTENSION_HOST_BUNDLE } from './suiteBundle';

const HARNESS_DIR = path.join(E2E_DIR, 'harness');

export interface InstalledHarness {
  readonly dir: string;
  readonly suiteBundle: string;
  readonly suites: string[];
}

export async function installHarness(extensionsDir: string): Promise<InstalledHarness> {
  const manifest = readManifest(HARNESS_DIR);
  const dir = path.join(extensionsDir, `${extensionId(manifest)}-${manifest.version}`);
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  copyFileSync(path.join(HARNESS_DIR, 'package.json'), path.join(dir, 'package.json'));
  await esbuild.build({
    ...EXTENSION_HOST_BUNDLE,
    entryPoints: [path.join(HARNESS_DIR, 'extension.ts')],
    outfile: path.join(dir, 'dist', 'extension.js'),
  });
  const suiteBundle = path.join(dir, 'dist', 'suite.js');
  const suites = await bundleSuites(suiteBundle);
  return { dir, suiteBundle, suites };
}
