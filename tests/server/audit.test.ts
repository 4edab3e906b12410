/** Audit anchoring on real PostgreSQL: the server keeps each device's chain, and a rewritten chain no longer continues it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GENESIS_HASH, entryHash, type AuditRow } from '../../src-main/audit/chain'
import { revokeDevice } from '../../src-server/sync/admin'
import { enrollDevice, freshDatabase, newClinic, newId, startTestServer, type TestDatabase, type TestDevice, type TestServer } from './fixture'

let database: TestDatabase
let ts: TestServer
let clinicA: string
let a1: TestDevice
let a2: TestDevice
let b1: TestDevice

beforeAll(async () => {
  database = await freshDatabase()
  ts = await startTestServer(database.url)
  clinicA = await newClinic(ts.db, 'Clinic A')
  const clinicB = await newClinic(ts.db, 'Clinic B')
  a1 = await enrollDevice(ts, clinicA, 'front-desk')
  a2 = await enrollDevice(ts, clinicA, 'exam-room')
  b1 = await enrollDevice(ts, clinicB, 'other-clinic')
})

afterAll(async () => {
  await ts?.close()
  await database?.drop()
})

/** A valid chain of n entries after `after` (the genesis by default), written by device, as audit/chain.ts writes them. */
function chain(device: TestDevice, n: number, after: AuditRow | null = null, summary = 'recorded'): AuditRow[] {
  const rows: AuditRow[] = []
  let prev = after
  for (let i = 0; i < n; i++) {
    const seq = (prev?.seq ?? 0) + 1
    const base: Omit<AuditRow, 'hash'> = {
      seq,
      id: newId(),
      clinic_id: device.clinicId,
      device_id: device.deviceId,
      occurred_at: new Date().toISOString(),
      recorded_at: new Date().toISOString(),
      actor_id: null,
      actor_name: 'Ann',
      action: 'client.created',
      direction: 'internal',
      integration_id: null,
      patient_id: null,
      entity_type: 'client',
      entity_id: newId(),
      outcome: 'ok',
      summary: `${summary} ${seq}`,
      details: JSON.stringify({ n: seq }),
      prev_hash: prev?.hash ?? GENESIS_HASH
    }
    prev = { ...base, hash: entryHash(base) }
    rows.push(prev)
  }
  return rows
}

async function post(device: TestDevice, entries: unknown[], deviceId = device.deviceId): Promise<{ status: number; json: any }> {
  const res = await fetch(`${ts.url}/sync/v1/audit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
    body: JSON.stringify({ deviceId, entries })
  })
  return { status: res.status, json: await res.json() }
}

async function head(device: TestDevice): Promise<{ status: number; json: any }> {
  const res = await fetch(`${ts.url}/sync/v1/audit/head`, { headers: { authorization: `Bearer ${device.token}` } })
  return { status: res.status, json: await res.json() }
}

const stored = async (device: TestDevice) => (await ts.db.query<{ seq: number; hash: string; entry: AuditRow }>('SELECT seq, hash, entry FROM sync_audit WHERE device_id = $1 ORDER BY seq', [device.deviceId]))

describe('continuity', () => {
  const log: AuditRow[] = []

  it('starts at the genesis: a device that pushed nothing has head 0', async () => {
    expect(await head(a1)).toEqual({ status: 200, json: { seq: 0, hash: GENESIS_HASH } })
  })

  it('keeps entries that continue the head, as they were sent, and answers the new head', async () => {
    log.push(...chain(a1, 3))
    const r = await post(a1, log)
    expect(r).toEqual({ status: 200, json: { seq: 3, hash: log[2].hash } })
    expect(await head(a1)).toEqual({ status: 200, json: { seq: 3, hash: log[2].hash } })
    const rows = await stored(a1)
    expect(rows.map((e) => e.entry)).toEqual(log)
    expect(rows.map((e) => [e.seq, e.hash])).toEqual(log.map((e) => [e.seq, e.hash]))
  })

  it('answers a repeat, and a batch overlapping what it holds, without storing anything twice', async () => {
    expect(await post(a1, log)).toMatchObject({ status: 200, json: { seq: 3 } })
    log.push(...chain(a1, 2, log[2]))
    expect(await post(a1, log.slice(1))).toEqual({ status: 200, json: { seq: 5, hash: log[4].hash } })
    expect((await stored(a1)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
  })

  it('takes concurrent pushes of the same entries once', async () => {
    log.push(...chain(a1, 3, log[4]))
    const answers = await Promise.all([post(a1, log.slice(5)), post(a1, log.slice(5)), post(a1, log.slice(5))])
    for (const r of answers) expect(r).toEqual({ status: 200, json: { seq: 8, hash: log[7].hash } })
    expect((await stored(a1)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('refuses an entry already held that comes back different: the chain was rewritten (409 chain-conflict)', async () => {
    const rewritten = chain(a1, 8, null, 'nothing happened')
    const r = await post(a1, rewritten)
    expect(r.status).toBe(409)
    expect(r.json).toMatchObject({ error: 'chain-conflict', seq: 1, head: { seq: 8, hash: log[7].hash } })
    // An entry edited after hashing differs too, even with the held hash.
    expect(await post(a1, [{ ...log[3], summary: 'edited' }])).toMatchObject({ status: 409, json: { error: 'chain-conflict', seq: 4 } })
    expect((await stored(a1)).map((e) => e.entry)).toEqual(log)
  })

  it('refuses new entries that link to another head: the entries before them were rewritten', async () => {
    // A fresh chain of the same length, continued: internally valid, but its entry 8 is not the server's.
    const rewritten = chain(a1, 10, null, 'rewritten')
    const r = await post(a1, rewritten.slice(8))
    expect(r).toMatchObject({ status: 409, json: { error: 'chain-conflict', seq: 8 } })
    expect(await head(a1)).toMatchObject({ json: { seq: 8, hash: log[7].hash } })
  })

  it('refuses a gap (409 chain-gap, naming the entry expected next)', async () => {
    const next = chain(a1, 3, log[7])
    const r = await post(a1, next.slice(1))
    expect(r).toMatchObject({ status: 409, json: { error: 'chain-gap', seq: 9, head: { seq: 8 } } })
    expect(await head(a1)).toMatchObject({ json: { seq: 8 } })
  })

  it('refuses an entry that does not match its hash, keeping the sound ones before it (422 bad-entry)', async () => {
    const next = chain(a1, 3, log[7])
    next[1] = { ...next[1], summary: 'edited after hashing' }
    const r = await post(a1, next)
    expect(r).toMatchObject({ status: 422, json: { error: 'bad-entry', seq: 10, head: { seq: 9, hash: next[0].hash } } })
    log.push(next[0])
    expect((await stored(a1)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('refuses a malformed body (400)', async () => {
    expect((await post(a1, [{ seq: 'one' }])).status).toBe(400)
    expect((await post(a1, [{ ...log[0], summary: 7 }])).status).toBe(400)
    const res = await fetch(`${ts.url}/sync/v1/audit`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${a1.token}` }, body: JSON.stringify({ deviceId: a1.deviceId }) })
    expect(res.status).toBe(400)
  })
})

describe('isolation', () => {
  it('keeps one chain per device: another device of the clinic starts at the genesis', async () => {
    expect(await head(a2)).toEqual({ status: 200, json: { seq: 0, hash: GENESIS_HASH } })
    const own = chain(a2, 2)
    expect(await post(a2, own)).toMatchObject({ status: 200, json: { seq: 2 } })
    expect((await head(a1)).json.seq).toBe(9)
  })

  it('refuses a push for another device (403) and entries written by another device or clinic (422)', async () => {
    expect(await post(b1, chain(a1, 1), a1.deviceId)).toMatchObject({ status: 403, json: { error: 'device-mismatch' } })
    expect(await post(b1, chain(a1, 1))).toMatchObject({ status: 422, json: { error: 'bad-entry', seq: 1 } })
    expect(await post(b1, chain({ ...b1, clinicId: clinicA }, 1))).toMatchObject({ status: 422, json: { error: 'bad-entry' } })
    expect(await head(b1)).toMatchObject({ json: { seq: 0 } })
    expect(await ts.db.query('SELECT 1 FROM sync_audit WHERE device_id = $1', [b1.deviceId])).toHaveLength(0)
  })

  it('refuses a missing or revoked device token (401)', async () => {
    expect((await fetch(`${ts.url}/sync/v1/audit/head`)).status).toBe(401)
    const gone = await enrollDevice(ts, clinicA, 'retired')
    expect(await post(gone, chain(gone, 1))).toMatchObject({ status: 200 })
    await revokeDevice(ts.db, gone.deviceId)
    expect(await post(gone, chain(gone, 1))).toMatchObject({ status: 401, json: { error: 'unauthorized' } })
    expect((await head(gone)).status).toBe(401)
  })
})
