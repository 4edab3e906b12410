/**
 * The active missing-pet list as an Electric shape, followed by the official @electric-sql/client
 * (ShapeStream and Shape, unmodified) and checked request by request against the protocol subset
 * the clinic sync server serves. Real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isChangeMessage, isControlMessage, Shape, ShapeStream, type Message, type Row } from '@electric-sql/client'
import { issueKey, revokeMember } from '../../src-proveniq/members'
import { until } from '../helpers/wait'
import { call, newMember, report, startService, type TestMember, type TestService } from './fixture'

let svc: TestService
let riverside: TestMember
let hillside: TestMember

const SEEDED_ACTIVE = 1050
const SEEDED_CLOSED = 30
const PUBLIC_COLUMNS = ['id', 'status', 'microchip', 'microchip_raw', 'species', 'breed', 'colour', 'sex', 'name', 'has_photo', 'last_seen_area', 'last_seen_at', 'filed_by', 'filed_by_kind', 'created_at', 'updated_at', 'version'].sort()

beforeAll(async () => {
  // A short long-poll keeps "nothing happened" quick; Electric's is about 20 s.
  svc = await startService(1500)
  riverside = await newMember(svc.db, 'Riverside Vets')
  hillside = await newMember(svc.db, 'Hillside Animal Clinic')
  // More than one page, and reports already closed before anyone follows (never sent to a new follower).
  await svc.db.query(
    `INSERT INTO missing_reports (id, member_id, status, microchip, microchip_raw, species, sex, name, last_seen_area, last_seen_at, owner_name, owner_contact)
     SELECT gen_random_uuid()::text, $1, CASE WHEN i <= $3 THEN 'closed' ELSE 'active' END, '985' || lpad(i::text, 12, '0'), '985' || lpad(i::text, 12, '0'), 'canine', 'unknown', 'Pet ' || i, 'Seedtown', now() - interval '1 day', 'Seed Owner', 'seed-owner-contact@example.com'
       FROM generate_series(1, $2::int) AS i`,
    [riverside.id, SEEDED_ACTIVE + SEEDED_CLOSED, SEEDED_CLOSED]
  )
})

afterAll(async () => {
  await svc?.close()
})

const as = (m: TestMember, method: string, path: string, body?: unknown) => call(svc.url, m.key, method, path, body)

/** A workstation following the list: the official ShapeStream, its Shape, and what it was sent. */
function follow(member: TestMember) {
  const controller = new AbortController()
  const requests: URL[] = []
  const messages: Message<Row>[] = []
  const errors: unknown[] = []
  const seen = { upToDate: 0, mustRefetch: 0 }
  const stream = new ShapeStream({
    url: `${svc.url}/v1/shape/reports`,
    headers: { Authorization: `Bearer ${member.key}` },
    signal: controller.signal,
    // int8 would otherwise become a BigInt (sync.md §5)
    parser: { int8: (v: string) => Number(v) },
    fetchClient: (input, init) => {
      requests.push(new URL(input instanceof Request ? input.url : input.toString()))
      return fetch(input, init)
    },
    onError: (e) => {
      errors.push(e)
    }
  })
  stream.subscribe((batch) => {
    for (const m of batch) {
      messages.push(m)
      if (isControlMessage(m) && m.headers.control === 'up-to-date') seen.upToDate++
      if (isControlMessage(m) && m.headers.control === 'must-refetch') seen.mustRefetch++
    }
  })
  const shape = new Shape(stream)
  const rows = (): Map<string, Row> => new Map([...shape.currentRows].map((r) => [r.id as string, r]))
  return { stream, shape, rows, requests, messages, errors, seen, stop: () => controller.abort() }
}

describe('the official client', () => {
  it('syncs the active list over pages, then follows a report filed and a report found (which disappears)', async () => {
    const s = follow(hillside)
    try {
      await until(() => s.seen.upToDate > 0, 20_000, 'the first sync')
      expect(s.errors).toEqual([])
      expect(s.rows().size).toBe(SEEDED_ACTIVE)
      expect(s.requests.filter((u) => u.searchParams.get('live') !== 'true').length).toBeGreaterThanOrEqual(2)
      // Reports closed before the follower began are not sent at all, not even as deletes.
      expect(s.messages.filter((m) => isChangeMessage(m) && m.headers.operation === 'delete')).toEqual([])
      const any = [...s.rows().values()][0]
      expect(Object.keys(any).sort()).toEqual(PUBLIC_COLUMNS)
      expect(any).toMatchObject({ status: 'active', species: 'canine', has_photo: false, filed_by: 'Riverside Vets', filed_by_kind: 'clinic', version: expect.any(Number) })
      expect(any.last_seen_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

      await until(() => s.requests.some((u) => u.searchParams.get('live') === 'true'), 10_000, 'a live request')
      const filed = await as(riverside, 'POST', '/v1/reports', report({ name: 'Live Bella', ownerContact: 'live-owner@example.com' }))
      await until(() => s.rows().get(filed.body.id)?.name === 'Live Bella', 10_000, 'the new report')
      expect(s.rows().get(filed.body.id)).toMatchObject({ microchip: filed.body.microchip, last_seen_area: 'Riverside, 12345' })

      await as(riverside, 'PATCH', `/v1/reports/${filed.body.id}`, { colour: 'brown' })
      await until(() => s.rows().get(filed.body.id)?.colour === 'brown', 10_000, 'the edit')

      await as(riverside, 'PATCH', `/v1/reports/${filed.body.id}`, { status: 'found' })
      await until(() => !s.rows().has(filed.body.id), 10_000, 'the found report to leave the list')
      expect(s.rows().size).toBe(SEEDED_ACTIVE)
      expect(s.errors).toEqual([])
      // Nothing private was ever sent.
      const wire = JSON.stringify(s.messages)
      expect(wire).not.toContain('owner-contact')
      expect(wire).not.toContain('live-owner@example.com')
      expect(wire).not.toContain('Seed Owner')
    } finally {
      s.stop()
    }
  })

  it('resumes from a saved offset and handle, seeing a report closed while away disappear', async () => {
    const first = follow(hillside)
    await until(() => first.seen.upToDate > 0, 20_000, 'the first sync')
    const closing = await as(riverside, 'POST', '/v1/reports', report({ name: 'Soon found' }))
    await until(() => first.rows().has(closing.body.id), 10_000, 'the report')
    const offset = first.stream.lastOffset
    const handle = first.stream.shapeHandle!
    first.stop()

    await as(riverside, 'PATCH', `/v1/reports/${closing.body.id}`, { status: 'closed' })
    const added = await as(riverside, 'POST', '/v1/reports', report({ name: 'While away' }))
    const changes: { op: string; id: unknown }[] = []
    const stop = new AbortController()
    const again = new ShapeStream({ url: `${svc.url}/v1/shape/reports`, headers: { Authorization: `Bearer ${hillside.key}` }, offset, handle, signal: stop.signal, parser: { int8: (v: string) => Number(v) } })
    const unsubscribe = again.subscribe((batch) => {
      for (const m of batch) if (isChangeMessage(m)) changes.push({ op: m.headers.operation, id: m.value.id })
    })
    try {
      await until(() => changes.length >= 2, 10_000, 'the changes made while away')
      expect(changes).toEqual([
        { op: 'delete', id: closing.body.id },
        { op: 'insert', id: added.body.id }
      ])
    } finally {
      unsubscribe()
      stop.abort()
    }
  })

  it('refetches the whole list when the log is replaced (409 must-refetch)', async () => {
    const s = follow(hillside)
    try {
      await until(() => s.requests.some((u) => u.searchParams.get('live') === 'true'), 20_000, 'the live phase')
      const total = s.rows().size
      const before = s.stream.shapeHandle
      await svc.db.query("UPDATE report_shape SET handle = 'reports-rebuilt-' || md5(random()::text)")
      await until(() => s.seen.mustRefetch > 0 && s.rows().size === total && s.stream.isUpToDate, 20_000, 'the refetch')
      expect(s.stream.shapeHandle).not.toBe(before)
      expect(s.errors).toEqual([])
    } finally {
      s.stop()
    }
  })
})

describe('raw HTTP against the protocol', () => {
  const head = async () => (await svc.db.query<{ handle: string; version: number }>('SELECT handle, version FROM report_shape'))[0]

  it('sends every header the client insists on, advancing the offset until up-to-date', async () => {
    const first = await as(hillside, 'GET', '/v1/shape/reports?offset=-1')
    expect(first.status).toBe(200)
    const { handle, version } = await head()
    expect(first.headers.get('electric-handle')).toBe(handle)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const schema = JSON.parse(first.headers.get('electric-schema')!)
    expect(schema.id).toEqual({ type: 'text', not_null: true, pk_index: 0 })
    expect(schema.version).toEqual({ type: 'int8', not_null: true })
    expect(schema.has_photo).toEqual({ type: 'bool', not_null: true })
    expect(Object.keys(schema).sort()).toEqual(PUBLIC_COLUMNS)
    expect(first.body).toHaveLength(1000)
    expect(first.headers.get('electric-up-to-date')).toBeNull()
    for (const m of first.body) {
      expect(m.key).toBe(`"public"."missing_reports"/"${m.value.id}"`)
      for (const v of Object.values(m.value)) expect(v === null || typeof v === 'string').toBe(true)
    }
    const offset = first.headers.get('electric-offset')!
    expect(offset).toMatch(new RegExp(`^\\d+_${version}$`))
    const rest = await as(hillside, 'GET', `/v1/shape/reports?offset=${offset}&handle=${handle}`)
    expect(rest.body.at(-1)).toEqual({ headers: { control: 'up-to-date' } })
    expect(rest.headers.get('electric-up-to-date')).toBe('true')
    expect(rest.headers.get('electric-offset')).toBe(`${version}_${version}`)
  })

  it('holds a live request until a change, or answers up-to-date with a cursor after the long-poll', async () => {
    const { handle } = await head()
    const start = await as(hillside, 'GET', `/v1/shape/reports?offset=now&handle=${handle}`)
    const offset = start.headers.get('electric-offset')!
    const idle = await as(hillside, 'GET', `/v1/shape/reports?offset=${offset}&handle=${handle}&live=true&cursor=`)
    expect(idle.body).toEqual([{ headers: { control: 'up-to-date' } }])
    expect(idle.headers.get('electric-offset')).toBe(offset)
    expect(idle.headers.get('electric-cursor')).toMatch(/^\d+$/)
    expect(idle.headers.get('electric-schema')).toBeNull()

    const waiting = as(hillside, 'GET', `/v1/shape/reports?offset=${offset}&handle=${handle}&live=true&cursor=${idle.headers.get('electric-cursor')}`)
    const filed = await as(riverside, 'POST', '/v1/reports', report({ name: 'Woken' }))
    const woken = await waiting
    expect(woken.body.map((m: any) => m.value?.id ?? m.headers.control)).toEqual([filed.body.id, 'up-to-date'])
    expect(woken.headers.get('electric-cursor')).not.toBe(idle.headers.get('electric-cursor'))
  })

  it('answers a stale handle or an offset from the future 409 must-refetch with the current handle', async () => {
    const { handle, version } = await head()
    const stale = await as(hillside, 'GET', '/v1/shape/reports?offset=5_0&handle=reports-gone')
    expect(stale.status).toBe(409)
    expect(stale.headers.get('electric-handle')).toBe(handle)
    expect(stale.body).toEqual([{ headers: { control: 'must-refetch' } }])
    expect((await as(hillside, 'GET', `/v1/shape/reports?offset=${version + 10}_0&handle=${handle}`)).status).toBe(409)
    expect((await as(hillside, 'GET', '/v1/shape/reports?offset=5_0')).status).toBe(400)
    expect((await as(hillside, 'GET', `/v1/shape/reports?offset=banana&handle=${handle}`)).status).toBe(400)
    expect((await as(hillside, 'GET', '/v1/shape/reports?offset=-1&live=true')).status).toBe(400)
    expect((await call(svc.url, null, 'GET', '/v1/shape/reports?offset=-1')).status).toBe(401)
  })

  it("ends a revoked member's waiting long-poll at once, and refuses it from then", async () => {
    const leaving = await newMember(svc.db, 'Leaving Clinic')
    const { handle } = await head()
    const start = await as(leaving, 'GET', `/v1/shape/reports?offset=now&handle=${handle}`)
    const asked = Date.now()
    const waiting = as(leaving, 'GET', `/v1/shape/reports?offset=${start.headers.get('electric-offset')}&handle=${handle}&live=true&cursor=`)
    await new Promise((r) => setTimeout(r, 200))
    await revokeMember(svc.db, leaving.id)
    const ended = await waiting
    expect(ended.status).toBe(401)
    expect(Date.now() - asked).toBeLessThan(1400)
    expect((await as(leaving, 'GET', '/v1/shape/reports?offset=-1')).status).toBe(401)
  })

  it('ends the long-polls of a replaced key, while the new key follows at once', async () => {
    const rotating = await newMember(svc.db, 'Rotating Clinic')
    const { handle } = await head()
    const offset = (await as(rotating, 'GET', `/v1/shape/reports?offset=now&handle=${handle}`)).headers.get('electric-offset')
    const old = as(rotating, 'GET', `/v1/shape/reports?offset=${offset}&handle=${handle}&live=true&cursor=`)
    await new Promise((r) => setTimeout(r, 200))
    const { key } = await issueKey(svc.db, 'Rotating Clinic')
    expect((await old).status).toBe(401)
    const fresh = await call(svc.url, key, 'GET', `/v1/shape/reports?offset=${offset}&handle=${handle}&live=true&cursor=`)
    expect(fresh.status).toBe(200)
    expect(fresh.body).toEqual([{ headers: { control: 'up-to-date' } }])
  })
})
