// Components from an exported JSON file, for users without Ardoq API access.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ArdoqComponent, ArdoqFormatError, parseComponentList } from './ardoqComponent';

export async function readComponentsFile(filePath: string): Promise<ArdoqComponent[]> {
  const text = await readFile(filePath, 'utf8');
  const name = path.basename(filePath);
  let document: unknown;
  try {
    // Files saved by Windows tools may start with a BOM.
    document = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ArdoqFormatError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  return parseComponentList(document, name);
}
