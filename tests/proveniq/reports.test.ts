/**
 * PetMayday over HTTP on real PostgreSQL: member keys, filing and changing missing-pet reports,
 * public fields only in public answers, photos, and sightings relayed to the owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditOf } from '../../src-proveniq/audit'
import { issueKey, revokeMember } from '../../src-proveniq/members'
import { call, hoursAgo, JPEG, newMember, PNG, report, startService, WEBP, type TestMember, type TestService } from './fixture'

let svc: TestService
let riverside: TestMember
let hillside: TestMember
let shelter: TestMember

beforeAll(async () => {
  svc = await startService()
  riverside = await newMember(svc.db, 'Riverside Vets')
  hillside = await newMember(svc.db, 'Hillside Animal Clinic')
  shelter = await newMember(svc.db, 'County Shelter', 'shelter')
})

afterAll(async () => {
  await svc?.close()
})

const as = (m: TestMember | null, method: string, path: string, body?: unknown) => call(svc.url, m?.key ?? null, method, path, body)
const file = async (m: TestMember, fields: Record<string, unknown> = {}) => {
  const res = await as(m, 'POST', '/v1/reports', report(fields))
  expect(res.status, res.text).toBe(201)
  return res.body
}

describe('member keys', () => {
  it('refuses a request without a key, with a forged key, and with a revoked one, saying which', async () => {
    const none = await as(null, 'GET', '/v1/reports')
    expect(none.status).toBe(401)
    expect(none.body.message).toMatch(/API key is required/)

    const forged = await call(svc.url, `pvq_${'A'.repeat(43)}`, 'GET', '/v1/reports')
    expect(forged.status).toBe(401)
    expect(forged.body.message).toMatch(/not a PROVENIQ member key/)

    const leaving = await newMember(svc.db, 'Closing Clinic')
    expect((await as(leaving, 'GET', '/v1/reports')).status).toBe(200)
    await revokeMember(svc.db, leaving.id)
    const revoked = await as(leaving, 'POST', '/v1/reports', report())
    expect(revoked.status).toBe(401)
    expect(revoked.body.message).toMatch(/Closing Clinic's PROVENIQ membership was revoked/)
  })

  it('replaces a member key: the old one stops working, the member stays the same', async () => {
    const m = await newMember(svc.db, 'Rotating Vets')
    const { member, key, replaced } = await issueKey(svc.db, 'rotating vets')
    expect(replaced).toBe(true)
    expect(member.id).toBe(m.id)
    expect((await as(m, 'GET', '/v1/reports')).status).toBe(401)
    expect((await call(svc.url, key, 'GET', '/v1/reports')).status).toBe(200)
    // Only the hash is stored.
    const [row] = await svc.db.query<{ key_hash: string }>('SELECT key_hash FROM members WHERE id = $1', [m.id])
    expect(row.key_hash).not.toContain(key)
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('filing and reading reports', () => {
  it('files a report with the chip normalised as VetOS does, and shows its filer the owner details', async () => {
    const body = await file(riverside, { microchip: 'FDX-B 985 112 003 456 789', photo: PNG.toString('base64') })
    expect(body).toMatchObject({
      status: 'active',
      microchip: '985112003456789',
      microchipRaw: 'FDX-B 985 112 003 456 789',
      species: 'canine',
      name: 'Bella',
      filedBy: { name: 'Riverside Vets', kind: 'clinic' },
      photoUrl: `/v1/reports/${body.id}/photo`,
      owner: { name: 'Ann Lee', contact: '+1 555 0101 ann.lee@example.com', shareContact: false }
    })
    expect(body.lastSeenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect((await auditOf(svc.db, body.id)).map((a) => [a.action, a.memberId])).toEqual([['report.filed', riverside.id]])
  })

  it('names every bad field, and refuses fields it does not know', async () => {
    const res = await as(riverside, 'POST', '/v1/reports', {
      ...report(),
      species: 'dragon',
      microchip: 'ab!cd',
      lastSeenAt: 'yesterday',
      ownerContact: undefined,
      name: 'Bel\u0007la',
      colourr: 'black'
    })
    expect(res.status).toBe(400)
    const fields = Object.fromEntries(res.body.issues.map((i: { field: string; message: string }) => [i.field, i.message]))
    expect(fields).toEqual({
      species: expect.stringContaining('must be one of canine, feline'),
      microchip: expect.stringContaining('expected ISO 11784/11785 (15 digits'),
      lastSeenAt: expect.stringContaining('ISO 8601'),
      ownerContact: 'is required',
      name: expect.stringContaining('control characters'),
      colourr: 'is not a field of this request'
    })
    expect(res.body.message).toContain('species must be one of')

    const future = await as(riverside, 'POST', '/v1/reports', report({ lastSeenAt: new Date(Date.now() + 86_400_000).toISOString() }))
    expect(future.body.issues).toEqual([{ field: 'lastSeenAt', message: 'must not be in the future' }])
    const notJson = await as(riverside, 'POST', '/v1/reports', '[1, 2')
    expect(notJson.status).toBe(400)
    const array = await as(riverside, 'POST', '/v1/reports', [report()])
    expect(array.body.issues).toEqual([{ field: 'the body', message: 'must be a JSON object' }])
  })

  it("lists public fields only, filtered by status, species, area and date: the owner's name and contact never appear", async () => {
    const cat = await file(hillside, { species: 'feline', name: 'Tom', lastSeenArea: 'Oakfield 54321', lastSeenAt: hoursAgo(2), ownerName: 'Zed Quill', ownerContact: 'zed.quill@secret.example', shareContact: true })
    const old = await file(hillside, { species: 'feline', name: 'Old Tom', lastSeenArea: 'Oakfield 54321', lastSeenAt: hoursAgo(24 * 40), ownerName: 'Zed Quill', ownerContact: 'zed.quill@secret.example' })

    const all = await as(riverside, 'GET', '/v1/reports')
    expect(all.status).toBe(200)
    expect(all.body.reports.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([cat.id, old.id]))
    const felineNearby = await as(riverside, 'GET', `/v1/reports?species=feline&area=oakfield&since=${hoursAgo(24).slice(0, 10)}`)
    expect(felineNearby.body.reports.map((r: { id: string }) => r.id)).toEqual([cat.id])
    expect(felineNearby.body.reports[0]).toEqual({
      id: cat.id,
      status: 'active',
      microchip: cat.microchip,
      microchipRaw: cat.microchipRaw,
      species: 'feline',
      breed: 'Labrador',
      colour: 'black',
      sex: 'female',
      name: 'Tom',
      photoUrl: null,
      lastSeenArea: 'Oakfield 54321',
      lastSeenAt: cat.lastSeenAt,
      filedBy: { name: 'Hillside Animal Clinic', kind: 'clinic' },
      createdAt: cat.createdAt,
      updatedAt: cat.updatedAt
    })
    // "%" is a character to look for, not a wildcard.
    expect((await as(riverside, 'GET', '/v1/reports?area=%25')).body.reports).toEqual([])

    const byId = await as(riverside, 'GET', `/v1/reports/${cat.id}`)
    expect(byId.body).toEqual(felineNearby.body.reports[0])
    for (const text of [all.text, felineNearby.text, byId.text]) {
      expect(text).not.toContain('zed.quill@secret.example')
      expect(text).not.toContain('Zed Quill')
    }
    // The filer reads its own report whole.
    expect((await as(hillside, 'GET', `/v1/reports/${cat.id}`)).body.owner.contact).toBe('zed.quill@secret.example')

    const bad = await as(riverside, 'GET', '/v1/reports?status=lost&since=last+week&limit=9999&colour=red')
    expect(bad.status).toBe(400)
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['colour', 'limit', 'since', 'status'])
  })

  it('audits every read of a report by id with the member that read it', async () => {
    const r = await file(riverside)
    await as(hillside, 'GET', `/v1/reports/${r.id}`)
    await as(shelter, 'GET', `/v1/reports/${r.id}`)
    const reads = (await auditOf(svc.db, r.id)).filter((a) => a.action === 'report.read')
    expect(reads.map((a) => a.memberId)).toEqual([hillside.id, shelter.id])
    expect((await as(hillside, 'GET', '/v1/reports/0197a000-0000-7000-8000-000000000000')).status).toBe(404)
    expect((await as(hillside, 'GET', '/v1/reports/not-an-id')).status).toBe(404)
  })
})

describe('changing a report', () => {
  it('is for the member that filed it only: another member gets 403', async () => {
    const r = await file(riverside)
    const other = await as(hillside, 'PATCH', `/v1/reports/${r.id}`, { status: 'found' })
    expect(other.status).toBe(403)
    expect(other.body.message).toBe('only Riverside Vets, which filed this report, may change it')
    expect((await as(shelter, 'PATCH', `/v1/reports/${r.id}`, { name: 'Not Bella' })).status).toBe(403)
    expect((await as(riverside, 'GET', `/v1/reports/${r.id}`)).body).toMatchObject({ status: 'active', name: 'Bella' })
  })

  it('changes fields while active, then found, then closed; never back', async () => {
    const r = await file(riverside)
    const edited = await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { colour: 'black and tan', shareContact: true, microchip: null })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ colour: 'black and tan', microchip: null, owner: { shareContact: true } })
    expect((await as(riverside, 'PATCH', `/v1/reports/${r.id}`, {})).status).toBe(400)
    expect((await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { status: 'active' })).body.issues[0].field).toBe('status')

    expect((await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { status: 'found' })).body.status).toBe('found')
    expect((await as(riverside, 'GET', '/v1/reports')).body.reports.map((x: { id: string }) => x.id)).not.toContain(r.id)
    expect((await as(riverside, 'GET', '/v1/reports?status=found')).body.reports.map((x: { id: string }) => x.id)).toContain(r.id)
    const late = await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { name: 'Bella II' })
    expect(late.status).toBe(409)
    expect((await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { status: 'closed' })).body.status).toBe('closed')
    const reopen = await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { status: 'found' })
    expect(reopen.status).toBe(409)
    expect(reopen.body.message).toMatch(/file a new report/)
    expect((await auditOf(svc.db, r.id)).filter((a) => a.action === 'report.updated')).toHaveLength(3)
  })
})

it('keeps one active report per chip: a second is refused naming the first, until the first is found', async () => {
  const first = await file(riverside, { microchip: '985 000 111 222 333' })
  const second = await as(hillside, 'POST', '/v1/reports', report({ microchip: '985000111222333' }))
  expect(second.status).toBe(409)
  expect(second.body.message).toBe(`chip 985000111222333 is already on an active missing-pet report (${first.id}, filed by Riverside Vets); add a sighting to it instead`)
  const other = await file(hillside)
  expect((await as(hillside, 'PATCH', `/v1/reports/${other.id}`, { microchip: '985000111222333' })).status).toBe(409)
  await as(riverside, 'PATCH', `/v1/reports/${first.id}`, { status: 'found' })
  expect((await as(hillside, 'POST', '/v1/reports', report({ microchip: '985000111222333' }))).status).toBe(201)
})

describe('photos', () => {
  it('keeps JPEG, PNG and WebP photos and serves their bytes with their type (audited)', async () => {
    for (const [img, type] of [
      [JPEG, 'image/jpeg'],
      [PNG, 'image/png'],
      [WEBP, 'image/webp']
    ] as const) {
      const r = await file(riverside, { photo: img.toString('base64') })
      const got = await as(hillside, 'GET', `/v1/reports/${r.id}/photo`)
      expect(got.status).toBe(200)
      expect(got.headers.get('content-type')).toBe(type)
      expect(Buffer.compare(got.body, img)).toBe(0)
      expect((await auditOf(svc.db, r.id)).map((a) => a.action)).toContain('report.photo-read')
    }
    const bare = await file(riverside)
    expect((await as(hillside, 'GET', `/v1/reports/${bare.id}/photo`)).status).toBe(404)
    // Replaced, then removed.
    await as(riverside, 'PATCH', `/v1/reports/${bare.id}`, { photo: JPEG.toString('base64') })
    expect((await as(hillside, 'GET', `/v1/reports/${bare.id}/photo`)).headers.get('content-type')).toBe('image/jpeg')
    await as(riverside, 'PATCH', `/v1/reports/${bare.id}`, { photo: null })
    expect((await as(hillside, 'GET', `/v1/reports/${bare.id}/photo`)).status).toBe(404)
  })

  it('refuses a photo that is not an image by its bytes, one over 2 MB, and a body over the limit', async () => {
    const gif = await as(riverside, 'POST', '/v1/reports', report({ photo: Buffer.from('GIF89a-----------').toString('base64') }))
    expect(gif.status).toBe(400)
    expect(gif.body.issues).toEqual([{ field: 'photo', message: 'must be a JPEG, PNG or WebP image (judged by its content)' }])
    // An HTML page named a PNG is still HTML.
    expect((await as(riverside, 'POST', '/v1/reports', report({ photo: Buffer.from('<html><script>alert(1)</script>').toString('base64') }))).status).toBe(400)
    expect((await as(riverside, 'POST', '/v1/reports', report({ photo: 'not base64!' }))).body.issues[0].field).toBe('photo')

    const justOver = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 1 - PNG.length)])
    const big = await as(riverside, 'POST', '/v1/reports', report({ photo: justOver.toString('base64') }))
    expect(big.status).toBe(413)
    expect(big.body.message).toMatch(/at most 2 MB/)
    const exactly = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 - PNG.length)])
    expect((await as(riverside, 'POST', '/v1/reports', report({ photo: exactly.toString('base64') }))).status).toBe(201)

    const huge = await as(riverside, 'POST', '/v1/reports', report({ photo: Buffer.alloc(3 * 1024 * 1024).toString('base64') }))
    expect(huge.status).toBe(413)
    expect(huge.body.message).toMatch(/request body is over 3 MB/)
  })
})

describe('sightings', () => {
  it('relays the finder to an owner who keeps their contact private, and says so', async () => {
    const r = await file(riverside, { name: 'Rex', ownerName: 'Priv Ate', ownerContact: 'private-owner@example.com' })
    const res = await as(hillside, 'POST', `/v1/reports/${r.id}/sightings`, { contact: 'Hillside front desk +1 555 0199', note: 'Seen near the park\nlimping slightly' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ relayId: expect.any(String), kind: 'sighting', ownerContactShared: false, ownerNotified: true, message: 'the owner has been notified through PetMayday' })
    expect(res.text).not.toContain('private-owner@example.com')
    const [row] = await svc.db.query<Record<string, unknown>>('SELECT * FROM relay_messages WHERE id = $1', [res.body.relayId])
    expect(row).toMatchObject({ kind: 'sighting', from_member: hillside.id, report_id: r.id, to_name: 'Priv Ate', to_contact: 'private-owner@example.com', reply_to: 'Hillside front desk +1 555 0199' })
    expect(row.text).toContain('Hillside Animal Clinic (clinic) reports a sighting of your pet Rex.')
    expect(row.text).toContain('limping slightly')
    const audited = (await auditOf(svc.db, r.id)).find((a) => a.action === 'report.sighting')
    expect(audited).toMatchObject({ memberId: hillside.id, detail: { relayId: res.body.relayId, kind: 'sighting', ownerContactShared: false } })
  })

  it("gives the owner's contact when the owner chose to share it, and relays a found animal as found", async () => {
    const r = await file(riverside, { ownerName: 'Open Book', ownerContact: '+1 555 0123', shareContact: true })
    const res = await as(shelter, 'POST', `/v1/reports/${r.id}/sightings`, { contact: 'County Shelter, kennel 4', found: true })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ kind: 'found', ownerContactShared: true, owner: { name: 'Open Book', contact: '+1 555 0123' } })
    const [row] = await svc.db.query<{ kind: string; text: string }>('SELECT kind, text FROM relay_messages WHERE id = $1', [res.body.relayId])
    expect(row.kind).toBe('found')
    expect(row.text).toContain('County Shelter (shelter) has your pet Bella with them.')
  })

  it('refuses a sighting of a pet no longer missing, and a sighting without the finder contact', async () => {
    const r = await file(riverside)
    const noContact = await as(hillside, 'POST', `/v1/reports/${r.id}/sightings`, { note: 'seen' })
    expect(noContact.body.issues).toEqual([{ field: 'contact', message: 'is required' }])
    await as(riverside, 'PATCH', `/v1/reports/${r.id}`, { status: 'found' })
    const late = await as(hillside, 'POST', `/v1/reports/${r.id}/sightings`, { contact: 'desk' })
    expect(late.status).toBe(409)
    expect(late.body.message).toMatch(/no longer missing/)
  })
})

it('reads the dotted hex scanner form as the 15-digit ISO number, keeping what was read', async () => {
  const r = await file(riverside, { microchip: '3E7.1CBE991A14' })
  expect(r.microchip).toBe('999123456789012')
  expect(r.microchipRaw).toBe('3E7.1CBE991A14')
})
