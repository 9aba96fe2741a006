// Text from outside (names and comments from Azure DevOps, file names, server messages) shown to
// people. Control and format characters are escaped so that a name cannot move the cursor,
// retitle a terminal (OSC), ring the bell, hide itself (NUL) or reorder the text around it (bidi
// overrides and isolates such as U+202E). Used by every CLI output path and by the tree and history.

/** Controls (C0, DEL, C1), format characters, line/paragraph separators, lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** Same, but line feeds stay: for text of several lines. */
const UNSAFE_KEEP_LINES = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** ZWNJ and ZWJ shape Persian and Indic words and emoji sequences: kept. */
const KEPT = new Set(['\u200c', '\u200d']);

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/** "\x1B", "\u202E", "\u{E0041}": the character as its code, readable and inert in a terminal. */
export function escapeCharacter(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 5)}}`;
}

const escapeUnlessKept = (c: string): string => (KEPT.has(c) ? c : escapeCharacter(c));

/** One line of text for display: every control and format character escaped, line breaks too. */
export function displayText(text: string): string {
  return text.replace(UNSAFE, escapeUnlessKept);
}

/** Text of several lines for display: as displayText, but "\n" still breaks lines. */
export function displayLines(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, escapeUnlessKept);
}

/**
 * JSON text safe to print: the same characters written as \uXXXX escapes inside strings, so a
 * parser reads the very same value (JSON.stringify leaves DEL, C1 and format characters raw).
 */
export function displayJson(json: string): string {
  return json.replace(UNSAFE_KEEP_LINES, (c) => (KEPT.has(c) ? c : jsonEscape(c)));
}

/** Astral characters become their two UTF-16 escapes, as JSON requires. */
function jsonEscape(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${hex(c.charCodeAt(i), 4).toLowerCase()}`;
  return out;
}
