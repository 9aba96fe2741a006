// Progress of chunked uploads in flight: one small JSON file per upload session, rewritten
// atomically after every acknowledged chunk. Its cost is that of a few hundred bytes whatever the
// size of the database (a flush of the whole sql.js database per chunk took 44 ms at 18 MB), and it
// is what a restarted process resumes from. The store's chunked_upload_sessions row is written
// when the session starts and folded in when the work item's sync commits.
import * as fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomicWrite';

export interface JournalEntry {
  sessionUuid: string;
  workItemId: number;
  /** Absolute path of the file being sent. */
  filePath: string;
  fileName: string;
  /** SHA-256 of the whole file: a resume needs the same content. */
  sha256: string;
  totalSize: number;
  chunkSize: number;
  uploadId: string;
  uploadUrl: string;
  /** First byte the server has not acknowledged. */
  nextByte: number;
  /** SHA-256 of bytes [0, nextByte). */
  sentSha256: string;
  /** Failed tries of this session in a row: a session that keeps failing is abandoned, not resumed for 24 h. */
  failures: number;
  updatedAt: string;
}

const SESSION_FILE = /^[0-9a-f-]{36}\.json$/;

export class UploadJournal {
  constructor(readonly dir: string) {}

  /** The journal of a database: the folder `<database>.uploads` beside it. */
  static of(store: { path: string }): UploadJournal {
    return new UploadJournal(`${store.path}.uploads`);
  }

  write(entry: JournalEntry): void {
    fs.mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file(entry.sessionUuid), Buffer.from(JSON.stringify(entry)));
  }

  read(sessionUuid: string): JournalEntry | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(sessionUuid), 'utf8')) as JournalEntry;
    } catch {
      return undefined;
    }
  }

  /** Sessions that can continue this content of this file for this work item, newest first. */
  find(workItemId: number, filePath: string, sha256: string, chunkSize: number): JournalEntry | undefined {
    return this.all()
      .filter((e) => e.workItemId === workItemId && e.filePath === filePath && e.sha256 === sha256 && e.chunkSize === chunkSize)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  }

  all(): JournalEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names.filter((n) => SESSION_FILE.test(n)).map((n) => this.read(n.slice(0, -5))).filter((e): e is JournalEntry => e !== undefined);
  }

  remove(sessionUuid: string): void {
    fs.rmSync(this.file(sessionUuid), { force: true });
  }

  /** Drops entries older than the 24 h an ADO upload session lives. */
  expire(now: Date, ttlMs: number): void {
    for (const e of this.all()) if (now.getTime() - Date.parse(e.updatedAt) > ttlMs) this.remove(e.sessionUuid);
  }

  private file(sessionUuid: string): string {
    return path.join(this.dir, `${sessionUuid}.json`);
  }
}
