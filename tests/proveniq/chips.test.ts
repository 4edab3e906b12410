/**
 * PetLifeLog over HTTP on real PostgreSQL: registering chips, transfers with history, lookups that
 * honour the owner's sharing choice (relayed otherwise), the audit of every lookup, bad chip numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditOf } from '../../src-proveniq/audit'
import { call, newChip, newMember, report, startService, type TestMember, type TestService } from './fixture'

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

const as = (m: TestMember, method: string, path: string, body?: unknown) => call(svc.url, m.key, method, path, body)

const owner = (fields: Record<string, unknown> = {}) => ({ species: 'canine', petName: 'Bella', ownerName: 'Ann Lee', ownerPhone: '+1 555 0101', ownerEmail: 'ann.lee@example.com', shareContact: false, ...fields })

describe('registering', () => {
  it('registers a chip, lets its registrar update it (keeping the old details), and refuses another member', async () => {
    const chip = newChip()
    const created = await as(riverside, 'PUT', `/v1/chips/${chip}`, owner())
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ chip, chipRaw: chip, chipType: 'iso', petName: 'Bella', owner: { name: 'Ann Lee', phone: '+1 555 0101', shareContact: false }, registeredBy: { name: 'Riverside Vets' } })

    const updated = await as(riverside, 'PUT', `/v1/chips/${chip}`, owner({ ownerPhone: '+1 555 0202', shareContact: true }))
    expect(updated.status).toBe(200)
    expect(updated.body.owner).toEqual({ name: 'Ann Lee', phone: '+1 555 0202', email: 'ann.lee@example.com', shareContact: true })
    const history = await svc.db.query<{ reason: string; owner_phone: string; share_contact: boolean }>('SELECT reason, owner_phone, share_contact FROM registry_history WHERE chip = $1', [chip])
    expect(history).toEqual([{ reason: 'update', owner_phone: '+1 555 0101', share_contact: false }])

    const other = await as(hillside, 'PUT', `/v1/chips/${chip}`, owner({ ownerName: 'Someone Else' }))
    expect(other.status).toBe(403)
    expect(other.body.message).toMatch(/registered by Riverside Vets.*transfer/)
    expect((await auditOf(svc.db, chip)).map((a) => [a.action, a.memberId])).toEqual([
      ['chip.registered', riverside.id],
      ['chip.updated', riverside.id]
    ])
  })

  it('names every bad field of a registration', async () => {
    const res = await as(riverside, 'PUT', `/v1/chips/${newChip()}`, { species: 'unicorn', ownerEmail: 'not-an-address', shareContact: 'yes' })
    expect(res.status).toBe(400)
    const fields = Object.fromEntries(res.body.issues.map((i: { field: string; message: string }) => [i.field, i.message]))
    expect(fields).toMatchObject({ species: expect.stringContaining('must be one of'), ownerName: 'is required', ownerEmail: 'must be an e-mail address', shareContact: 'must be true or false' })
    const unreachable = await as(riverside, 'PUT', `/v1/chips/${newChip()}`, { ownerName: 'Nobody' })
    expect(unreachable.body.issues).toEqual([{ field: 'ownerPhone', message: 'or ownerEmail is required: the owner must be reachable' }])
  })

  it('refuses bad chip numbers with 400, naming the formats, on every chip route', async () => {
    for (const [method, chip, body] of [
      ['GET', '12', undefined],
      ['PUT', 'ab!cd%23ef', owner()],
      ['POST', '3E7.FFFFFFFFFFFF', owner()],
      ['GET', '1'.repeat(80), undefined]
    ] as const) {
      const res = await as(riverside, method, `/v1/chips/${chip}${method === 'POST' ? '/transfer' : ''}`, body)
      expect(res.status, `${method} ${chip}`).toBe(400)
      expect(res.body.issues[0].field).toBe('chip')
    }
    const res = await as(riverside, 'GET', '/v1/chips/12')
    expect(res.body.message).toBe('chip "12" is not a microchip number (expected ISO 11784/11785 (15 digits, or the dotted hex form such as 3E7.1CBE991A14), AVID (9 digits), FDX-A (10 hex characters) or another chip of 6 to 16 letters and digits)')
  })

  it('keeps other formats as read and finds an ISO chip by any of its written forms', async () => {
    const avid = await as(riverside, 'PUT', '/v1/chips/123456789', owner())
    expect(avid.body).toMatchObject({ chip: '123456789', chipType: 'avid' })
    const dotted = await as(riverside, 'PUT', '/v1/chips/3E7.1CBE991A14', owner({ shareContact: true }))
    expect(dotted.body).toMatchObject({ chip: '999123456789012', chipRaw: '3E7.1CBE991A14', chipType: 'iso' })
    const spaced = await as(hillside, 'GET', `/v1/chips/${encodeURIComponent('999 1234 5678 9012')}`)
    expect(spaced.body).toMatchObject({ chip: '999123456789012', registered: true, owner: { name: 'Ann Lee' } })
  })
})

describe('lookups', () => {
  it("relays a scan to an owner who did not share, never answering the owner's contact, and audits it", async () => {
    const chip = newChip()
    await as(riverside, 'PUT', `/v1/chips/${chip}`, owner({ ownerName: 'Quiet Owner', ownerPhone: '+1 555 0303', ownerEmail: 'quiet@example.com' }))
    const res = await as(shelter, 'GET', `/v1/chips/${chip}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ chip, registered: true, species: 'canine', petName: 'Bella', shareContact: false, ownerNotified: true, relayId: expect.any(String), message: 'the owner has been notified through PetLifeLog', missingReports: [] })
    for (const secret of ['Quiet Owner', '0303', 'quiet@example.com']) expect(res.text).not.toContain(secret)
    const [relay] = await svc.db.query<Record<string, unknown>>('SELECT * FROM relay_messages WHERE id = $1', [res.body.relayId])
    expect(relay).toMatchObject({ kind: 'lookup', chip, from_member: shelter.id, to_name: 'Quiet Owner', to_contact: '+1 555 0303 / quiet@example.com' })
    expect(relay.text).toBe(`Bella's microchip (${chip}) was scanned at County Shelter (shelter).`)
    const audit = (await auditOf(svc.db, chip)).filter((a) => a.action === 'chip.lookup')
    expect(audit).toEqual([expect.objectContaining({ memberId: shelter.id, detail: { registered: true, missingReports: [], ownerContactShared: false, relayId: res.body.relayId } })])
  })

  it("answers the owner's contact where the owner allowed sharing, and audits each lookup with its member", async () => {
    const chip = newChip()
    await as(riverside, 'PUT', `/v1/chips/${chip}`, owner({ shareContact: true }))
    const res = await as(hillside, 'GET', `/v1/chips/${chip}`)
    expect(res.body).toEqual({ chip, registered: true, species: 'canine', petName: 'Bella', shareContact: true, owner: { name: 'Ann Lee', phone: '+1 555 0101', email: 'ann.lee@example.com' }, missingReports: [] })
    await as(shelter, 'GET', `/v1/chips/${chip}`)
    expect(await svc.db.query('SELECT 1 FROM relay_messages WHERE chip = $1', [chip])).toEqual([])
    const audit = (await auditOf(svc.db, chip)).filter((a) => a.action === 'chip.lookup')
    expect(audit.map((a) => a.memberId)).toEqual([hillside.id, shelter.id])
  })

  it('audits a lookup of an unregistered chip too, and tells of an active missing-pet report on the chip', async () => {
    const chip = newChip()
    const none = await as(shelter, 'GET', `/v1/chips/${chip}`)
    expect(none.body).toEqual({ chip, registered: false, missingReports: [] })
    const filed = await call(svc.url, riverside.key, 'POST', '/v1/reports', report({ microchip: chip, ownerContact: 'report-owner@example.com' }))
    const missing = await as(shelter, 'GET', `/v1/chips/${chip}`)
    expect(missing.body.missingReports.map((r: { id: string }) => r.id)).toEqual([filed.body.id])
    expect(missing.text).not.toContain('report-owner@example.com')
    expect((await auditOf(svc.db, chip)).map((a) => [a.action, a.memberId, a.detail.registered])).toEqual([
      ['chip.lookup', shelter.id, false],
      ['chip.lookup', shelter.id, false]
    ])
  })
})

describe('transfers', () => {
  it('moves the chip to its new owner, keeps the previous one in the history, and the new registrar keeps it from then', async () => {
    const chip = newChip()
    await as(shelter, 'PUT', `/v1/chips/${chip}`, owner({ petName: 'Scout', ownerName: 'County Shelter', ownerPhone: '+1 555 0900', ownerEmail: null }))
    const res = await as(hillside, 'POST', `/v1/chips/${chip}/transfer`, { ownerName: 'New Family', ownerEmail: 'family@example.com', shareContact: true, note: 'adopted 2025-05-01' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ previousOwners: 1, registration: { chip, petName: 'Scout', species: 'canine', owner: { name: 'New Family', phone: null, email: 'family@example.com', shareContact: true }, registeredBy: { name: 'Hillside Animal Clinic' } } })
    const history = await svc.db.query<Record<string, unknown>>('SELECT reason, owner_name, owner_phone, registered_by, replaced_by FROM registry_history WHERE chip = $1', [chip])
    expect(history).toEqual([{ reason: 'transfer', owner_name: 'County Shelter', owner_phone: '+1 555 0900', registered_by: shelter.id, replaced_by: hillside.id }])

    const lookup = await as(riverside, 'GET', `/v1/chips/${chip}`)
    expect(lookup.body.owner).toEqual({ name: 'New Family', phone: null, email: 'family@example.com' })
    expect(lookup.text).not.toContain('0900')
    // The old registrar no longer updates it; the new one does.
    expect((await as(shelter, 'PUT', `/v1/chips/${chip}`, owner())).status).toBe(403)
    expect((await as(hillside, 'PUT', `/v1/chips/${chip}`, owner({ petName: 'Scout', ownerName: 'New Family', ownerPhone: null }))).status).toBe(200)
    expect((await auditOf(svc.db, chip)).find((a) => a.action === 'chip.transferred')).toMatchObject({ memberId: hillside.id, detail: { from: shelter.id, note: 'adopted 2025-05-01' } })

    // The history is a record: it cannot be rewritten.
    await expect(svc.db.query("UPDATE registry_history SET owner_name = 'x' WHERE chip = $1", [chip])).rejects.toThrow(/append-only/)
    await expect(svc.db.query('DELETE FROM service_audit')).rejects.toThrow(/append-only/)
  })

  it('refuses to transfer a chip that is not registered', async () => {
    const res = await as(hillside, 'POST', `/v1/chips/${newChip()}/transfer`, { ownerName: 'X', ownerPhone: '555 1234' })
    expect(res.status).toBe(404)
    expect(res.body.message).toMatch(/not registered with PetLifeLog/)
  })
})
