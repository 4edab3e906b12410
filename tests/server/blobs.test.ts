/** The clinic's file store on real PostgreSQL: content-addressed uploads, checked by hash, read only through a row of the device's clinic. */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgres, type Db } from '../../src-server/db'
import { SYNCED_BY_NAME } from '../../src-server/schema'
import { revokeDevice } from '../../src-server/sync/admin'
import { blobPath } from '../../src-server/sync/blobs'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'
import { enrollDevice, freshDatabase, newClinic, newId, type TestDatabase, type TestDevice } from './fixture'

let database: TestDatabase
let db: Db
let server: SyncServer
let url: string
let blobDir: string
let a1: TestDevice
let b1: TestDevice

beforeAll(async () => {
  database = await freshDatabase()
  db = await openPostgres(database.url)
  blobDir = mkdtempSync(join(tmpdir(), 'vetos-blobs-'))
  server = await startSyncServer({ db, port: 0, blobDir })
  url = server.url
  const clinicA = await newClinic(db, 'Clinic A')
  const clinicB = await newClinic(db, 'Clinic B')
  a1 = await enrollDevice({ db, url }, clinicA, 'front-desk')
  b1 = await enrollDevice({ db, url }, clinicB, 'other-clinic')
})

afterAll(async () => {
  await server?.close()
  await db?.close()
  await database?.drop()
  rmSync(blobDir, { recursive: true, force: true })
})

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

const put = (device: TestDevice | null, hash: string, body: Buffer, base = url) =>
  fetch(`${base}/sync/v1/blobs/${hash}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...(device ? { authorization: `Bearer ${device.token}` } : {}) }, body })

const get = (device: TestDevice, hash: string, base = url) => fetch(`${base}/sync/v1/blobs/${hash}`, { headers: { authorization: `Bearer ${device.token}` } })

/** A row of a synced table written straight into Postgres, every required column filled. */
async function row(table: string, clinicId: string, values: Record<string, unknown>): Promise<void> {
  const filler = { text: 'x', int8: 1, bool: false, float8: 1, bytea: Buffer.alloc(0) }
  const cols = SYNCED_BY_NAME.get(table)!.columns.filter((c) => c.notNull || c.name in values)
  const v = (name: string, type: keyof typeof filler) => (name in values ? values[name] : name === 'id' ? newId() : name === 'clinic_id' ? clinicId : filler[type])
  await db.query(`INSERT INTO "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => v(c.name, c.type)))
}

describe('upload', () => {
  it('keeps a file under its hash, written whole (no temporary file left), and takes a repeat', async () => {
    const bytes = randomBytes(300_000)
    const hash = sha(bytes)
    const res = await put(a1, hash, bytes)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sha256: hash, bytes: bytes.length })
    const path = blobPath(blobDir, hash)
    expect(path).toBe(join(blobDir, hash.slice(0, 2), hash.slice(2, 4), hash))
    expect(readFileSync(path).equals(bytes)).toBe(true)
    expect((await put(a1, hash, bytes)).status).toBe(200)
    expect(readdirSync(join(blobDir, 'tmp'))).toEqual([])
  })

  it('refuses a body that does not hash to its name (422), and keeps nothing', async () => {
    const bytes = randomBytes(1000)
    const wrong = sha(Buffer.from('something else'))
    const res = await put(a1, wrong, bytes)
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: 'hash-mismatch' })
    expect(existsSync(blobPath(blobDir, wrong))).toBe(false)
    expect(readdirSync(join(blobDir, 'tmp'))).toEqual([])
  })

  it('refuses a name that is not a SHA-256 (400), a body that is not octet-stream (415) and a missing token (401)', async () => {
    expect((await put(a1, 'abc', Buffer.from('x'))).status).toBe(400)
    const bytes = Buffer.from('{"a":1}')
    const json = await fetch(`${url}/sync/v1/blobs/${sha(bytes)}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${a1.token}` }, body: bytes })
    expect(json.status).toBe(415)
    expect((await put(null, sha(bytes), bytes)).status).toBe(401)
  })
})

describe('download', () => {
  it('gives a file named by an imaging instance or a document of the device’s clinic, and only then', async () => {
    const image = randomBytes(50_000)
    const doc = randomBytes(20_000)
    await put(a1, sha(image), image)
    await put(a1, sha(doc), doc)
    // Uploaded but named by no row yet: not readable.
    expect(await (await get(a1, sha(image))).json()).toMatchObject({ error: 'not-found' })

    await row('imaging_instances', a1.clinicId, { sha256: sha(image) })
    await row('documents', a1.clinicId, { sha256: sha(doc) })
    for (const [hash, bytes] of [[sha(image), image], [sha(doc), doc]] as const) {
      const res = await get(a1, hash)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    }
  })

  it('refuses another clinic’s file as unknown (404)', async () => {
    const image = randomBytes(1000)
    await put(a1, sha(image), image)
    await row('imaging_instances', a1.clinicId, { sha256: sha(image) })
    const res = await get(b1, sha(image))
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not-found' })
  })

  it('says when a named file has not been uploaded yet (404 not-uploaded)', async () => {
    const hash = sha(randomBytes(10))
    await row('imaging_instances', a1.clinicId, { sha256: hash })
    expect(await (await get(a1, hash)).json()).toMatchObject({ error: 'not-uploaded' })
  })

  it('refuses a revoked device (401)', async () => {
    const gone = await enrollDevice({ db, url }, a1.clinicId, 'retired')
    const image = randomBytes(1000)
    await row('imaging_instances', a1.clinicId, { sha256: sha(image) })
    expect((await put(gone, sha(image), image)).status).toBe(200)
    await revokeDevice(db, gone.deviceId)
    expect((await get(gone, sha(image))).status).toBe(401)
    expect((await put(gone, sha(image), image)).status).toBe(401)
  })
})

it('answers 503 when the server has no folder for files', async () => {
  const bare = await startSyncServer({ db, port: 0 })
  try {
    const bytes = Buffer.from('x')
    const res = await put(a1, sha(bytes), bytes, bare.url)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'no-blob-store' })
  } finally {
    await bare.close()
  }
})
