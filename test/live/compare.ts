// Holds observations against expected-behaviour.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Observation } from './target';

export interface Expected {
  status: number | number[];
  typeKey?: string;
  message?: string;
  headers?: string[];
  absentHeaders?: string[];
  headerValues?: Record<string, string>;
  facts?: Record<string, boolean | number | string>;
  /** The facts are checked only when this fact is true (e.g. rate-limit headers seen at all). */
  factsOnlyIf?: string;
  alternatives?: Record<string, string>;
}

export const EXPECTED_FILE = path.join(__dirname, 'expected-behaviour.json');

export function loadExpected(file = EXPECTED_FILE): Record<string, Expected> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { behaviours: Record<string, Expected> }).behaviours;
}

/** What differs from the table, one line each; empty when the observation matches. */
/**
 * acceptAlternatives: statuses the table lists as alternatives pass too. requireFacts: a fact the
 * observation lacks is a mismatch (the emulator run); a live run may not be able to observe some
 * (e.g. a hook delivery to a URL it does not control), and those are left out.
 */
export function mismatches(observation: Observation, expected: Expected | undefined, options: { acceptAlternatives?: boolean; requireFacts?: boolean } = {}): string[] {
  const key = observation.key;
  if (!expected) return [`${key}: not in expected-behaviour.json`];
  const out: string[] = [];
  const statuses = [...(Array.isArray(expected.status) ? expected.status : [expected.status]), ...(options.acceptAlternatives ? Object.keys(expected.alternatives ?? {}).map(Number) : [])];
  if (!statuses.includes(observation.status)) out.push(`${key}: status ${observation.status}, expected ${statuses.join(' or ')}${observation.message ? ` (${observation.message})` : ''}`);
  if (expected.typeKey && observation.typeKey !== expected.typeKey) out.push(`${key}: typeKey ${observation.typeKey ?? '(none)'}, expected ${expected.typeKey}`);
  if (expected.message && !new RegExp(expected.message).test(observation.message ?? '')) out.push(`${key}: message "${observation.message ?? ''}" does not match /${expected.message}/`);
  for (const name of expected.headers ?? []) if (observation.headers[name] === undefined) out.push(`${key}: header ${name} missing`);
  for (const name of expected.absentHeaders ?? []) if (observation.headers[name] !== undefined) out.push(`${key}: header ${name} present (${observation.headers[name]})`);
  for (const [name, pattern] of Object.entries(expected.headerValues ?? {})) {
    if (!new RegExp(pattern).test(observation.headers[name] ?? '')) out.push(`${key}: header ${name} "${observation.headers[name] ?? ''}" does not match /${pattern}/`);
  }
  if (!expected.factsOnlyIf || observation.facts[expected.factsOnlyIf] === true) {
    for (const [name, value] of Object.entries(expected.facts ?? {})) {
      if (observation.facts[name] === undefined && options.requireFacts === false) continue;
      if (observation.facts[name] !== value) out.push(`${key}: ${name} is ${String(observation.facts[name])}, expected ${String(value)}`);
    }
  }
  return out;
}
