/**
 * The read path against Electric's published HTTP API (shared/design/sync.md §5): the official
 * @electric-sql/client ShapeStream consumes /v1/shape unmodified, and raw requests check every
 * header and control message the client insists on. Real PostgreSQL, rows written by pushes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isChangeMessage, isControlMessage, ShapeStream, type Offset, type Row } from '@electric-sql/client'
import { bumpEpoch, revokeDevice } from '../../src-server/sync/admin'
import { until } from '../helpers/wait'
import { clientRow, enrollDevice, freshDatabase, hlc, mutation, newClinic, newId, push, pushRaw, startTestServer, type TestDatabase, type TestDevice, type TestServer, type WireChange } from './fixture'

let database: TestDatabase
let ts: TestServer
/** a second instance on the same database, as behind a load balancer */
let ts2: TestServer
let clinicA: string
let clinicB: string
let a1: TestDevice
let b1: TestDevice
let clock = 0

const INITIAL_A = 1205
const INITIAL_B = 7

beforeAll(async () => {
  database = await freshDatabase()
  // A short long-poll keeps the "nothing happened" case quick; Electric's is about 20 s.
  // Started together, so both migrate the fresh database at once (they take turns).
  // The second keeps Electric's 20 s long-poll: an answer well before that was woken by a notification.
  ;[ts, ts2] = await Promise.all([startTestServer(database.url, 1500), startTestServer(database.url)])
  clinicA = await newClinic(ts.db, 'Clinic A')
  clinicB = await newClinic(ts.db, 'Clinic B')
  a1 = await enrollDevice(ts, clinicA, 'a1')
  b1 = await enrollDevice(ts, clinicB, 'b1')
  for (let i = 0; i < INITIAL_A; i += 100) await insertClients(a1, Math.min(100, INITIAL_A - i))
  await insertClients(b1, INITIAL_B, { last_name: 'Other-clinic' })
})

afterAll(async () => {
  await ts2?.close()
  await ts?.close()
  await database?.drop()
})

async function insertClients(device: TestDevice, n: number, fields: Record<string, unknown> = {}): Promise<string[]> {
  const changes: WireChange[] = []
  for (let i = 0; i < n; i++) {
    const id = newId()
    const stamp = hlc(clock++, device.deviceId)
    changes.push(['clients', id, 'insert', stamp, clientRow(device.clinicId, id, stamp, fields)])
  }
  const [r] = await push(ts.url, device, [mutation(device, changes)])
  expect(r.status).toBe('applied')
  return changes.map((c) => c[1])
}

async function pushOne(device: TestDevice, change: WireChange): Promise<void> {
  const [r] = await push(ts.url, device, [mutation(device, [change])])
  expect(r).toMatchObject({ status: 'applied' })
}

/** A ShapeStream on the clients table as a workstation runs it, recording requests and what it was told. */
function follow(device: TestDevice, opts: { offset?: Offset; handle?: string } = {}) {
  const controller = new AbortController()
  const requests: URL[] = []
  const rows = new Map<string, Row>()
  const errors: unknown[] = []
  const seen = { upToDate: 0, mustRefetch: 0, changes: 0 }
  const stream = new ShapeStream({
    url: `${ts.url}/v1/shape`,
    params: { table: 'clients' },
    headers: { Authorization: `Bearer ${device.token}` },
    signal: controller.signal,
    ...opts,
    // int8 would otherwise become a BigInt (sync.md §5)
    parser: { int8: (v: string) => Number(v) },
    fetchClient: (input, init) => {
      requests.push(new URL(input instanceof Request ? input.url : input.toString()))
      return fetch(input, init)
    }
  })
  stream.subscribe(
    (messages) => {
      for (const m of messages) {
        if (isChangeMessage(m)) {
          seen.changes++
          rows.set(m.value.id as string, m.value)
        } else if (isControlMessage(m) && m.headers.control === 'up-to-date') seen.upToDate++
        else if (isControlMessage(m) && m.headers.control === 'must-refetch') {
          seen.mustRefetch++
          rows.clear()
        }
      }
    },
    (e) => errors.push(e)
  )
  return { stream, rows, requests, seen, errors, stop: () => controller.abort() }
}

async function get(path: string, token: string | null = a1.token) {
  const res = await fetch(`${ts.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any[] }
}

const handleOf = async (table = 'clients') => `${clinicA}-${table}-${(await ts.db.query<{ epoch: number }>('SELECT epoch FROM sync_clinic WHERE clinic_id = $1', [clinicA]))[0].epoch}`

describe('the official ShapeStream', () => {
  it('syncs a shape over several pages, then follows live inserts, updates and tombstones', async () => {
    const s = follow(a1)
    try {
      await until(() => s.seen.upToDate > 0, 20_000, 'the initial sync')
      expect(s.errors).toEqual([])
      expect(s.rows.size).toBe(INITIAL_A)
      expect([...s.rows.values()].every((r) => r.clinic_id === clinicA)).toBe(true)
      const snapshot = s.requests.filter((u) => u.searchParams.get('live') !== 'true')
      expect(snapshot[0].searchParams.get('offset')).toBe('-1')
      expect(snapshot.length).toBeGreaterThanOrEqual(2)
      expect(snapshot[1].searchParams.get('offset')).toMatch(/^\d+_0$/)

      await until(() => s.requests.some((u) => u.searchParams.get('live') === 'true'), 10_000, 'a live request')
      const [id] = await insertClients(a1, 1, { first_name: 'Live' })
      await until(() => s.rows.get(id)?.first_name === 'Live', 10_000, 'the live insert')
      const edit = hlc(clock++, a1.deviceId)
      await pushOne(a1, ['clients', id, 'update', edit, { first_name: 'Edited', updated_at: edit }])
      await until(() => s.rows.get(id)?.first_name === 'Edited', 10_000, 'the live update')
      const gone = hlc(clock++, a1.deviceId)
      await pushOne(a1, ['clients', id, 'delete', gone, { deleted_at: new Date().toISOString(), updated_at: gone }])
      await until(() => s.rows.get(id)?.deleted_at != null, 10_000, 'the tombstone')
      expect(s.rows.get(id)!.server_version).toEqual(expect.any(Number))
      expect(s.errors).toEqual([])
    } finally {
      s.stop()
    }
  })

  it('resumes from a saved offset and handle without reading the shape again', async () => {
    const first = follow(a1)
    await until(() => first.seen.upToDate > 0, 20_000, 'the first sync')
    const offset = first.stream.lastOffset
    const handle = first.stream.shapeHandle!
    first.stop()
    const [id] = await insertClients(a1, 1, { first_name: 'While away' })
    const again = follow(a1, { offset, handle })
    try {
      await until(() => again.rows.has(id), 10_000, 'the row written while away')
      expect(again.requests[0].searchParams.get('offset')).toBe(offset)
      expect(again.requests[0].searchParams.get('handle')).toBe(handle)
      expect([...again.rows.keys()]).toEqual([id])
      expect(again.errors).toEqual([])
    } finally {
      again.stop()
    }
  })

  it("never shows a device another clinic's rows", async () => {
    const s = follow(b1)
    try {
      await until(() => s.seen.upToDate > 0, 10_000, "clinic B's sync")
      expect(s.rows.size).toBe(INITIAL_B)
      expect([...s.rows.values()].every((r) => r.clinic_id === clinicB && r.last_name === 'Other-clinic')).toBe(true)
    } finally {
      s.stop()
    }
  })

  it('refetches the whole shape after the clinic epoch is bumped (409 must-refetch)', async () => {
    const s = follow(a1)
    try {
      await until(() => s.requests.some((u) => u.searchParams.get('live') === 'true'), 20_000, 'the live phase')
      const total = s.rows.size
      const before = s.stream.shapeHandle
      await bumpEpoch(ts.db, clinicA)
      await until(() => s.seen.mustRefetch > 0 && s.rows.size === total && s.stream.isUpToDate, 20_000, 'the refetch')
      expect(s.stream.shapeHandle).not.toBe(before)
      expect(s.stream.shapeHandle).toBe(await handleOf())
      expect(s.errors).toEqual([])
    } finally {
      s.stop()
    }
  })
})

describe('raw HTTP against the protocol', () => {
  it('pages a snapshot with every required header, advancing the offset until up-to-date', async () => {
    const first = await get('/v1/shape?table=clients&offset=-1')
    expect(first.status).toBe(200)
    const handle = first.headers.get('electric-handle')
    expect(handle).toBe(await handleOf())
    expect(first.headers.get('electric-offset')).toMatch(/^\d+_0$/)
    expect(first.headers.get('content-type')).toContain('application/json')
    expect(first.headers.get('electric-cursor')).toBeNull()
    expect(first.headers.get('electric-up-to-date')).toBeNull()
    const schema = JSON.parse(first.headers.get('electric-schema')!)
    expect(schema.id).toEqual({ type: 'text', not_null: true, pk_index: 0 })
    expect(schema.server_version).toEqual({ type: 'int8' })
    expect(schema.deleted_at).toEqual({ type: 'text' })
    expect(schema.field_hlc).toBeUndefined()
    expect(first.body).toHaveLength(1000)
    for (const m of first.body) {
      expect(m.key).toBe(`"public"."clients"/"${m.value.id}"`)
      expect(['insert', 'update']).toContain(m.headers.operation)
      for (const v of Object.values(m.value)) expect(v === null || typeof v === 'string').toBe(true)
    }
    const versions = first.body.map((m) => Number(m.value.server_version))
    expect(versions).toEqual([...versions].sort((x, y) => x - y))

    let offset = first.headers.get('electric-offset')!
    let pages = 1
    for (;;) {
      const page = await get(`/v1/shape?table=clients&offset=${offset}&handle=${handle}`)
      pages++
      expect(page.status).toBe(200)
      expect(page.headers.get('electric-schema')).not.toBeNull()
      const next = page.headers.get('electric-offset')!
      const upToDate = page.body.at(-1)?.headers?.control === 'up-to-date'
      // the client's fast-loop guard: a non-live answer advances the offset or says up-to-date
      expect(upToDate || Number(next.split('_')[0]) > Number(offset.split('_')[0])).toBe(true)
      offset = next
      if (upToDate) {
        expect(page.headers.get('electric-up-to-date')).not.toBeNull()
        break
      }
    }
    expect(pages).toBeGreaterThanOrEqual(2)
    const caughtUp = await get(`/v1/shape?table=clients&offset=${offset}&handle=${handle}`)
    expect(caughtUp.body).toEqual([{ headers: { control: 'up-to-date' } }])
    expect(caughtUp.headers.get('electric-offset')).toBe(offset)
  })

  it('holds a live request until a change, or answers up-to-date with a cursor after the long-poll', async () => {
    const handle = await handleOf()
    const start = await get(`/v1/shape?table=clients&offset=now&handle=${handle}`)
    const offset = start.headers.get('electric-offset')!
    const idle = await get(`/v1/shape?table=clients&offset=${offset}&handle=${handle}&live=true&cursor=`)
    expect(idle.status).toBe(200)
    expect(idle.body).toEqual([{ headers: { control: 'up-to-date' } }])
    expect(idle.headers.get('electric-offset')).toBe(offset)
    expect(idle.headers.get('electric-cursor')).toMatch(/^\d+$/)
    expect(idle.headers.get('electric-schema')).toBeNull()
    expect(idle.headers.get('electric-handle')).toBe(handle)

    const waiting = get(`/v1/shape?table=clients&offset=${offset}&handle=${handle}&live=true&cursor=${idle.headers.get('electric-cursor')}`)
    const [id] = await insertClients(a1, 1, { first_name: 'Woken' })
    const woken = await waiting
    expect(woken.body.map((m) => m.value?.id ?? m.headers.control)).toEqual([id, 'up-to-date'])
    expect(woken.headers.get('electric-cursor')).not.toBe(idle.headers.get('electric-cursor'))
    expect(Number(woken.headers.get('electric-offset')!.split('_')[0])).toBeGreaterThan(Number(offset.split('_')[0]))
  })

  it('serves from a second instance on the same database, its long-poll woken by a push to the first', async () => {
    const handle = await handleOf()
    const start = await fetch(`${ts2.url}/v1/shape?table=clients&offset=now&handle=${handle}`, { headers: { authorization: `Bearer ${a1.token}` } })
    const offset = start.headers.get('electric-offset')!
    const asked = Date.now()
    const waiting = fetch(`${ts2.url}/v1/shape?table=clients&offset=${offset}&handle=${handle}&live=true&cursor=`, { headers: { authorization: `Bearer ${a1.token}` } })
    const [id] = await insertClients(a1, 1, { first_name: 'Elsewhere' })
    const body = (await (await waiting).json()) as any[]
    expect(body.map((m) => m.value?.id ?? m.headers.control)).toEqual([id, 'up-to-date'])
    expect(Date.now() - asked).toBeLessThan(10_000) // woken, not answered at the end of its 20 s poll
  })

  it('answers a stale handle 409 with the new handle and must-refetch', async () => {
    const res = await get(`/v1/shape?table=clients&offset=5_0&handle=${clinicA}-clients-0`)
    expect(res.status).toBe(409)
    expect(res.headers.get('electric-handle')).toBe(await handleOf())
    expect(res.body).toEqual([{ headers: { control: 'must-refetch' } }])
  })

  it('sends booleans as t/f and bytes as \\x hex, as Postgres prints them', async () => {
    const staff = await get('/v1/shape?table=staff&offset=-1')
    expect(JSON.parse(staff.headers.get('electric-schema')!).active).toEqual({ type: 'bool', not_null: true })
    expect(staff.body[0].value.active).toBe('t')
    const id = newId()
    const stamp = hlc(clock++, a1.deviceId)
    await pushOne(a1, ['documents', id, 'insert', stamp, { id, clinic_id: clinicA, created_at: new Date().toISOString(), updated_at: stamp, deleted_at: null, patient_id: null, visit_id: null, source: 'test', title: 'scan', mime: 'application/pdf', sha256: 'x', content: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]).toString('base64') }])
    const docs = await get('/v1/shape?table=documents&offset=-1')
    expect(docs.body[0].value.content).toBe('\\x25504446' + '00ff')
  })

  it('pins the clinic from the token and refuses what it does not serve', async () => {
    const b = await get(`/v1/shape?table=clients&offset=-1&where=${encodeURIComponent(`clinic_id = '${clinicA}'`)}`, b1.token)
    expect(b.body.filter((m) => m.value).every((m) => m.value.clinic_id === clinicB)).toBe(true)
    expect(b.body.filter((m) => m.value)).toHaveLength(INITIAL_B)
    expect((await get('/v1/shape?table=outbox&offset=-1')).status).toBe(400)
    expect((await get('/v1/shape?offset=-1')).status).toBe(400)
    expect((await get('/v1/shape?table=clients&offset=12_0')).status).toBe(400)
    expect((await get(`/v1/shape?table=clients&offset=banana&handle=${await handleOf()}`)).status).toBe(400)
    expect((await get('/v1/shape?table=clients&offset=-1', null)).status).toBe(401)
    expect((await get('/v1/shape?table=clients&offset=-1', 'not-a-token')).status).toBe(401)
  })

  it('refuses a revoked device at once', async () => {
    const laptop = await enrollDevice(ts, clinicA, 'laptop')
    expect((await get('/v1/shape?table=clients&offset=now', laptop.token)).status).toBe(200)
    await revokeDevice(ts.db, laptop.deviceId)
    expect((await get('/v1/shape?table=clients&offset=now', laptop.token)).status).toBe(401)
    expect((await pushRaw(ts.url, laptop, [])).status).toBe(401)
  })
})
