// Relation comments as the service accepts them: at most 255 characters (longer ones are refused
// with a 400, ado-behaviour.md §2). A trailing "[sha256:<hex>]" marker (the sync's content marker)
// is kept whole; the text before it is shortened with an ellipsis.

export const MAX_RELATION_COMMENT_LENGTH = 255;

const TRAILING_MARKER = /\s*(\[sha256:[0-9a-f]{64}\])\s*$/i;
const ELLIPSIS = '…';

/** The comment shortened to fit, or unchanged when it fits. ADO counts UTF-16 code units. */
export function fitRelationComment(comment: string): string {
  if (comment.length <= MAX_RELATION_COMMENT_LENGTH) return comment;
  const marker = TRAILING_MARKER.exec(comment);
  if (!marker) return `${truncateUtf16(comment, MAX_RELATION_COMMENT_LENGTH - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
  const text = comment.slice(0, marker.index).trimEnd();
  const room = MAX_RELATION_COMMENT_LENGTH - marker[1].length - 1 - ELLIPSIS.length;
  return `${truncateUtf16(text, room).trimEnd()}${ELLIPSIS} ${marker[1]}`;
}

/** At most maxUnits UTF-16 code units, never splitting a surrogate pair. */
function truncateUtf16(text: string, maxUnits: number): string {
  let result = '';
  for (const codePoint of text) {
    if (result.length + codePoint.length > maxUnits) break;
    result += codePoint;
  }
  return result;
}
