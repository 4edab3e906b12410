/** A real PostgreSQL database per test file, the sync server in process, and enrolled devices. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { v7 as uuidv7 } from 'uuid'
import { formatHlc } from '../../src-main/core/hlc'
import { SCHEMA_VERSION } from '../../src-main/db/store'
import { openPostgres, type Db } from '../../src-server/db'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'

export const PG_ADMIN_URL = process.env.VETOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/** CREATE DATABASE vetos_sync_test_<random>; drop() removes it (and any connection left to it). */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `vetos_sync_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    }
  }
}

export interface TestServer {
  db: Db
  server: SyncServer
  url: string
  close(): Promise<void>
}

export async function startTestServer(databaseUrl: string, liveTimeoutMs?: number): Promise<TestServer> {
  const db = await openPostgres(databaseUrl)
  const server = await startSyncServer({ db, port: 0, liveTimeoutMs })
  return {
    db,
    server,
    url: server.url,
    async close() {
      await server.close()
      await db.close()
    }
  }
}

export interface TestDevice {
  deviceId: string
  clinicId: string
  token: string
  /** the next outbox sequence number this device pushes */
  seq: number
  /** who its mutations say made them: the clinic's administrator unless a test says otherwise */
  actorId: string | null
}

export async function newClinic(db: Db, name = 'Test clinic'): Promise<string> {
  return (await createClinic(db, { name, timezone: 'UTC', currency: 'USD' })).clinicId
}

/** Enrolls a device through the HTTP endpoint, as a workstation does. */
export async function enrollDevice(ts: { db: Db; url: string }, clinicId: string, deviceId = `dev-${randomBytes(4).toString('hex')}`): Promise<TestDevice> {
  const { code } = await createEnrollment(ts.db, clinicId)
  const res = await fetch(`${ts.url}/sync/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceId, name: deviceId }) })
  const body = (await res.json()) as { deviceToken: string; clinicId: string }
  if (res.status !== 200) throw new Error(`enroll: ${res.status} ${JSON.stringify(body)}`)
  const [admin] = await ts.db.query<{ id: string }>("SELECT id FROM staff WHERE clinic_id = $1 AND username = 'admin'", [body.clinicId])
  return { deviceId, clinicId: body.clinicId, token: body.deviceToken, seq: 1, actorId: admin?.id ?? null }
}

export type WireChange = [table: string, rowId: string, op: 'insert' | 'update' | 'delete', hlc: string, row: Record<string, unknown>]

export interface WireMutation {
  mutationId: string
  seq: number
  hlc: string
  changes: WireChange[]
  actorId?: string | null
}

/** A mutation with the device's next sequence number. */
export function mutation(device: TestDevice, changes: WireChange[]): WireMutation {
  return { mutationId: uuidv7(), seq: device.seq++, hlc: changes[changes.length - 1][3], changes, actorId: device.actorId }
}

export interface PushResult {
  mutationId: string
  status: 'applied' | 'duplicate' | 'rejected' | 'gap'
  serverVersion: number | null
  reason: string | null
}

export async function pushRaw(url: string, device: TestDevice, mutations: WireMutation[], body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/sync/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
    body: JSON.stringify(body ?? { deviceId: device.deviceId, schemaVersion: SCHEMA_VERSION, mutations })
  })
  return { status: res.status, json: await res.json() }
}

/** Pushes and expects a 200; returns the per-mutation results. */
export async function push(url: string, device: TestDevice, mutations: WireMutation[]): Promise<PushResult[]> {
  const { status, json } = await pushRaw(url, device, mutations)
  if (status !== 200) throw new Error(`push: ${status} ${JSON.stringify(json)}`)
  return json.results
}

// A minute ago: clock values after it are recent and never too far ahead of the server.
const CLOCK_BASE = Date.now() - 60_000

/** A clock value offsetMs after a fixed recent base, from device dev. */
export function hlc(offsetMs: number, dev = 'dev', counter = 0): string {
  return formatHlc({ ms: CLOCK_BASE + offsetMs, counter }, dev)
}

export function clientRow(clinicId: string, id: string, stamp: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    clinic_id: clinicId,
    created_at: new Date().toISOString(),
    updated_at: stamp,
    deleted_at: null,
    server_version: null,
    first_name: 'Ann',
    last_name: 'Lee',
    first_name_norm: 'ann',
    last_name_norm: 'lee',
    address: null,
    notes: null,
    ...fields
  }
}

export const newId = (): string => uuidv7()
