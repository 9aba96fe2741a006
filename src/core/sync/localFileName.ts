// Turns attachment names chosen by anyone in Azure DevOps into safe local file names, and
// makes the visible "keep both" names used when content differs (DESIGN.md principle 4).
// Local names are allocated, not derived (principle 11): nameKey() is the uniqueness rule the
// planner allocates under, so names that one file system would treat as one file never share a path.
import path from 'node:path';

/** Bytes, not characters: most file systems limit a name to 255 bytes. */
const MAX_NAME_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// Control characters and the characters Windows forbids in names, plus both separators.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
// Format characters (bidi overrides such as U+202E, BOM) make a name read differently from what
// it is ("invoice\u202Etxt.exe" shows as "invoiceexe.txt"). ZWJ/ZWNJ stay: scripts and emoji need them.
const FORMAT_CHARACTERS = /(?![\u200c\u200d])\p{Cf}/gu;

export function sanitizeFileName(name: string, fallback = 'attachment'): string {
  let safe = name.normalize('NFC').replace(FORMAT_CHARACTERS, '').replace(UNSAFE_CHARACTERS, '_');
  // Leading dots would hide the file or form "." / ".."; trailing dots and spaces vanish on Windows.
  safe = safe.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (safe.length === 0) safe = fallback;
  const { stem, extension } = splitExtension(safe);
  const finalStem = WINDOWS_RESERVED.test(stem) ? `${stem}_` : stem;
  return limitBytes(finalStem, extension);
}

/**
 * The identity of a local name: Unicode NFC and case-folded, so "Report.txt" and "report.txt", or
 * "é" composed and decomposed, are one name (as on macOS and Windows file systems).
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC');
}

/** "report.pdf" -> "report (conflict 2026-11-24 0542 from ADO).pdf" */
export function conflictFileName(name: string, origin: string, when: Date): string {
  const stamp = when.toISOString().slice(0, 16).replace('T', ' ').replace(':', '');
  const { stem, extension } = splitExtension(name);
  // The suffix is kept whole and the stem shortened: a name at the byte limit would otherwise lose the suffix.
  return limitBytes(stem, ` (conflict ${stamp} from ${sanitizeFileName(origin, 'ADO')})${extension}`);
}

/** "report.pdf" -> "report (2).pdf": for distinct attachments that share one name. */
export function numberedFileName(name: string, n: number): string {
  const { stem, extension } = splitExtension(name);
  return limitBytes(stem, ` (${n})${extension}`);
}

/**
 * The first of `wanted`, `wanted (2)`, `wanted (3)`, ... whose key is not in `taken`; the chosen
 * key is added to `taken`, so one plan never hands a name out twice.
 */
export function allocateName(wanted: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? wanted : numberedFileName(wanted, n);
    const key = nameKey(candidate);
    if (!taken.has(key)) {
      taken.add(key);
      return candidate;
    }
  }
}

function splitExtension(name: string): { stem: string; extension: string } {
  const extension = path.extname(name);
  // Very long "extensions" are part of the name, not a type.
  if (extension.length === 0 || extension.length > 16 || extension === name) return { stem: name, extension: '' };
  return { stem: name.slice(0, -extension.length), extension };
}

function limitBytes(stem: string, extension: string): string {
  const budget = MAX_NAME_BYTES - Buffer.byteLength(extension);
  let result = stem;
  while (Buffer.byteLength(result) > budget) {
    result = [...result].slice(0, -1).join('');
  }
  return `${result}${extension}`;
}
