/**
 * PetMayday from the desk, with real processes: the PROVENIQ service on a fresh PostgreSQL
 * database, other members filing reports, and a demo clinic's app calling its API. The list near
 * the clinic and its filters (the clinic's town by default), photos, a client's pet reported
 * missing on the owner's behalf and the clinic's own open reports, "seen here" relayed with the
 * clinic's contact, the kept list answering while the service is down (and saying so), and bad
 * input answered with clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PetMaydayOwnReport } from '../../src-preload/contract'
import { makeApp, type TestApp } from '../helpers/app'
import { until } from '../helpers/wait'
import { call, hoursAgo, newChip, newMember, PNG, report, startService, type TestMember, type TestService } from '../proveniq/fixture'

let svc: (TestService & { close(): Promise<void> }) | null
let shelter: TestMember
let other: TestMember
let clinic: TestMember
let t: TestApp

const sql = () => t.app.core.store.sqlite
const listed = (id: string) => sql().prepare('SELECT 1 FROM missing_pets WHERE id = ?').get(id) !== undefined

async function fileAs(member: TestMember, fields: Record<string, unknown>): Promise<string> {
  const res = await call(svc!.url, member.key, 'POST', '/v1/reports', report(fields))
  expect(res.status, res.text).toBe(201)
  return res.body.id as string
}

/** An API call expected to fail: its error code and message. */
async function refused(method: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await t.raw(method, input)
  expect(r.ok, JSON.stringify(r)).toBe(false)
  return (r as { error: { code: string; message: string } }).error
}

let ids: { riverton: string; rivertonCat: string; elsewhere: string; old: string }

beforeAll(async () => {
  svc = await startService(1000)
  shelter = await newMember(svc.db, 'Hillside Shelter', 'shelter')
  other = await newMember(svc.db, 'Oakwood Animal Hospital', 'clinic')
  clinic = await newMember(svc.db, 'Riverside Veterinary Clinic', 'clinic')
  t = makeApp({ demo: true })
  await t.app.start()
  t.signIn('admin')
  // Only this test's PetMayday integration (a demo may bring its own).
  for (const i of t.call('integrations.list', {})) if (i.kind === 'petmayday') t.call('integrations.update', { id: i.id, enabled: false })
  const i = t.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc.url, apiKey: clinic.key } })
  t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports', 'owner_contact', 'microchip'] })
  // The demo clinic is at "120 River Rd, Riverton".
  ids = {
    riverton: await fileAs(shelter, { name: 'Biscuit', species: 'canine', colour: 'black and white', lastSeenArea: 'Mill Street, Riverton', photo: PNG.toString('base64') }),
    rivertonCat: await fileAs(other, { name: 'Pepper', species: 'feline', colour: 'grey tabby', lastSeenArea: 'Riverton Park' }),
    elsewhere: await fileAs(shelter, { name: 'Rocket', species: 'canine', colour: 'brown', lastSeenArea: 'Lakeside, 99999' }),
    old: await fileAs(other, { name: 'Dusty', species: 'canine', colour: 'black', lastSeenArea: 'Riverton', lastSeenAt: hoursAgo(24 * 40) })
  }
}, 60_000)

afterAll(async () => {
  await t?.close()
  await svc?.close()
})

describe('PetMayday at the desk', () => {
  it('lists the active reports near the clinic by default, with the filters and photos', async () => {
    const near = await t.call('petmayday.reports', {})
    expect(near.source).toBe('service')
    expect(near.area).toBe('Riverton')
    expect(near.reports.map((r) => r.id).sort()).toEqual([ids.riverton, ids.rivertonCat, ids.old].sort())

    const dogs = await t.call('petmayday.reports', { species: 'canine' })
    expect(dogs.reports.map((r) => r.name).sort()).toEqual(['Biscuit', 'Dusty'])
    const recent = await t.call('petmayday.reports', { species: 'canine', since: hoursAgo(24 * 7).slice(0, 10) })
    expect(recent.reports.map((r) => r.name)).toEqual(['Biscuit'])
    const black = await t.call('petmayday.reports', { colour: 'BLACK' })
    expect(black.reports.map((r) => r.name).sort()).toEqual(['Biscuit', 'Dusty'])
    const everywhere = await t.call('petmayday.reports', { area: '' })
    expect(everywhere.area).toBeNull()
    expect(everywhere.reports.map((r) => r.name)).toContain('Rocket')
    const lakeside = await t.call('petmayday.reports', { area: 'lakeside' })
    expect(lakeside.reports.map((r) => r.name)).toEqual(['Rocket'])

    const biscuit = near.reports.find((r) => r.id === ids.riverton)!
    expect(biscuit).toMatchObject({ hasPhoto: true, species: 'canine', colour: 'black and white', filedBy: { name: 'Hillside Shelter', kind: 'shelter' } })
    // The owner's part never reaches another member.
    expect(JSON.stringify(near)).not.toContain('Ann Lee')
    const photo = await t.call('petmayday.photo', { reportId: ids.riverton })
    expect(photo.dataUrl).toBe(`data:image/png;base64,${PNG.toString('base64')}`)
    expect((await refused('petmayday.photo', { reportId: ids.rivertonCat })).message).toContain('has no photo')
  })

  let filed: PetMaydayOwnReport
  let pet: { id: string; name: string; microchip: string; owner: string }
  it('reports a client’s pet missing on the owner’s behalf, and lists it among the clinic’s open reports', async () => {
    pet = sql()
      .prepare(
        "SELECT p.id, p.name, p.microchip, c.first_name || ' ' || c.last_name AS owner FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.microchip_norm IS NOT NULL AND p.deleted_at IS NULL AND p.deceased_at IS NULL AND EXISTS (SELECT 1 FROM client_contacts k WHERE k.client_id = c.id) LIMIT 1"
      )
      .get() as typeof pet
    filed = await t.call('petmayday.reportMissing', { patientId: pet.id, lastSeenArea: 'Riverton, by the river path', lastSeenAt: hoursAgo(3), shareContact: false, photo: `data:image/png;base64,${PNG.toString('base64')}` })
    expect(filed).toMatchObject({ status: 'active', name: pet.name, microchipRaw: pet.microchip, hasPhoto: true, owner: { name: pet.owner, shareContact: false }, filedBy: { name: 'Riverside Veterinary Clinic' } })
    expect(filed.owner.contact.length).toBeGreaterThan(3)

    // At the service, as PetMayday keeps it; the workstation's audit names the send and its categories.
    const atService = await call(svc!.url, clinic.key, 'GET', `/v1/reports/${filed.id}`)
    expect(atService.body.owner.name).toBe(pet.owner)
    const sent = sql().prepare("SELECT details FROM audit_log WHERE action = 'outbound.permitted' AND patient_id = ? ORDER BY seq DESC LIMIT 1").pluck().get(pet.id) as string
    expect(JSON.parse(sent).categories).toEqual(['lost_pet_reports', 'owner_contact', 'microchip'])

    const mine = await t.call('petmayday.ownReports', {})
    expect(mine.map((r) => r.id)).toEqual([filed.id])
    // The kept list raises the alert here too: it is this clinic's own patient.
    await until(() => listed(filed.id), 10_000, 'the clinic’s report in its kept list')
  })

  it('answers "seen here" with the clinic’s contact, which the filer sees relayed', async () => {
    const answer = await t.call('petmayday.seenHere', { reportId: ids.riverton, found: true, note: 'Came in with a passer-by' })
    expect(answer.owner).toBeNull()
    expect(answer.message).toContain('relays the clinic’s contact')
    expect(answer.contactSent).toContain('(555) 010-4400')
    const shelterOwn = await call(svc!.url, shelter.key, 'GET', '/v1/reports/own')
    const biscuit = shelterOwn.body.reports.find((r: { id: string }) => r.id === ids.riverton)
    expect(biscuit.relays).toEqual([expect.objectContaining({ kind: 'found', from: { name: 'Riverside Veterinary Clinic', kind: 'clinic' }, replyTo: expect.stringContaining('(555) 010-4400') })])
    expect(biscuit.relays[0].text).toContain('Came in with a passer-by')
    const audit = sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'proveniq.sent' AND summary LIKE '%the pet is here%'").pluck().get()
    expect(audit).toBe(1)

    // The owner who shared their contact is named at once.
    const shared = await fileAs(other, { name: 'Sunny', species: 'avian', lastSeenArea: 'Riverton', shareContact: true, ownerName: 'Bo Park', ownerContact: '+1 555 0199' })
    const seen = await t.call('petmayday.seenHere', { reportId: shared })
    expect(seen.owner).toEqual({ name: 'Bo Park', contact: '+1 555 0199' })
  })

  it('marks its own report found and closed; another member’s report is not its to change', async () => {
    const found = await t.call('petmayday.setStatus', { reportId: filed.id, status: 'found' })
    expect(found.status).toBe('found')
    expect((await t.call('petmayday.ownReports', {})).find((r) => r.id === filed.id)?.status).toBe('found')
    await t.call('petmayday.setStatus', { reportId: filed.id, status: 'closed' })
    expect((await t.call('petmayday.ownReports', {})).find((r) => r.id === filed.id)).toBeUndefined()
    const notOurs = await refused('petmayday.setStatus', { reportId: ids.riverton, status: 'closed' })
    expect(notOurs.code).toBe('forbidden')
    expect(notOurs.message).toContain('only Hillside Shelter, which filed this report, may change it')
  })

  it('refuses bad input with clear errors', async () => {
    const pet2 = sql().prepare('SELECT id FROM patients WHERE deleted_at IS NULL AND deceased_at IS NULL LIMIT 1 OFFSET 3').pluck().get() as string
    const notImage = await refused('petmayday.reportMissing', { patientId: pet2, lastSeenArea: 'Riverton', lastSeenAt: hoursAgo(1), photo: 'data:text/html;base64,PGI+' })
    expect(notImage).toMatchObject({ code: 'invalid-input' })
    expect(notImage.message).toContain('JPEG, PNG or WebP')
    // Bytes that claim to be a PNG but are not: PetMayday judges the content.
    const fake = await refused('petmayday.reportMissing', { patientId: pet2, lastSeenArea: 'Riverton', lastSeenAt: hoursAgo(1), photo: `data:image/png;base64,${Buffer.from('hello world!').toString('base64')}` })
    expect(fake.message).toContain('judged by its content')
    const future = await refused('petmayday.reportMissing', { patientId: pet2, lastSeenArea: 'Riverton', lastSeenAt: new Date(Date.now() + 86_400_000).toISOString() })
    expect(future.message).toContain('must not be in the future')
    const control = await refused('petmayday.reportMissing', { patientId: pet2, lastSeenArea: 'River\u0007ton', lastSeenAt: hoursAgo(1) })
    expect(control.code).toBe('invalid-input')
    const chip = await refused('petmayday.findByChip', { chip: '12-ab' })
    expect(chip.code).toBe('invalid-input')
    expect(chip.message).toContain('not a microchip number')
    const unknown = await refused('petmayday.seenHere', { reportId: '01900000-0000-7000-8000-000000000000' })
    expect(unknown.code).toBe('not-found')
    // Nothing was filed for any of them.
    const filedForPet = sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'proveniq.sent' AND patient_id = ?").pluck().get(pet2)
    expect(filedForPet).toBe(0)
  })

  it('finds a found animal’s chip in the kept list and among the clinic’s patients', async () => {
    const chip = newChip()
    const id = await fileAs(shelter, { microchip: chip, name: 'Ziggy', species: 'feline', lastSeenArea: 'Riverton' })
    await until(() => listed(id), 10_000, 'the report in the kept list')
    // Typed with spaces, as a person reads it off the scanner.
    const found = t.call('petmayday.findByChip', { chip: `${chip.slice(0, 3)} ${chip.slice(3, 9)} ${chip.slice(9)}` })
    expect(found.chip).toBe(chip)
    expect(found.reports.map((r) => r.id)).toEqual([id])
    expect(found.patients).toEqual([])
  })

  it('posts a found-animal notice with the clinic’s contact, lists it for every member, and only the clinic closes it', async () => {
    const chip = newChip()
    const posted = await t.call('petmayday.postFound', { microchip: chip, species: 'canine', colour: 'brindle', sex: 'male', description: 'Red collar, no tag', foundArea: 'Riverton, Station Road', foundAt: hoursAgo(1) })
    expect(posted).toMatchObject({ status: 'open', microchip: chip, species: 'canine', ours: true, postedBy: { name: 'Riverside Veterinary Clinic', kind: 'clinic' } })
    expect(posted.contact).toContain('(555) 010-4400')
    const sent = sql().prepare("SELECT details FROM audit_log WHERE action = 'outbound.permitted' AND summary LIKE '%found-animal notice posted%'").pluck().get() as string
    expect(JSON.parse(sent).categories).toEqual(['lost_pet_reports', 'microchip'])

    const near = await t.call('petmayday.foundNotices', {})
    expect(near.area).toBe('Riverton')
    expect(near.notices.map((n) => n.id)).toContain(posted.id)
    expect(await t.call('petmayday.foundNotices', { species: 'feline' })).toMatchObject({ notices: [] })
    // Another member sees it with the finder's contact, and may not close it.
    const seen = await call(svc!.url, shelter.key, 'GET', '/v1/found?area=riverton')
    expect(seen.body.notices).toEqual([expect.objectContaining({ id: posted.id, ours: false, contact: expect.stringContaining('(555) 010-4400'), description: 'Red collar, no tag' })])
    const notTheirs = await call(svc!.url, shelter.key, 'PATCH', `/v1/found/${posted.id}`, { status: 'closed' })
    expect(notTheirs.status).toBe(403)
    expect(notTheirs.body.message).toContain('only Riverside Veterinary Clinic, which posted this notice, may close it')
    const badChip = await call(svc!.url, shelter.key, 'POST', '/v1/found', { microchip: 'xx', species: 'canine', foundArea: 'Riverton', foundAt: hoursAgo(1), contact: 'Shelter desk' })
    expect(badChip.status).toBe(400)
    expect(badChip.body.message).toContain('microchip is not a microchip number')
    const noArea = await refused('petmayday.postFound', { species: 'canine', foundArea: ' ', foundAt: hoursAgo(1) })
    expect(noArea.code).toBe('invalid-input')

    expect((await t.call('petmayday.closeFound', { noticeId: posted.id })).status).toBe('closed')
    expect((await t.call('petmayday.foundNotices', {})).notices.map((n) => n.id)).not.toContain(posted.id)
  })

  it('refuses, and audits, what the clinic did not approve: nothing reaches PetMayday', async () => {
    const i = t.call('integrations.list', {}).find((x) => x.kind === 'petmayday' && x.enabled)!
    t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports'] })
    const pet3 = sql().prepare("SELECT id, microchip FROM patients WHERE microchip_norm IS NOT NULL AND deleted_at IS NULL AND deceased_at IS NULL AND id != ? LIMIT 1").get(pet.id) as { id: string; microchip: string }
    const no = await refused('petmayday.reportMissing', { patientId: pet3.id, lastSeenArea: 'Riverton', lastSeenAt: hoursAgo(2) })
    expect(no.code).toBe('consent-refused')
    expect(no.message).toContain('owner_contact')
    const audit = sql().prepare("SELECT summary FROM audit_log WHERE action = 'outbound.refused' AND patient_id = ?").pluck().all(pet3.id) as string[]
    expect(audit).toHaveLength(1)
    const atService = await svc!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM missing_reports WHERE microchip_raw = $1', [pet3.microchip])
    expect(atService[0].n).toBe(0)
    t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports', 'owner_contact', 'microchip'] })
  })

  it('answers from the kept list while PetMayday is down, and says so', async () => {
    await until(() => listed(ids.riverton) && listed(ids.rivertonCat), 10_000, 'the reports in the kept list')
    await svc!.close()
    svc = null
    const near = await t.call('petmayday.reports', { species: 'feline' })
    expect(near.source).toBe('local')
    expect(near.notice).toContain('cannot be reached')
    expect(near.reports.map((r) => r.name)).toContain('Pepper')
    expect(near.reports.every((r) => r.species === 'feline' && /riverton/i.test(r.lastSeenArea))).toBe(true)
    expect((await refused('petmayday.foundNotices', {})).code).toBe('offline')
    const own = await refused('petmayday.ownReports', {})
    expect(own.code).toBe('offline')
    expect(own.message).toContain('PetMayday cannot be reached')
  })
})
