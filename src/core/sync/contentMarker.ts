// The SHA-256 marker we append to every attachment relation comment. It makes each remote
// step re-discoverable: after a crash or with the database lost, a sync reads the markers
// back from the work item and never links the same content twice (DESIGN.md principle 1).

import { fitRelationComment } from '../ado';

const MARKER_PATTERN = /\[sha256:([0-9a-f]{64})\]\s*$/i;

export function formatMarker(sha256: string): string {
  if (!/^[0-9a-f]{64}$/i.test(sha256)) {
    throw new TypeError(`not a SHA-256 hex digest: "${sha256}"`);
  }
  return `[sha256:${sha256.toLowerCase()}]`;
}

/**
 * "<user comment> [sha256:<hex>]", at most 255 characters: the user's part is shortened
 * (with an ellipsis), never the marker.
 */
export function commentWithMarker(userComment: string | undefined, sha256: string): string {
  const marker = formatMarker(sha256);
  const text = stripMarker(userComment ?? '').trim().replace(/\s+/g, ' ');
  return text.length === 0 ? marker : fitRelationComment(`${text} ${marker}`);
}

/** The SHA-256 a comment carries, lower case, or undefined when it has no marker. */
export function markerOf(comment: string | undefined | null): string | undefined {
  const match = comment ? MARKER_PATTERN.exec(comment) : null;
  return match ? match[1].toLowerCase() : undefined;
}

/** The user's own part of a comment we wrote. */
export function stripMarker(comment: string): string {
  return comment.replace(MARKER_PATTERN, '').trimEnd();
}
