/** The same server on the embedded PGlite database a newcomer gets without PostgreSQL: migrations, enrollment, a push, a shape. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openPglite, type Db } from '../../src-server/db'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'
import { clientRow, enrollDevice, hlc, mutation, newClinic, newId, push, type TestDevice } from './fixture'

let dir: string
let db: Db
let server: SyncServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vetos-pglite-'))
  db = await openPglite(dir)
  server = await startSyncServer({ db, port: 0 })
})

afterAll(async () => {
  await server?.close()
  await db?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('migrates, enrolls a device, applies a push and serves it back through the shape endpoint', async () => {
  const tables = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE '%\\_version'")
  expect(tables[0].n).toBeGreaterThan(10)
  const clinicId = await newClinic(db, 'Embedded clinic')
  const device: TestDevice = await enrollDevice({ db, url: server.url }, clinicId, 'embedded-1')
  const id = newId()
  const stamp = hlc(1, device.deviceId)
  const [result] = await push(server.url, device, [mutation(device, [['clients', id, 'insert', stamp, clientRow(clinicId, id, stamp, { first_name: 'Pat' })]])])
  expect(result.status).toBe('applied')

  const res = await fetch(`${server.url}/v1/shape?table=clients&offset=-1`, { headers: { authorization: `Bearer ${device.token}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('electric-schema')).toContain('"first_name"')
  const body = (await res.json()) as any[]
  expect(body.map((m) => m.value?.first_name ?? m.headers.control)).toEqual(['Pat', 'up-to-date'])
  expect(res.headers.get('electric-offset')).toBe(`${result.serverVersion}_0`)

  // a live request is woken by PGlite's own notifications
  const waiting = fetch(`${server.url}/v1/shape?table=clients&offset=${res.headers.get('electric-offset')}&handle=${res.headers.get('electric-handle')}&live=true`, { headers: { authorization: `Bearer ${device.token}` } })
  const second = newId()
  const later = hlc(2, device.deviceId)
  await push(server.url, device, [mutation(device, [['clients', second, 'insert', later, clientRow(clinicId, second, later)]])])
  const live = (await (await waiting).json()) as any[]
  expect(live[0].value.id).toBe(second)
})
