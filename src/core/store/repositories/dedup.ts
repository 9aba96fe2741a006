import type { RepoContext } from './context';

export interface DedupRow {
  sha256Hash: string; attachmentGuid: string; attachmentUrl: string; fileSize: number;
  firstWorkItemId: number; createdAt: string;
}

/** deduplication_index: content hash -> the first ADO attachment holding it. */
export class DedupRepository {
  constructor(private readonly c: RepoContext) {}

  /** First writer wins; returns the row that holds the hash. */
  remember(e: Omit<DedupRow, 'createdAt'>): DedupRow {
    this.c.sql.run(
      `INSERT OR IGNORE INTO deduplication_index (sha256_hash, attachment_guid, attachment_url, file_size, first_work_item_id, created_at)
       VALUES (?,?,?,?,?,?)`, [e.sha256Hash, e.attachmentGuid, e.attachmentUrl, e.fileSize, e.firstWorkItemId, this.c.now()]);
    return this.find(e.sha256Hash)!;
  }

  find(sha256Hash: string): DedupRow | undefined {
    return this.c.sql.get<DedupRow>(
      `SELECT sha256_hash AS sha256Hash, attachment_guid AS attachmentGuid, attachment_url AS attachmentUrl,
        file_size AS fileSize, first_work_item_id AS firstWorkItemId, created_at AS createdAt
       FROM deduplication_index WHERE sha256_hash = ?`, [sha256Hash]);
  }

  forget(sha256Hash: string): void {
    this.c.sql.run(`DELETE FROM deduplication_index WHERE sha256_hash = ?`, [sha256Hash]);
  }
}
