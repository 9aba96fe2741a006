import type { RepoContext } from './context';

export interface DedupRow {
  /** The collection (organization) the attachment lives in: its URL is valid there only. */
  collectionUrl: string;
  sha256Hash: string; attachmentGuid: string; attachmentUrl: string; fileSize: number;
  firstWorkItemId: number; createdAt: string;
}

export const DEDUP_COLS = `collection_url AS collectionUrl, sha256_hash AS sha256Hash, attachment_guid AS attachmentGuid,
  attachment_url AS attachmentUrl, file_size AS fileSize, first_work_item_id AS firstWorkItemId, created_at AS createdAt`;

/** deduplication_index: (collection, content hash) -> the first ADO attachment holding it there. */
export class DedupRepository {
  constructor(private readonly c: RepoContext) {}

  /** First writer wins; returns the row that holds the hash. */
  remember(e: Omit<DedupRow, 'createdAt'>): DedupRow {
    this.c.sql.run(
      `INSERT OR IGNORE INTO deduplication_index (collection_url, sha256_hash, attachment_guid, attachment_url, file_size, first_work_item_id, created_at)
       VALUES (?,?,?,?,?,?,?)`, [e.collectionUrl, e.sha256Hash, e.attachmentGuid, e.attachmentUrl, e.fileSize, e.firstWorkItemId, this.c.now()]);
    return this.find(e.collectionUrl, e.sha256Hash)!;
  }

  find(collectionUrl: string, sha256Hash: string): DedupRow | undefined {
    return this.c.sql.get<DedupRow>(`SELECT ${DEDUP_COLS} FROM deduplication_index WHERE collection_url = ? AND sha256_hash = ?`, [collectionUrl, sha256Hash]);
  }

  /** Every collection's entry for this content (the CLI's dedup lookup). */
  findAll(sha256Hash: string): DedupRow[] {
    return this.c.sql.all<DedupRow>(`SELECT ${DEDUP_COLS} FROM deduplication_index WHERE sha256_hash = ? ORDER BY created_at`, [sha256Hash]);
  }

  /** The content of attachments we uploaded ourselves: what backs our own markers. */
  contentOf(attachmentGuid: string): string | undefined {
    const v = this.c.sql.scalar(`SELECT sha256_hash FROM deduplication_index WHERE attachment_guid = ?`, [attachmentGuid]);
    return typeof v === 'string' ? v : undefined;
  }

  /** A re-link was refused (the attachment is gone): the next upload of this content starts fresh. */
  forget(collectionUrl: string, sha256Hash: string): void {
    this.c.sql.run(`DELETE FROM deduplication_index WHERE collection_url = ? AND sha256_hash = ?`, [collectionUrl, sha256Hash]);
  }
}
