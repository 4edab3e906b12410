/**
 * A document's bytes: in its row where it was made, and on a workstation that received the row
 * by sync, in a local copy fetched by its SHA-256 from the clinic server's file store on first
 * use (documents/<aa>/<sha256> in the data folder).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BlobFetcher } from '../sync/blobs'

export interface StoredDocument {
  sha256: string
  content: Buffer | null
}

export class DocumentFiles {
  constructor(
    private readonly dataDir: string,
    /** the clinic server's files; null on a workstation that has not joined one */
    private readonly remote: BlobFetcher | null
  ) {}

  static relative(sha256: string): string {
    return join('documents', sha256.slice(0, 2), sha256)
  }

  /** The bytes if they are on this workstation. */
  here(d: StoredDocument): Buffer | { file: string } | null {
    if (d.content) return d.content
    const file = join(this.dataDir, DocumentFiles.relative(d.sha256))
    return existsSync(file) ? { file } : null
  }

  /** The bytes, fetched from the clinic server first when they are not here; null when they cannot be had. */
  async get(d: StoredDocument): Promise<Buffer | { file: string } | null> {
    const found = this.here(d)
    if (found || !this.remote) return found
    try {
      await this.remote.fetch(d.sha256, DocumentFiles.relative(d.sha256))
    } catch {
      return null
    }
    return this.here(d)
  }

  /** The bytes in memory, for callers that cannot wait (fetching starts for the next call). */
  now(d: StoredDocument): Buffer | null {
    const found = this.here(d)
    if (!found) void this.get(d)
    return !found ? null : Buffer.isBuffer(found) ? found : readFileSync(found.file)
  }
}
