// " (did you mean attach?)": the closest of a few known words, for messages about a mistyped value.
import { closest, distance } from 'fastest-levenshtein';

/** " (did you mean attach?)" when one candidate is a likely typo of input, else "". */
export function didYouMean(input: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(input, [...candidates]);
  return distance(input, best) <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean ${best}?)` : '';
}
