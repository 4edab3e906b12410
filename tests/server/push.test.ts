/** The write path on real PostgreSQL: exactly once, in order, all or nothing, and the merge rules per kind of data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeDevice } from '../../src-server/sync/admin'
import { SYNCED_TABLES } from '../../src-server/schema'
import { clientRow, enrollDevice, freshDatabase, hlc, mutation, newClinic, newId, push, pushRaw, startTestServer, type TestDatabase, type TestDevice, type TestServer, type WireChange } from './fixture'

let database: TestDatabase
let ts: TestServer
let clinicA: string
let clinicB: string
let d1: TestDevice
let d2: TestDevice
let b1: TestDevice

beforeAll(async () => {
  database = await freshDatabase()
  ts = await startTestServer(database.url)
  clinicA = await newClinic(ts.db, 'Clinic A')
  clinicB = await newClinic(ts.db, 'Clinic B')
  d1 = await enrollDevice(ts, clinicA, 'front-desk')
  d2 = await enrollDevice(ts, clinicA, 'exam-room')
  b1 = await enrollDevice(ts, clinicB, 'other-clinic')
})

afterAll(async () => {
  await ts?.close()
  await database?.drop()
})

const row = async (table: string, id: string) => (await ts.db.query<Record<string, any>>(`SELECT * FROM "${table}" WHERE id = $1`, [id]))[0]
const lastSeq = async (device: TestDevice) => (await ts.db.query<{ last_seq: number }>('SELECT last_seq FROM sync_device WHERE device_id = $1', [device.deviceId]))[0].last_seq

function newClient(device: TestDevice, at: number, fields: Record<string, unknown> = {}): { id: string; change: WireChange } {
  const id = newId()
  const stamp = hlc(at, device.deviceId)
  return { id, change: ['clients', id, 'insert', stamp, clientRow(device.clinicId, id, stamp, fields)] }
}

const update = (table: string, id: string, stamp: string, fields: Record<string, unknown>): WireChange => [table, id, 'update', stamp, { ...fields, updated_at: stamp }]

describe('schema', () => {
  it('has a version trigger on every synced table', async () => {
    const rows = await ts.db.query<{ table: string }>("SELECT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%\\_version'")
    expect(rows.map((r) => r.table).sort()).toEqual(SYNCED_TABLES.map((t) => t.name).sort())
  })
})

describe('exactly once, in order', () => {
  it('applies a mutation pushed twice once and answers the repeat as a duplicate', async () => {
    const { id, change } = newClient(d1, 1000)
    const m = mutation(d1, [change])
    const [first] = await push(ts.url, d1, [m])
    expect(first).toMatchObject({ mutationId: m.mutationId, status: 'applied', reason: null })
    const [again] = await push(ts.url, d1, [m])
    expect(again).toEqual({ ...first, status: 'duplicate' })
    expect(await ts.db.query('SELECT 1 FROM clients WHERE id = $1', [id])).toHaveLength(1)
    expect(await ts.db.query('SELECT 1 FROM sync_mutation WHERE mutation_id = $1', [m.mutationId])).toHaveLength(1)
    // the repeat left nothing behind: no new version
    expect((await row('clients', id)).server_version).toBe(first.serverVersion)
  })

  it('refuses a gap: the mutation after it and the rest wait', async () => {
    const before = await lastSeq(d1)
    const skipped = mutation(d1, [newClient(d1, 1100).change])
    const a = newClient(d1, 1200)
    const b = newClient(d1, 1300)
    const late = [mutation(d1, [a.change]), mutation(d1, [b.change])]
    const results = await push(ts.url, d1, late)
    expect(results.map((r) => r.status)).toEqual(['gap', 'gap'])
    expect(results[0].reason).toContain(`expected sequence number ${before + 1}`)
    expect(await row('clients', a.id)).toBeUndefined()
    expect(await lastSeq(d1)).toBe(before)
    const filled = await push(ts.url, d1, [skipped, ...late])
    expect(filled.map((r) => r.status)).toEqual(['applied', 'applied', 'applied'])
    expect(await row('clients', b.id)).toBeDefined()
  })

  it('records a rejected mutation, advances the sequence and applies none of it', async () => {
    const good = newClient(d1, 1400)
    const bad = mutation(d1, [good.change, ['no_such_table', newId(), 'insert', hlc(1400), {}]])
    const next = newClient(d1, 1500)
    const after = mutation(d1, [next.change])
    const results = await push(ts.url, d1, [bad, after])
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining('no_such_table') })
    expect(results[0].serverVersion).toEqual(expect.any(Number))
    expect(results[1].status).toBe('applied')
    expect(await row('clients', good.id)).toBeUndefined() // all or nothing
    expect(await lastSeq(d1)).toBe(after.seq)
    const [repeat] = await push(ts.url, d1, [bad])
    expect(repeat).toEqual(results[0])
  })

  it('keeps the mutations around a rejected one in the same request, each with its own version, and answers a repeat within the request', async () => {
    const first = newClient(d1, 1510)
    const m1 = mutation(d1, [first.change])
    const m2 = mutation(d1, [newClient(d1, 1520, { first_name: 42 }).change])
    const third = newClient(d1, 1530)
    const m3 = mutation(d1, [third.change])
    const results = await push(ts.url, d1, [m1, m2, m3, m1])
    expect(results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied', 'duplicate'])
    expect(results[1].reason).toContain('first_name')
    expect(results[2].serverVersion!).toBeGreaterThan(results[0].serverVersion!)
    expect(results[3].serverVersion).toBe(results[0].serverVersion)
    expect((await row('clients', first.id)).server_version).toBe(results[0].serverVersion)
    expect((await row('clients', third.id)).server_version).toBe(results[2].serverVersion)
    const recorded = await ts.db.query<{ status: string }>('SELECT status FROM sync_mutation WHERE mutation_id = ANY($1::text[]) ORDER BY seq', [[m1.mutationId, m2.mutationId, m3.mutationId]])
    expect(recorded.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied'])
  })

  it('turns a value Postgres refuses into a rejection, not a retry', async () => {
    const { change } = newClient(d1, 1600, { notes: 'nul \u0000 byte' })
    const [r] = await push(ts.url, d1, [mutation(d1, [change])])
    expect(r.status).toBe('rejected')
    expect(r.reason).toContain('refused by the database')
  })
})

describe('merge rules', () => {
  it('per-field last-writer-wins by clock, whatever the arrival order', async () => {
    const { id, change } = newClient(d1, 2000)
    await push(ts.url, d1, [mutation(d1, [change])])
    // d1 edits first_name late (t=2300); d2 edited first_name and notes earlier (t=2100) but pushes after.
    await push(ts.url, d1, [mutation(d1, [update('clients', id, hlc(2300, d1.deviceId), { first_name: 'Anna' })])])
    await push(ts.url, d2, [mutation(d2, [update('clients', id, hlc(2100, d2.deviceId), { first_name: 'Annie', notes: 'prefers email' })])])
    let r = await row('clients', id)
    expect(r.first_name).toBe('Anna')
    expect(r.notes).toBe('prefers email')
    expect(r.updated_at).toBe(hlc(2300, d1.deviceId))
    expect(r.field_hlc.first_name).toBe(hlc(2300, d1.deviceId))
    // Same millisecond: the counter decides, then the device id.
    await push(ts.url, d2, [mutation(d2, [update('clients', id, hlc(2300, d2.deviceId, 1), { last_name: 'Lea' })])])
    await push(ts.url, d1, [mutation(d1, [update('clients', id, hlc(2300, d1.deviceId, 0), { last_name: 'Leigh' })])])
    r = await row('clients', id)
    expect(r.last_name).toBe('Lea')
  })

  it('merges append-only rows by union and refuses to update or delete them', async () => {
    const patient = newId()
    const weight = (id: string, grams: number, device: TestDevice, at: number): WireChange => {
      const stamp = hlc(at, device.deviceId)
      return ['patient_weights', id, 'insert', stamp, { id, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: stamp, deleted_at: null, patient_id: patient, weight_grams: grams, measured_at: '2026-01-01T10:00:00.000Z', recorded_by: 'vet', corrects_id: null }]
    }
    const w1 = newId()
    const w2 = newId()
    await push(ts.url, d1, [mutation(d1, [weight(w1, 4200, d1, 3000)])])
    await push(ts.url, d2, [mutation(d2, [weight(w2, 4300, d2, 3001)])])
    // the same record arriving again (from another workstation that had it) changes nothing
    const [again] = await push(ts.url, d2, [mutation(d2, [weight(w1, 4200, d2, 3002)])])
    expect(again.status).toBe('applied')
    const rows = await ts.db.query<{ id: string }>('SELECT id FROM patient_weights WHERE patient_id = $1 ORDER BY id', [patient])
    expect(rows.map((r) => r.id)).toEqual([w1, w2].sort())
    const [upd] = await push(ts.url, d1, [mutation(d1, [update('patient_weights', w1, hlc(3100), { weight_grams: 1 })])])
    expect(upd).toMatchObject({ status: 'rejected', reason: expect.stringContaining('append-only') })
    const [del] = await push(ts.url, d1, [mutation(d1, [['patient_weights', w1, 'delete', hlc(3100), { deleted_at: new Date().toISOString(), updated_at: hlc(3100) }]])])
    expect(del).toMatchObject({ status: 'rejected', reason: expect.stringContaining('append-only') })
    expect((await row('patient_weights', w1)).weight_grams).toBe(4200)
  })

  it('moves a lab order only by transitions the lifecycle allows', async () => {
    const id = newId()
    const stamp = hlc(4000, d1.deviceId)
    const order = { id, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: stamp, deleted_at: null, order_number: 'L-1', patient_id: newId(), visit_id: null, integration_id: newId(), tests: '[]', specimen: null, priority: 'routine', note: null, ordered_by: 'vet', status: 'final', status_detail: 'Final results', filler_number: null }
    await push(ts.url, d1, [mutation(d1, [['lab_orders', id, 'insert', stamp, order]])])
    // A late 'sent' (newer clock, from a workstation that had not seen the results) leaves 'final'; its other fields still merge.
    const [late] = await push(ts.url, d2, [mutation(d2, [update('lab_orders', id, hlc(4100, d2.deviceId), { status: 'sent', status_detail: 'Sent', note: 'fasting' })])])
    expect(late.status).toBe('applied')
    let r = await row('lab_orders', id)
    expect([r.status, r.status_detail, r.note]).toEqual(['final', 'Final results', 'fasting'])
    await push(ts.url, d1, [mutation(d1, [update('lab_orders', id, hlc(4200, d1.deviceId), { status: 'reviewed', status_detail: 'Reviewed by Dr A' })])])
    expect((await row('lab_orders', id)).status).toBe('reviewed')
    // reviewed → final only for a correction, which the workstation writes on the order's timeline in the same transaction
    await push(ts.url, d2, [mutation(d2, [update('lab_orders', id, hlc(4300, d2.deviceId), { status: 'final', status_detail: 'Final results again' })])])
    expect((await row('lab_orders', id)).status).toBe('reviewed')
    const event = newId()
    const eventStamp = hlc(4400, d2.deviceId)
    await push(ts.url, d2, [
      mutation(d2, [
        update('lab_orders', id, eventStamp, { status: 'final', status_detail: 'Corrected results' }),
        ['lab_order_events', event, 'insert', eventStamp, { id: event, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: eventStamp, deleted_at: null, order_id: id, status: 'corrected', detail: 'Corrected results', actor_name: null, occurred_at: new Date().toISOString() }]
      ])
    ])
    r = await row('lab_orders', id)
    expect([r.status, r.status_detail]).toEqual(['final', 'Corrected results'])
    const [unknown] = await push(ts.url, d1, [mutation(d1, [update('lab_orders', id, hlc(4500), { status: 'teleported' })])])
    expect(unknown).toMatchObject({ status: 'rejected', reason: expect.stringContaining('unknown status') })
    // rejected → queued only for a resubmission, written on the timeline in the same transaction
    await push(ts.url, d1, [mutation(d1, [update('lab_orders', id, hlc(4600, d1.deviceId), { status: 'rejected', status_detail: 'Rejected by the lab' })])])
    await push(ts.url, d1, [mutation(d1, [update('lab_orders', id, hlc(4700, d1.deviceId), { status: 'queued', status_detail: null })])])
    expect((await row('lab_orders', id)).status).toBe('rejected')
    const resubmitted = newId()
    const again = hlc(4800, d1.deviceId)
    await push(ts.url, d1, [
      mutation(d1, [
        update('lab_orders', id, again, { status: 'queued', status_detail: null }),
        ['lab_order_events', resubmitted, 'insert', again, { id: resubmitted, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: again, deleted_at: null, order_id: id, status: 'queued', detail: 'Resubmitted', actor_name: null, occurred_at: new Date().toISOString() }]
      ])
    ])
    expect((await row('lab_orders', id)).status).toBe('queued')
  })

  it('lets a tombstone win over every later edit', async () => {
    const { id, change } = newClient(d1, 5000)
    await push(ts.url, d1, [mutation(d1, [change])])
    const deletedAt = new Date().toISOString()
    await push(ts.url, d1, [mutation(d1, [['clients', id, 'delete', hlc(5100, d1.deviceId), { deleted_at: deletedAt, updated_at: hlc(5100, d1.deviceId) }]])])
    const [edit] = await push(ts.url, d2, [mutation(d2, [update('clients', id, hlc(5900, d2.deviceId), { first_name: 'Zed' })])])
    expect(edit.status).toBe('applied')
    const r = await row('clients', id)
    expect([r.deleted_at, r.first_name]).toEqual([deletedAt, 'Ann'])
  })
})

describe('validation', () => {
  const rejects = async (device: TestDevice, change: WireChange, reason: string) => {
    const [r] = await push(ts.url, device, [mutation(device, [change])])
    expect(r).toMatchObject({ status: 'rejected', reason: expect.stringContaining(reason) })
  }

  it('refuses unknown tables and columns, wrong types, missing values and local tables', async () => {
    const { id, change } = newClient(d1, 6000)
    await rejects(d1, ['outbox', id, 'insert', change[3], {}], 'not a synced table')
    await rejects(d1, ['clients', id, 'insert', change[3], { ...change[4], nickname: 'x' }], 'no column "nickname"')
    await rejects(d1, ['clients', id, 'insert', change[3], { ...change[4], first_name: 42 }], 'first_name must be text')
    await rejects(d1, ['clients', id, 'insert', change[3], { ...change[4], last_name: null }], 'last_name must be set')
    const { first_name: _, ...partial } = change[4]
    await rejects(d1, ['clients', id, 'insert', change[3], partial], 'needs first_name')
    await rejects(d1, ['patient_weights', id, 'insert', change[3], { weight_grams: 1.5 }], 'weight_grams must be an integer')
    await rejects(d1, ['clients', id, 'upsert' as never, change[3], {}], 'unknown operation')
    await rejects(d1, ['clients', id, 'insert', 'yesterday', change[4]], 'not a hybrid logical clock')
    await rejects(d1, ['clients', newId(), 'update', change[3], { notes: 'x' }], 'does not exist')
    expect(await row('clients', id)).toBeUndefined()
  })

  it("refuses another clinic's clinic_id and row ids", async () => {
    const theirs = newClient(b1, 6100)
    await push(ts.url, b1, [mutation(b1, [theirs.change])])
    const mine = newClient(d1, 6200)
    await rejects(d1, ['clients', mine.id, 'insert', mine.change[3], { ...mine.change[4], clinic_id: clinicB }], 'not this device')
    await rejects(d1, update('clients', theirs.id, hlc(6300, d1.deviceId), { notes: 'hijacked' }), 'not a row of this device')
    await rejects(d1, ['clients', theirs.id, 'insert', mine.change[3], { ...mine.change[4], id: theirs.id }], 'not a row of this device')
    await rejects(d1, ['clients', theirs.id, 'delete', hlc(6300), { deleted_at: new Date().toISOString() }], 'not a row of this device')
    const r = await row('clients', theirs.id)
    expect([r.clinic_id, r.notes, r.deleted_at]).toEqual([clinicB, null, null])
  })

  it('refuses clock values more than 5 minutes ahead of the server', async () => {
    const ahead = (ms: number) => {
      const { id, change } = newClient(d1, 0)
      const stamp = change[3].replace(/^[^Z]+Z/, new Date(Date.now() + ms).toISOString())
      return ['clients', id, 'insert', stamp, { ...change[4], updated_at: stamp }] as WireChange
    }
    await rejects(d1, ahead(6 * 60_000), 'more than 5 minutes ahead')
    const [ok] = await push(ts.url, d1, [mutation(d1, [ahead(4 * 60_000)])])
    expect(ok.status).toBe('applied')
  })

  it('answers 403 for another device id, 409 for an unknown schema version, 400 for a malformed body, 401 once revoked', async () => {
    expect((await pushRaw(ts.url, d1, [], { deviceId: d2.deviceId, schemaVersion: 1, mutations: [] })).status).toBe(403)
    const wrongSchema = await pushRaw(ts.url, d1, [], { deviceId: d1.deviceId, schemaVersion: 99, mutations: [] })
    expect(wrongSchema).toMatchObject({ status: 409, json: { error: 'unsupported-schema-version' } })
    expect((await pushRaw(ts.url, d1, [], { deviceId: d1.deviceId, schemaVersion: 1, mutations: [{ seq: 1 }] })).json.error).toBe('bad-request')
    const gone = await enrollDevice(ts, clinicA, 'stolen-laptop')
    await revokeDevice(ts.db, gone.deviceId)
    const refused = await pushRaw(ts.url, gone, [mutation(gone, [newClient(gone, 7000).change])])
    expect(refused.status).toBe(401)
  })
})

describe('concurrency', () => {
  it('gives concurrent pushes strictly increasing versions, and a reader following offsets skips none', async () => {
    const a = await enrollDevice(ts, clinicA, 'busy-a')
    const b = await enrollDevice(ts, clinicA, 'busy-b')
    const reader = await enrollDevice(ts, clinicA, 'reader')
    const pushMany = async (device: TestDevice) => {
      const versions: number[] = []
      for (let i = 0; i < 40; i++) {
        const m = mutation(device, [newClient(device, 8000 + i, { notes: 'busy' }).change, newClient(device, 8000 + i, { notes: 'busy' }).change])
        const [r] = await push(ts.url, device, [m])
        expect(r.status).toBe('applied')
        versions.push(r.serverVersion!)
      }
      return versions
    }
    // The reader pages the clients shape while both devices write.
    const start = await fetch(`${ts.url}/v1/shape?table=clients&offset=-1`, { headers: { authorization: `Bearer ${reader.token}` } })
    let handle = start.headers.get('electric-handle')!
    let offset = start.headers.get('electric-offset')!
    await start.text()
    const seen: number[] = []
    let writing = true
    const read = async () => {
      for (;;) {
        // Decided before the request: an answer to a request sent after the last push can end the reading.
        const last = !writing
        const res = await fetch(`${ts.url}/v1/shape?table=clients&offset=${offset}&handle=${handle}`, { headers: { authorization: `Bearer ${reader.token}` } })
        const body = (await res.json()) as { value?: { server_version: string; notes: string } }[]
        for (const m of body) if (m.value?.notes === 'busy') seen.push(Number(m.value.server_version))
        handle = res.headers.get('electric-handle')!
        offset = res.headers.get('electric-offset')!
        if (last && body.length === 1) break
      }
    }
    const reading = read()
    const [va, vb] = await Promise.all([pushMany(a), pushMany(b)])
    writing = false
    await reading
    for (const v of [va, vb]) for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThan(v[i - 1])
    const stored = await ts.db.query<{ server_version: number }>("SELECT server_version FROM clients WHERE clinic_id = $1 AND notes = 'busy' ORDER BY server_version", [clinicA])
    expect(stored).toHaveLength(160)
    expect(new Set(stored.map((r) => r.server_version)).size).toBe(160)
    // in order, each version once, and every committed row seen
    expect(seen).toEqual(stored.map((r) => r.server_version))
  })
})

describe('the books', () => {
  const base = (id: string, stamp: string) => ({ id, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: stamp, deleted_at: null })
  function transaction(at: number, amounts: number[]): WireChange[] {
    const stamp = hlc(at, d1.deviceId)
    const tx = newId()
    return [
      ['ledger_transactions', tx, 'insert', stamp, { ...base(tx, stamp), kind: 'payment', ref_id: newId(), occurred_at: new Date().toISOString(), memo: 'cash payment', actor_id: null }],
      ...amounts.map((amount, i): WireChange => {
        const id = newId()
        return ['ledger_entries', id, 'insert', stamp, { ...base(id, stamp), transaction_id: tx, account: i === 0 ? 'cash' : 'client_credit', amount_minor: amount, category: null, client_id: null, invoice_id: null }]
      })
    ]
  }

  it('takes a ledger transaction that balances, and refuses one that does not or that comes without its entries', async () => {
    const [ok] = await push(ts.url, d1, [mutation(d1, transaction(11_000, [2500, -2500]))])
    expect(ok.status).toBe('applied')
    const [off] = await push(ts.url, d1, [mutation(d1, transaction(11_100, [2500, -2400]))])
    expect(off).toMatchObject({ status: 'rejected', reason: expect.stringContaining('does not balance: its entries sum to 100') })
    const [lonely] = await push(ts.url, d1, [mutation(d1, transaction(11_200, [2500, -2500]).slice(1))])
    expect(lonely).toMatchObject({ status: 'rejected', reason: expect.stringContaining('came without it') })
    const [empty] = await push(ts.url, d1, [mutation(d1, transaction(11_300, []))])
    expect(empty).toMatchObject({ status: 'rejected', reason: expect.stringContaining('has no entries') })
  })
})

describe('who wrote it: the role of the person a mutation names, as the server knows it', () => {
  const staffRow = (clinicId: string, id: string, stamp: string, role: string, fields: Record<string, unknown> = {}) => ({
    id,
    clinic_id: clinicId,
    created_at: new Date().toISOString(),
    updated_at: stamp,
    deleted_at: null,
    display_name: `Staff ${id.slice(-4)}`,
    username: `user-${id}`,
    role,
    pin_hash: 'x',
    active: true,
    license_number: null,
    ...fields
  })
  const as = (device: TestDevice, actorId: string | null) => ({ ...device, actorId })

  /** A new staff member of d1's clinic, added by its administrator at clock offset `at`. */
  async function hire(role: string, at: number): Promise<string> {
    const id = newId()
    const [r] = await push(ts.url, d1, [mutation(d1, [['staff', id, 'insert', hlc(at, d1.deviceId), staffRow(clinicA, id, hlc(at, d1.deviceId), role)]])])
    expect(r.status).toBe('applied')
    return id
  }

  /** Pushes one change from d2 in the name of actorId (d2's sequence advances either way). */
  async function write(actorId: string | null, change: WireChange) {
    const device = as(d2, actorId)
    const [r] = await push(ts.url, device, [mutation(device, [change])])
    d2.seq = device.seq
    return r
  }

  it('lets front-desk staff register clients but not approve integrations or change staff', async () => {
    const desk = await hire('front_desk', 8000)
    expect((await write(desk, newClient(d2, 8100).change)).status).toBe('applied')
    const someone = newId()
    const r = await write(desk, ['staff', someone, 'insert', hlc(8200, d2.deviceId), staffRow(clinicA, someone, hlc(8200, d2.deviceId), 'admin')])
    expect(r).toMatchObject({ status: 'rejected', reason: expect.stringContaining('role (front desk) may not change staff') })
    expect(await row('staff', someone)).toBeUndefined()
  })

  it('refuses a person who is not on the clinic’s staff (unknown, or of another clinic), and the workstation itself for records only people write', async () => {
    expect(await write(newId(), newClient(d2, 8300).change)).toMatchObject({ status: 'rejected', reason: expect.stringContaining("not on this clinic's staff") })
    expect(await write(b1.actorId, newClient(d2, 8310).change)).toMatchObject({ status: 'rejected', reason: expect.stringContaining("not on this clinic's staff") })
    expect(await write(null, newClient(d2, 8320).change)).toMatchObject({ status: 'rejected', reason: expect.stringContaining('signed-in person') })
  })

  it('keeps what a demoted or deactivated person did before the change reached them, and refuses what they did after', async () => {
    const lead = await hire('admin', 9000)
    // Demoted to technician at 9500, deactivated at 9900, both by the clinic's administrator on d1.
    const demote = [mutation(d1, [update('staff', lead, hlc(9500, d1.deviceId), { role: 'technician' })])]
    expect((await push(ts.url, d1, demote))[0].status).toBe('applied')
    const rename = (at: number) => update('staff', lead, hlc(at, d2.deviceId), { display_name: `Lead ${at}` })
    expect((await write(lead, rename(9400))).status).toBe('applied')
    expect(await write(lead, rename(9600))).toMatchObject({ status: 'rejected', reason: expect.stringContaining('role (technician) may not change staff') })
    expect((await write(lead, newClient(d2, 9700).change)).status).toBe('applied')
    expect((await push(ts.url, d1, [mutation(d1, [update('staff', lead, hlc(9900, d1.deviceId), { active: false })])]))[0].status).toBe('applied')
    expect((await write(lead, newClient(d2, 9800).change)).status).toBe('applied')
    expect(await write(lead, newClient(d2, 9950).change)).toMatchObject({ status: 'rejected', reason: expect.stringContaining('deactivated') })
  })

  it('refuses values outside a column’s named set (a role, a contact kind)', async () => {
    const id = newId()
    expect(await write(d1.actorId, ['staff', id, 'insert', hlc(10_000, d2.deviceId), staffRow(clinicA, id, hlc(10_000, d2.deviceId), 'superuser')])).toMatchObject({ status: 'rejected', reason: expect.stringContaining('role must be one of veterinarian, technician, front_desk, admin') })
  })
})
