/**
 * The clinic's files (DICOM images; documents still travel inline in their rows), kept by content:
 * <blob dir>/aa/bb/<sha256>. A workstation uploads a file before the row that names it, so a row
 * never reaches another workstation ahead of its file; that workstation fetches the file when it
 * first shows it. Rows are clinic data and files are read only through one: a device may fetch a
 * file only when a row of its clinic names that hash.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance } from 'fastify'
import type { Db, Queryable } from '../db'
import { authenticate } from './auth'
import { HttpError } from './errors'

/** Ultrasound loops are the largest files a clinic keeps; this is far above them. */
export const MAX_BLOB_BYTES = 2 * 1024 ** 3

const SHA256 = /^[0-9a-f]{64}$/

/** The blob routes, in a scope of their own so only they take raw bodies. No dir: every request is a 503. */
export function blobRoutes(db: Db, dir: string | undefined) {
  return async (scope: FastifyInstance) => {
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload))

    scope.put('/sync/v1/blobs/:sha256', { bodyLimit: MAX_BLOB_BYTES }, async (request) => {
      await authenticate(db, request.headers.authorization)
      const sha256 = hashParam(request.params)
      const root = store(dir)
      if (typeof (request.body as Readable | undefined)?.pipe !== 'function') throw new HttpError(415, 'bad-request', 'the body is the file, as application/octet-stream')
      return { sha256, bytes: await receive(root, sha256, request.body as Readable) }
    })

    scope.get('/sync/v1/blobs/:sha256', async (request, reply) => {
      const device = await authenticate(db, request.headers.authorization)
      const sha256 = hashParam(request.params)
      const root = store(dir)
      if (!(await namedByClinic(db, device.clinicId, sha256))) throw new HttpError(404, 'not-found', 'no file of this clinic has this hash')
      const path = blobPath(root, sha256)
      const size = await stat(path).then((s) => s.size, () => null)
      if (size === null) throw new HttpError(404, 'not-uploaded', 'the workstation that has this file has not sent it yet')
      return reply.type('application/octet-stream').header('content-length', size).send(createReadStream(path))
    })
  }
}

export const blobPath = (root: string, sha256: string): string => join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256)

function store(dir: string | undefined): string {
  if (!dir) throw new HttpError(503, 'no-blob-store', 'this server was started without a folder for files (--blob-dir)')
  return dir
}

function hashParam(params: unknown): string {
  const sha256 = (params as { sha256: string }).sha256.toLowerCase()
  if (!SHA256.test(sha256)) throw new HttpError(400, 'bad-request', 'a file is named by its SHA-256, 64 hex digits')
  return sha256
}

async function namedByClinic(q: Queryable, clinicId: string, sha256: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM imaging_instances WHERE sha256 = $1 AND clinic_id = $2 UNION ALL SELECT 1 FROM documents WHERE sha256 = $1 AND clinic_id = $2 LIMIT 1', [sha256, clinicId])
  return rows.length > 0
}

/**
 * Streams the body to a temporary file, hashing it, and moves it into place only when the hash is
 * the one named; synced before and after the rename, so a stored file is whole after a power cut.
 * A repeat is written and checked again, then dropped: the file in place has the same content.
 */
async function receive(root: string, sha256: string, body: Readable): Promise<number> {
  const tmp = join(root, 'tmp', `${randomUUID()}.part`)
  await mkdir(dirname(tmp), { recursive: true })
  const hash = createHash('sha256')
  let bytes = 0
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      if (bytes > MAX_BLOB_BYTES) return callback(new HttpError(413, 'too-large', `a file is at most ${MAX_BLOB_BYTES} bytes`))
      hash.update(chunk)
      callback(null, chunk)
    }
  })
  try {
    await pipeline(body, counted, createWriteStream(tmp))
    const got = hash.digest('hex')
    if (got !== sha256) throw new HttpError(422, 'hash-mismatch', `the body's SHA-256 is ${got}, not ${sha256}`)
    const target = blobPath(root, sha256)
    if (await stat(target).then(() => true, () => false)) return bytes
    await fsync(tmp)
    await mkdir(dirname(target), { recursive: true })
    await rename(tmp, target)
    await fsync(dirname(target))
    return bytes
  } finally {
    await rm(tmp, { force: true })
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
