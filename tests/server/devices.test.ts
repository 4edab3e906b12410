/**
 * The clinic's workstations on real PostgreSQL: listed with their last contact, and revoked by an
 * administrator the server checks itself (active admin of the caller's clinic, PIN, lockout).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPin } from '../../src-main/domain/staff'
import { authenticate } from '../../src-server/sync/auth'
import { createClinic } from '../../src-server/sync/admin'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'
import { enrollDevice, freshDatabase, newClinic, newId, startTestServer, type TestDatabase, type TestDevice, type TestServer } from './fixture'

let database: TestDatabase
let ts: TestServer
let clinicA: string
let adminPin: string
let adminId: string
let front: TestDevice
let exam: TestDevice
let other: TestDevice

async function addStaff(clinicId: string, role: string, pin: string, active = true): Promise<string> {
  const id = newId()
  const now = new Date().toISOString()
  await ts.db.query('INSERT INTO staff (id, clinic_id, created_at, updated_at, display_name, username, role, pin_hash, active) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8)', [id, clinicId, now, `${role} ${id.slice(-4)}`, `u${id.slice(-8)}`, role, hashPin(pin), active])
  return id
}

const call = async (device: TestDevice, path: string, body?: unknown, url = ts.url): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${device.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, json: await res.json() }
}
const list = (device: TestDevice) => call(device, '/sync/v1/devices')
const revoke = (device: TestDevice, body: Record<string, unknown>) => call(device, '/sync/v1/devices/revoke', { staffId: adminId, pin: adminPin, reason: 'stolen laptop', ...body })

beforeAll(async () => {
  database = await freshDatabase()
  ts = await startTestServer(database.url, 5000)
  ;({ clinicId: clinicA, adminPin } = await createClinic(ts.db, { name: 'Clinic A', timezone: 'UTC', currency: 'USD' }))
  adminId = (await ts.db.query<{ id: string }>("SELECT id FROM staff WHERE clinic_id = $1 AND role = 'admin'", [clinicA]))[0].id
  front = await enrollDevice(ts, clinicA, 'front-desk')
  exam = await enrollDevice(ts, clinicA, 'exam-room')
  other = await enrollDevice(ts, await newClinic(ts.db, 'Clinic B'), 'other-clinic')
})

afterAll(async () => {
  await ts?.close()
  await database?.drop()
})

describe('GET /sync/v1/devices', () => {
  it("lists the caller's clinic's devices only, the caller marked", async () => {
    const { status, json } = await list(front)
    expect(status).toBe(200)
    expect(json.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([front.deviceId, exam.deviceId])
    expect(json.devices[0]).toMatchObject({ name: 'front-desk', current: true, revokedAt: null, revokedBy: null, revokeReason: null })
    expect(json.devices[1]).toMatchObject({ name: 'exam-room', current: false })
    expect(Date.parse(json.devices[1].enrolledAt)).toBeGreaterThan(0)
    expect((await list(other)).json.devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([other.deviceId])
    expect((await fetch(`${ts.url}/sync/v1/devices`)).status).toBe(401)
  })

  it('keeps the last contact, written at most once a minute', async () => {
    const old = new Date(Date.now() - 5 * 60_000).toISOString()
    await ts.db.query('UPDATE sync_device SET last_seen_at = $2 WHERE device_id = $1', [exam.deviceId, old])
    const seen = async () => (await list(front)).json.devices.find((d: { deviceId: string }) => d.deviceId === exam.deviceId).lastSeenAt as string
    expect(await seen()).toBe(old)
    expect((await list(exam)).status).toBe(200)
    const first = await seen()
    expect(Date.now() - Date.parse(first)).toBeLessThan(10_000)
    // Within the minute, another request writes nothing.
    const later = new Date(Date.now() + 30_000)
    await authenticate(ts.db, `Bearer ${exam.token}`, later)
    expect(await seen()).toBe(first)
    await authenticate(ts.db, `Bearer ${exam.token}`, new Date(Date.now() + 61_000))
    expect(await seen()).not.toBe(first)
  })
})

describe('POST /sync/v1/devices/revoke', () => {
  it('refuses a malformed body, a non-admin, an inactive admin, an admin of another clinic, and revoking itself', async () => {
    expect(await revoke(front, { deviceId: exam.deviceId, reason: '  ' })).toMatchObject({ status: 400 })
    expect(await revoke(front, { deviceId: exam.deviceId, pin: '12' })).toMatchObject({ status: 400 })
    const vet = await addStaff(clinicA, 'veterinarian', '4321')
    expect(await revoke(front, { deviceId: exam.deviceId, staffId: vet, pin: '4321' })).toMatchObject({ status: 403, json: { error: 'not-admin' } })
    const former = await addStaff(clinicA, 'admin', '4321', false)
    expect(await revoke(front, { deviceId: exam.deviceId, staffId: former, pin: '4321' })).toMatchObject({ status: 403, json: { error: 'not-admin' } })
    const foreignAdmin = await addStaff(other.clinicId, 'admin', '4321')
    expect(await revoke(front, { deviceId: exam.deviceId, staffId: foreignAdmin, pin: '4321' })).toMatchObject({ status: 403, json: { error: 'not-admin' } })
    expect(await revoke(front, { deviceId: front.deviceId })).toMatchObject({ status: 409, json: { error: 'self-revoke' } })
    expect((await list(front)).json.devices.every((d: { revokedAt: string | null }) => d.revokedAt === null)).toBe(true)
  })

  it("neither lists nor revokes another clinic's device, and another clinic cannot revoke ours", async () => {
    expect(await revoke(front, { deviceId: other.deviceId })).toMatchObject({ status: 404, json: { error: 'unknown-device' } })
    expect(await revoke(other, { deviceId: exam.deviceId })).toMatchObject({ status: 404, json: { error: 'unknown-device' } })
    expect((await list(other)).status).toBe(200)
    expect(await ts.db.query('SELECT 1 FROM sync_device WHERE revoked_at IS NOT NULL')).toHaveLength(0)
  })

  it('answers a wrong PIN 403, and locks the administrator out of it after five wrong PINs in ten minutes (429)', async () => {
    const target = await enrollDevice(ts, clinicA, 'spare')
    const wrong = adminPin === '000000' ? '111111' : '000000'
    for (let i = 1; i <= 5; i++) {
      const r = await revoke(front, { deviceId: target.deviceId, pin: wrong })
      expect(r).toMatchObject({ status: 403, json: { error: 'wrong-pin' } })
      expect(r.json.message).toMatch(/^wrong PIN for Administrator/)
    }
    // Locked even with the right PIN, and from every workstation.
    const locked = await revoke(exam, { deviceId: target.deviceId })
    expect(locked).toMatchObject({ status: 429, json: { error: 'locked-out' } })
    expect(locked.json.message).toMatch(/locked for 10 more minutes/)
    expect((await list(front)).json.devices.find((d: { deviceId: string }) => d.deviceId === target.deviceId).revokedAt).toBeNull()
    // Ten minutes on, the oldest wrong PINs no longer count.
    await ts.db.query("UPDATE sync_pin_failure SET failed_at = to_char((now() - interval '11 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
    expect(await revoke(exam, { deviceId: target.deviceId })).toMatchObject({ status: 200, json: { device: { deviceId: target.deviceId, revokedBy: 'Administrator' } } })
    expect(await ts.db.query('SELECT 1 FROM sync_pin_failure')).toHaveLength(0)
  })

  it("revokes with the administrator's PIN: its next request is 401 and its open long-poll ends at once", async () => {
    const shape = await fetch(`${ts.url}/v1/shape?table=clients&offset=-1`, { headers: { authorization: `Bearer ${exam.token}` } })
    const waiting = fetch(`${ts.url}/v1/shape?table=clients&offset=${shape.headers.get('electric-offset')}&handle=${shape.headers.get('electric-handle')}&live=true&cursor=`, { headers: { authorization: `Bearer ${exam.token}` } })
    // The long-poll is waiting (5 s here) when the revocation commits.
    await new Promise((r) => setTimeout(r, 300))
    const started = Date.now()
    const r = await revoke(front, { deviceId: exam.deviceId })
    expect(r).toMatchObject({ status: 200, json: { device: { deviceId: exam.deviceId, revokedBy: 'Administrator', revokedFrom: 'front-desk', revokeReason: 'stolen laptop', current: false } } })
    const ended = await waiting
    expect(Date.now() - started).toBeLessThan(2000)
    expect(ended.status).toBe(401)
    expect(await ended.json()).toMatchObject({ message: "this workstation's access to the clinic server was revoked" })
    expect((await list(exam)).status).toBe(401)
    expect(await revoke(front, { deviceId: exam.deviceId })).toMatchObject({ status: 409, json: { error: 'already-revoked' } })
    const row = (await list(front)).json.devices.find((d: { deviceId: string }) => d.deviceId === exam.deviceId)
    expect(Date.parse(row.revokedAt)).toBeGreaterThan(0)
  })

  it("ends a revoked device's long-poll on another server instance too", async () => {
    const second: SyncServer = await startSyncServer({ db: ts.db, port: 0, liveTimeoutMs: 5000 })
    try {
      const target = await enrollDevice(ts, clinicA, 'ward')
      const shape = await fetch(`${second.url}/v1/shape?table=clients&offset=-1`, { headers: { authorization: `Bearer ${target.token}` } })
      const waiting = fetch(`${second.url}/v1/shape?table=clients&offset=${shape.headers.get('electric-offset')}&handle=${shape.headers.get('electric-handle')}&live=true&cursor=`, { headers: { authorization: `Bearer ${target.token}` } })
      await new Promise((r) => setTimeout(r, 300))
      const started = Date.now()
      expect(await revoke(front, { deviceId: target.deviceId })).toMatchObject({ status: 200 })
      expect((await waiting).status).toBe(401)
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await second.close()
    }
  })
})
