// The extension host's own log: which extensions it activated, and why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** DIR/logs/<session>/exthost<N>/remoteexthost.log under code-server's user-data dir. */
export function exthostLogFiles(userDataDir: string): string[] {
  const logsDir = path.join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  const files: string[] = [];
  for (const session of readdirSync(logsDir)) {
    const sessionDir = path.join(logsDir, session);
    for (const host of readdirSync(sessionDir).filter((name) => name.startsWith('exthost'))) {
      const file = path.join(sessionDir, host, 'remoteexthost.log');
      if (existsSync(file)) files.push(file);
    }
  }
  return files;
}

/** Lines like "ExtensionService#_doActivateExtension <id>, startup: false, activationEvent: 'api'". */
export function activationLines(userDataDir: string, extensionId: string): string[] {
  const needle = `_doActivateExtension ${extensionId}`;
  return exthostLogFiles(userDataDir).flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(needle)),
  );
}
