// Starts the ADO emulator (test/emulator/index.ts, built by another part of the project) for
// suites that talk to "Azure DevOps". Until that module exists the run goes on without it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { onCleanup } from './cleanup';
import { REPO_ROOT } from './paths';

export interface RunningEmulator {
  readonly url: string;
}

interface EmulatorHandle {
  readonly url?: unknown;
  readonly baseUrl?: unknown;
  readonly close?: unknown;
  readonly stop?: unknown;
}

export const EMULATOR_MODULE = path.join(REPO_ROOT, 'test', 'emulator', 'index.ts');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Returns undefined when the emulator module is not there yet. */
export async function startEmulatorIfPresent(): Promise<RunningEmulator | undefined> {
  if (!existsSync(EMULATOR_MODULE)) return undefined;
  const loaded: unknown = await import(pathToFileURL(EMULATOR_MODULE).href);
  const start = isObject(loaded) ? loaded.startEmulator : undefined;
  if (typeof start !== 'function') throw new Error(`${EMULATOR_MODULE} does not export startEmulator()`);
  const handle: unknown = await start({ port: 0 });
  if (!isObject(handle)) throw new Error('startEmulator() returned no handle');
  const { url, baseUrl, close, stop } = handle as EmulatorHandle;
  const stopEmulator = typeof close === 'function' ? close : stop;
  if (typeof stopEmulator === 'function') onCleanup('stop the emulator', () => stopEmulator.call(handle));
  const address = typeof url === 'string' ? url : baseUrl;
  if (typeof address !== 'string') throw new Error('startEmulator() returned no url');
  return { url: address };
}
