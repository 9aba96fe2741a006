// Puts extensions into code-server's extensions dir unpacked, as <publisher>.<name>-<version>/,
// which is how code-server finds them without a VSIX.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ExtensionManifest {
  readonly publisher: string;
  readonly name: string;
  readonly version: string;
  readonly main?: string;
}

/** What the VSIX ships (see .vscodeignore); source maps in dist/ help stack traces. */
const SHIPPED = ['package.json', 'package.nls.json', 'dist', 'media', 'README.md', 'LICENSE', 'CHANGELOG.md'];

export class ExtensionNotBuiltError extends Error {
  constructor(file: string) {
    super(`${file} is missing: run \`npm run build\` first`);
    this.name = 'ExtensionNotBuiltError';
  }
}

export function readManifest(extensionRoot: string): ExtensionManifest {
  const manifest = JSON.parse(readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as Partial<ExtensionManifest>;
  const { publisher, name, version, main } = manifest;
  if (!publisher || !name || !version) throw new Error(`${extensionRoot}/package.json lacks publisher, name or version`);
  return { publisher, name, version, main };
}

export function extensionId(manifest: ExtensionManifest): string {
  return `${manifest.publisher}.${manifest.name}`;
}

/** Copies the extension at extensionRoot; returns its folder in extensionsDir. */
export function installUnpacked(extensionRoot: string, extensionsDir: string, entries: readonly string[] = SHIPPED): string {
  const manifest = readManifest(extensionRoot);
  const { main } = manifest;
  if (main && !existsSync(path.join(extensionRoot, main))) throw new ExtensionNotBuiltError(path.join(extensionRoot, main));
  const target = path.join(extensionsDir, `${extensionId(manifest)}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  for (const entry of entries) {
    const source = path.join(extensionRoot, entry);
    if (existsSync(source)) cpSync(source, path.join(target, entry), { recursive: true });
  }
  return target;
}
