// The AttachedFile relations of a work item, read into what the planner compares: the attachment id,
// its name, size, and the SHA-256 from our marker in the comment (absent on files others attached).
import { ATTACHED_FILE, attachmentIdFromUrl, type WorkItem } from '../ado';
import { markerOf } from './contentMarker';

export interface RemoteAttachment {
  attachmentId: string;
  url: string;
  fileName: string;
  size?: number;
  sha256?: string;
  comment?: string;
}

export function remoteAttachmentsOf(item: WorkItem): RemoteAttachment[] {
  const out: RemoteAttachment[] = [];
  for (const r of item.relations ?? []) {
    if (r.rel !== ATTACHED_FILE) continue;
    let attachmentId: string;
    try {
      attachmentId = attachmentIdFromUrl(r.url);
    } catch {
      continue; // not an attachment URL we can fetch: nothing to sync
    }
    const attrs = r.attributes ?? {};
    const comment = typeof attrs.comment === 'string' ? attrs.comment : undefined;
    const size = Number(attrs.resourceSize);
    out.push({
      attachmentId,
      url: r.url,
      fileName: typeof attrs.name === 'string' && attrs.name !== '' ? attrs.name : attachmentId,
      size: Number.isFinite(size) && size >= 0 ? size : undefined,
      sha256: markerOf(comment),
      comment,
    });
  }
  return out;
}

export function attachmentCount(item: WorkItem): number {
  return (item.relations ?? []).filter((r) => r.rel === ATTACHED_FILE).length;
}
