/**
 * Files between two workstations of one clinic: a DICOM image filed at one reaches the server's
 * file store before its row does, and the other workstation, which receives the row by sync,
 * fetches the file the first time the viewer asks for it and keeps it in its own images/ tree.
 *
 * The filing workstation is not started: its push step is driven here, so the test decides when
 * the row and its file leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, type App } from '../../src-main/app'
import { newId } from '../../src-main/core/ids'
import { readHeader } from '../../src-main/imaging/dicom-file'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { openPostgres, type Db } from '../../src-server/db'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { blobPath } from '../../src-server/sync/blobs'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'
import { freshDatabase, type TestDatabase } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { until } from '../helpers/wait'

interface Workstation {
  app: App
  dir: string
  token: string | null
}

describe('files synced through the clinic server’s file store', () => {
  let pg: TestDatabase
  let db: Db
  let server: SyncServer
  let blobDir: string
  let code: string
  let adminPin: string
  let adminId: string
  const stations: Workstation[] = []

  /** A joined workstation; a started one follows the clinic's shapes and has its administrator signed in. */
  async function workstation(name: string, start: boolean): Promise<Workstation> {
    const dir = tempDir(`vetos-sync-${name}-`)
    const deviceId = newId()
    const e = await enrollWorkstation(server.url, code, deviceId, name)
    const app = createApp({ dataDir: dir, host: 'hub', log: () => {}, join: { deviceId, clinicId: e.clinicId, syncUrl: server.url, token: e.deviceToken } })
    if (!start) {
      stations.push({ app, dir, token: null })
      return stations.at(-1)!
    }
    await app.start()
    await until(() => app.services.staff.list().some((s) => s.username === 'admin'), 15_000, 'the clinic’s staff to arrive')
    const admin = app.services.staff.list().find((s) => s.username === 'admin')!
    const r = await app.dispatch('auth.login', { staffId: admin.id, pin: adminPin }, null)
    if (!r.ok) throw new Error(r.error.message)
    const w = { app, dir, token: (r.result as { token: string }).token }
    stations.push(w)
    return w
  }

  beforeAll(async () => {
    pg = await freshDatabase()
    db = await openPostgres(pg.url)
    blobDir = mkdtempSync(join(tmpdir(), 'vetos-blobs-'))
    server = await startSyncServer({ db, port: 0, liveTimeoutMs: 2000, blobDir })
    let clinicId: string
    ;({ clinicId, adminPin, adminId } = await createClinic(db, { name: 'Riverside', timezone: 'UTC', currency: 'USD' }))
    ;({ code } = await createEnrollment(db, clinicId))
  })
  afterAll(async () => {
    for (const w of stations) {
      await w.app.close()
      rmSync(w.dir, { recursive: true, force: true })
    }
    await server?.close()
    await db?.close()
    await pg?.drop()
    if (blobDir) rmSync(blobDir, { recursive: true, force: true })
  })

  it('uploads an image before its row, and the other workstation fetches it when it is first shown', async () => {
    const a = await workstation('x-ray-room', false)
    const b = await workstation('exam-room', true)

    // A radiograph arrives at A (as the DICOM node files it) and waits in imaging review.
    const bytes = syntheticRadiograph({ patient: { ownerLastName: 'Quintana', petName: 'Pimienta', patientId: 'P-1' }, description: 'Thorax, lateral', rows: 64, columns: 64 })
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const { storage, studies } = a.app.services.imaging
    const header = readHeader(bytes)
    const incoming = storage.incomingPath()
    writeFileSync(incoming, bytes)
    const relative = storage.relativePathFor(header.sopInstanceUid)
    storage.commit(incoming, relative)
    const outcome = studies.index({ header, file: relative, sha256, bytes: bytes.length, sourceAet: 'DRROOM1', integrationId: null, associationId: null })
    if (outcome.kind !== 'stored') throw new Error(outcome.kind)
    const id = outcome.instance.id
    while (await a.app.services.sync!.pushOnce());

    // The row reaches B, and the server already has the file the row names.
    await until(() => b.app.services.imaging.studies.instance(id) !== undefined, 15_000, 'the instance row on B')
    expect(readFileSync(blobPath(blobDir, sha256)).equals(bytes)).toBe(true)
    const onB = b.app.services.imaging.storage.absolute(relative)
    expect(existsSync(onB)).toBe(false)

    // The viewer asks: B fetches the file from the server, checks its hash, files it in its tree and answers with it.
    const served = await b.app.media.serve(`/media/dicom/${id}`, b.token)
    expect(served).toMatchObject({ status: 200, mime: 'application/dicom', size: bytes.length })
    expect(readFileSync(onB).equals(bytes)).toBe(true)
  })

  it('keeps a row unpushed while its file cannot be uploaded, and pushes both once it can', async () => {
    const [a, b] = stations
    const bytes = syntheticRadiograph({ patient: { ownerLastName: 'Baptiste', petName: 'Iris', patientId: 'P-2' }, description: 'Abdomen', rows: 64, columns: 64, seed: 9 })
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const { storage, studies } = a.app.services.imaging
    const header = readHeader(bytes)
    const relative = storage.relativePathFor(header.sopInstanceUid)
    // The file store's folder is unusable: the upload fails, so the row waits in the outbox.
    rmSync(blobDir, { recursive: true, force: true })
    writeFileSync(blobDir, '')
    const incoming = storage.incomingPath()
    writeFileSync(incoming, bytes)
    storage.commit(incoming, relative)
    const outcome = studies.index({ header, file: relative, sha256, bytes: bytes.length, sourceAet: 'DRROOM1', integrationId: null, associationId: null })
    if (outcome.kind !== 'stored') throw new Error(outcome.kind)
    await expect(a.app.services.sync!.pushOnce()).rejects.toThrow(/file upload answered 500/)
    expect((await db.query('SELECT 1 FROM imaging_instances WHERE id = $1', [outcome.instance.id])).length).toBe(0)

    rmSync(blobDir, { force: true })
    while (await a.app.services.sync!.pushOnce());
    await until(() => b.app.services.imaging.studies.instance(outcome.instance.id) !== undefined, 20_000, 'the instance row on B')
    expect(readFileSync(blobPath(blobDir, sha256)).equals(bytes)).toBe(true)
  })

  it('sends a document’s bytes through the file store, not in its row, and the other workstation fetches them when it is opened', async () => {
    const [a, b] = stations
    const actor = { id: adminId, name: 'Administrator', role: 'admin' as const }
    const owner = a.app.services.clients.create(actor, { firstName: 'Ada', lastName: 'Papers', phones: [] })
    const pet = a.app.services.patients.create(actor, { clientId: owner.id, name: 'Quill', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 7), Buffer.from('\n%%EOF\n')])
    const doc = a.app.services.imaging.importDocument(actor, { patientId: pet.id, title: 'Referral letter', mime: 'application/pdf', base64: pdf.toString('base64') })
    while (await a.app.services.sync!.pushOnce());

    // The row on the server names the file; the bytes are in the file store under their hash.
    const [row] = await db.query<{ content: Buffer | null; bytes: number; sha256: string }>('SELECT content, bytes, sha256 FROM documents WHERE id = $1', [doc.id])
    expect(row).toMatchObject({ content: null, bytes: pdf.length })
    expect(readFileSync(blobPath(blobDir, row.sha256)).equals(pdf)).toBe(true)

    await until(() => b.app.services.labs.documents(doc.id) !== undefined, 15_000, 'the document row on B')
    const listed = await b.app.dispatch('documents.list', { patientId: pet.id }, b.token)
    expect(listed.ok && listed.result).toEqual([expect.objectContaining({ id: doc.id, title: 'Referral letter', bytes: pdf.length })])
    const served = await b.app.media.serve(`/media/documents/${doc.id}`, b.token)
    expect(served).toMatchObject({ status: 200, mime: 'application/pdf', size: pdf.length })
    // Kept on B from now on: the API reads it without the server.
    const got = await b.app.dispatch('documents.get', { id: doc.id }, b.token)
    expect(got.ok && Buffer.from((got.result as { base64: string }).base64, 'base64').equals(pdf)).toBe(true)
  })
})
