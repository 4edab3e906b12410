/**
 * The workstation's side of the clinic server's file store (src-server/sync/blobs.ts). Files are
 * named by their SHA-256. A DICOM file is uploaded before the imaging_instances row that names it
 * is pushed, so the outbox is the upload queue (a failed upload leaves the row unpushed, retried
 * with it) and no workstation ever receives a row whose file the server lacks. A workstation that
 * received the row fetches the file when it is first shown, into its own images/ tree.
 * Documents still carry their bytes inline in their rows.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type Database from 'better-sqlite3'
import type { Change } from '../db/store'
import type { ServerLink } from './audit'

// Whole files go in one request: minutes, not the seconds a small request gets.
const TRANSFER_TIMEOUT_MS = 10 * 60_000

const blobUrl = (link: ServerLink, sha256: string) => `${link.url}/sync/v1/blobs/${sha256}`

/** Uploads the files of the imaging instances that outbox changes insert. */
export class BlobUploads {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly dataDir: string,
    private readonly link: ServerLink
  ) {}

  /** Called before the changes' mutations are pushed; throws (and the push waits) when an upload fails. */
  async before(changes: Change[]): Promise<void> {
    for (const [table, rowId, op] of changes) {
      if (table === 'documents' && op === 'insert') {
        await this.uploadDocument(rowId)
        continue
      }
      if (table !== 'imaging_instances' || op !== 'insert') continue
      const row = this.sqlite.prepare('SELECT file, sha256 FROM imaging_instances WHERE id = ?').get(rowId) as { file: string; sha256: string } | undefined
      const path = row && join(this.dataDir, row.file)
      // A file gone from this workstation cannot be sent; its row still is, and shows as missing elsewhere too.
      if (!row || !existsSync(path!)) continue
      const res = await this.link.fetch(blobUrl(this.link, row.sha256), {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.link.token}`, 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(createReadStream(path!)) as ReadableStream,
        duplex: 'half',
        signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS)
      } as RequestInit)
      if (!res.ok) throw new Error(`file upload answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
    }
  }

  /** A document's bytes go to the file store too; its row travels without them (SyncClient drops content). */
  private async uploadDocument(rowId: string): Promise<void> {
    const row = this.sqlite.prepare('SELECT content, sha256 FROM documents WHERE id = ?').get(rowId) as { content: Buffer | null; sha256: string } | undefined
    if (!row?.content) return
    const res = await this.link.fetch(blobUrl(this.link, row.sha256), {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.link.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(row.content),
      signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS)
    })
    if (!res.ok) throw new Error(`document upload answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
  }
}

/** Where a fetched file is written and then moved into place (ImageStorage). */
export interface FileTree {
  incomingPath(): string
  commit(incoming: string, relative: string): void
  discard(incoming: string): void
}

/** Fetches files from the clinic server into the local tree, one transfer per file however often it is asked for. */
export class BlobFetcher {
  private readonly running = new Map<string, Promise<void>>()

  constructor(
    private readonly link: ServerLink,
    private readonly tree: FileTree
  ) {}

  /** Resolves once the file with this hash is at `relative`; rejects when the server cannot give it (a later call tries again). */
  fetch(sha256: string, relative: string): Promise<void> {
    let transfer = this.running.get(relative)
    if (!transfer) {
      transfer = this.transfer(sha256, relative).finally(() => this.running.delete(relative))
      this.running.set(relative, transfer)
    }
    return transfer
  }

  private async transfer(sha256: string, relative: string): Promise<void> {
    const res = await this.link.fetch(blobUrl(this.link, sha256), { headers: { authorization: `Bearer ${this.link.token}` }, signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS) })
    if (!res.ok || !res.body) throw new Error(`the clinic server answered ${res.status} for file ${sha256}: ${(await res.text()).slice(0, 200)}`)
    const incoming = this.tree.incomingPath()
    try {
      const hash = createHash('sha256')
      await pipeline(
        Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk)
            yield chunk
          }
        },
        createWriteStream(incoming)
      )
      // The name is the promise: a file that does not hash to it is never filed.
      const got = hash.digest('hex')
      if (got !== sha256) throw new Error(`the file from the clinic server hashes to ${got}, not ${sha256}`)
      this.tree.commit(incoming, relative)
    } catch (e) {
      this.tree.discard(incoming)
      throw e
    }
  }
}
