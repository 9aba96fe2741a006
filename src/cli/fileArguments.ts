// File arguments as the user typed them. POSIX shells expand `*.pdf` before we run; cmd and
// PowerShell pass it through, so a pattern that is not itself an existing path is expanded
// here (tinyglobby: the shell's rules, hidden files only when the pattern names them).
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileArguments {
  /** Absolute paths, in the order given (a pattern's matches sorted), each once. */
  files: string[];
  /** "arg: why", for each argument that names no file. */
  problems: string[];
}

async function kindOf(file: string): Promise<'file' | 'not a file' | 'no such file'> {
  try {
    return (await stat(file)).isFile() ? 'file' : 'not a file';
  } catch {
    return 'no such file';
  }
}

export async function expandFileArguments(cwd: string, args: readonly string[]): Promise<FileArguments> {
  // require, not import: esbuild would bundle tinyglobby's ESM build, whose fdir calls
  // createRequire(import.meta.url), undefined in our CommonJS bundle. Its CommonJS build has none.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { glob, isDynamicPattern } = require('tinyglobby') as typeof import('tinyglobby');
  const files: string[] = [];
  const problems: string[] = [];
  for (const arg of args) {
    const literal = path.resolve(cwd, arg);
    const kind = await kindOf(literal);
    // A file may be named like a pattern ("report[1].pdf"): an existing path wins.
    if (kind === 'file') files.push(literal);
    else if (kind === 'no such file' && isDynamicPattern(toPattern(arg))) {
      const matches = await glob(toPattern(arg), { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) problems.push(`${arg}: no file matches`);
      files.push(...matches.map((match) => path.resolve(match)).sort());
    } else problems.push(`${arg}: ${kind}`);
  }
  return { files: [...new Set(files)], problems };
}

/** Glob patterns use "/"; on Windows the user types "\". */
function toPattern(arg: string): string {
  return path.sep === '\\' ? arg.replaceAll('\\', '/') : arg;
}
