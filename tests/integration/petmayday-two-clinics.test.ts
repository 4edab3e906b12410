/**
 * PetMayday between two clinics, with real processes: the PROVENIQ service on a fresh PostgreSQL
 * database and two clinic hubs (built hub processes, each its own demo clinic and member key) with
 * PetMayday configured and approved. A pet reported missing at clinic A on its owner's behalf is
 * alerted at check-in at clinic B (a critical notification naming the pet, the banner's exact
 * match), also while the service is stopped (from B's kept list); B answers "seen here" and A's
 * own open report shows what was relayed; nothing goes out for a category A did not approve.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/app'
import { api, apiSignIn, startHubProcess, type RunningHub } from '../helpers/hub'
import { hoursAgo, newChip, newMember, startService, type TestMember, type TestService } from '../proveniq/fixture'

interface Clinic {
  name: string
  dir: string
  hub: RunningHub
  token: string
  member: TestMember
  integrationId: string
  call<T = any>(method: string, input: unknown): Promise<T>
  /** an error expected: its code and message */
  refused(method: string, input: unknown): Promise<{ code: string; message: string }>
}

let svc: (TestService & { close(): Promise<void> }) | null
let a: Clinic
let b: Clinic

async function clinic(name: string, phone: string): Promise<Clinic> {
  const member = await newMember(svc!.db, name, 'clinic')
  const dir = tempDir()
  const hub = await startHubProcess(['--data-dir', dir, '--demo'])
  const token = await apiSignIn(hub, (s) => s.role === 'admin')
  const c = {
    name,
    dir,
    hub,
    token,
    member,
    integrationId: '',
    async call(method: string, input: unknown) {
      const r = await api(hub, method, input, token)
      if (!r.json.ok) throw new Error(`${name}: ${method}: ${r.json.error.code}: ${r.json.error.message}`)
      return r.json.result
    },
    async refused(method: string, input: unknown) {
      const r = await api(hub, method, input, token)
      expect(r.json.ok, JSON.stringify(r.json)).toBe(false)
      return r.json.error
    }
  } as Clinic
  await c.call('clinic.update', { name, phone })
  // This test's PetMayday only (a demo clinic may bring its own).
  for (const i of (await c.call('integrations.list', {})) as { id: string; kind: string }[]) if (i.kind === 'petmayday') await c.call('integrations.update', { id: i.id, enabled: false })
  const i = await c.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc!.url, apiKey: member.key } })
  c.integrationId = i.id
  await c.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports', 'owner_contact', 'microchip'] })
  return c
}

/** A client with a phone and their pet with this chip. */
async function petAt(c: Clinic, pet: { name: string; species: string; chip: string; owner: [string, string] }): Promise<{ id: string; clientId: string }> {
  const client = await c.call('clients.create', { firstName: pet.owner[0], lastName: pet.owner[1], phones: [{ label: 'mobile', number: '+1 555 0142' }], email: 'owner@example.com' })
  const p = await c.call('patients.create', { clientId: client.id, name: pet.name, species: pet.species, sex: 'female', microchip: pet.chip })
  return { id: p.id, clientId: client.id }
}

/** Polls an answer from a hub (tests/helpers/wait's until takes a synchronous condition). */
async function until(f: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const kept = async (c: Clinic, chip: string) => ((await c.call('petmayday.findByChip', { chip })) as { reports: { id: string }[] }).reports.map((r) => r.id)
const alertsFor = async (c: Clinic, title: string) => ((await c.call('notifications.list', { limit: 200 })) as { severity: string; title: string; body: string | null; patientId: string | null }[]).filter((n) => n.title === title)

beforeAll(async () => {
  svc = await startService(1000)
  a = await clinic('Riverside Veterinary Clinic', '(555) 010-1111')
  b = await clinic('Oakwood Animal Hospital', '(555) 020-2222')
}, 120_000)

afterAll(async () => {
  for (const c of [a, b]) {
    await c?.hub.stop()
    if (c?.dir) rmSync(c.dir, { recursive: true, force: true })
  }
  await svc?.close()
})

describe('PetMayday between two clinics', () => {
  const juno = { name: 'Juno', species: 'canine', chip: newChip(), owner: ['Carla', 'Mendes'] as [string, string] }
  const pip = { name: 'Pip', species: 'feline', chip: newChip(), owner: ['Tom', 'Okafor'] as [string, string] }
  let junoReport: string
  let pipReport: string

  it('files a report at clinic A on the owner’s behalf', async () => {
    const atA = await petAt(a, juno)
    const filed = await a.call('petmayday.reportMissing', { patientId: atA.id, lastSeenArea: 'Riverton, Mill Street', lastSeenAt: hoursAgo(6), shareContact: false })
    junoReport = filed.id
    expect(filed).toMatchObject({ status: 'active', name: 'Juno', owner: { name: 'Carla Mendes', shareContact: false }, filedBy: { name: a.name, kind: 'clinic' } })
    expect(filed.owner.contact).toContain('0142')
    const pipAtA = await petAt(a, pip)
    pipReport = (await a.call('petmayday.reportMissing', { patientId: pipAtA.id, lastSeenArea: 'Riverton Park', lastSeenAt: hoursAgo(2), shareContact: true })).id
  })

  it('alerts clinic B when the pet is checked in there: a critical notification naming it, and the banner’s exact match', async () => {
    await until(async () => (await kept(b, juno.chip)).includes(junoReport), 15_000, 'the report in B’s kept list')
    // Someone brings Juno to B: a new client there, the chip as read off the scanner, spaced.
    const atB = await petAt(b, { ...juno, chip: `${juno.chip.slice(0, 3)} ${juno.chip.slice(3)}`, owner: ['Finder', 'Person'] })
    await b.call('visits.create', { patientId: atB.id, reason: 'Found dog, scan and check', status: 'checked_in' })
    await until(async () => (await alertsFor(b, 'Juno is reported missing (PetMayday)')).length > 0, 10_000, 'the alert at B')
    const alerts = await alertsFor(b, 'Juno is reported missing (PetMayday)')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ severity: 'critical', patientId: atB.id })
    expect(alerts[0].body).toContain(a.name)
    const matches = await b.call('proveniq.missingMatches', { patientId: atB.id })
    expect(matches[0]).toMatchObject({ kind: 'exact', reportId: junoReport, name: 'Juno', lastSeenArea: 'Riverton, Mill Street', filedBy: { name: a.name } })

    // B answers "seen here": A's open report shows what was relayed to the owner, with B's contact.
    const seen = await b.call('petmayday.seenHere', { reportId: junoReport, found: true, patientId: atB.id, note: 'Microchip scanned at check-in' })
    expect(seen.owner).toBeNull()
    expect(seen.contactSent).toContain('(555) 020-2222')
    const own = (await a.call('petmayday.ownReports', {})) as { id: string; relays: { kind: string; from: { name: string }; replyTo: string; text: string }[] }[]
    const mine = own.find((r) => r.id === junoReport)!
    expect(mine.relays).toEqual([expect.objectContaining({ kind: 'found', from: { name: b.name, kind: 'clinic' }, replyTo: expect.stringContaining('(555) 020-2222') })])
    expect(mine.relays[0].text).toContain('Microchip scanned at check-in')
    // B's audit log has the answer, with the patient it was about.
    const audit = (await b.call('audit.list', { patientId: atB.id, direction: 'outbound' })) as { action: string; summary: string }[]
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['outbound.permitted', 'proveniq.sent']))
  })

  it('sends nothing for a category clinic A did not approve, and audits the refusal', async () => {
    await a.call('integrations.approve', { id: a.integrationId, categories: ['lost_pet_reports'] })
    const rex = { name: 'Rex', species: 'canine', chip: newChip(), owner: ['Ida', 'Lund'] as [string, string] }
    const atA = await petAt(a, rex)
    const no = await a.refused('petmayday.reportMissing', { patientId: atA.id, lastSeenArea: 'Riverton', lastSeenAt: hoursAgo(1) })
    expect(no.code).toBe('consent-refused')
    expect(no.message).toMatch(/not approved for: owner_contact, microchip/)
    const audit = (await a.call('audit.list', { patientId: atA.id })) as { action: string; summary: string }[]
    expect(audit.filter((e) => e.action === 'outbound.refused')).toHaveLength(1)
    expect(audit.some((e) => e.action === 'proveniq.sent')).toBe(false)
    const atService = await svc!.db.query<{ n: number }>('SELECT count(*)::int AS n FROM missing_reports WHERE microchip = $1', [rex.chip])
    expect(atService[0].n).toBe(0)
    await a.call('integrations.approve', { id: a.integrationId, categories: ['lost_pet_reports', 'owner_contact', 'microchip'] })
  })

  it('alerts at B from its kept list while the service is stopped', async () => {
    await until(async () => (await kept(b, pip.chip)).includes(pipReport), 15_000, 'Pip’s report in B’s kept list')
    await svc!.close()
    svc = null
    const atB = await petAt(b, { ...pip, owner: ['Second', 'Finder'] })
    await b.call('visits.create', { patientId: atB.id, reason: 'Found cat', status: 'checked_in' })
    await until(async () => (await alertsFor(b, 'Pip is reported missing (PetMayday)')).length > 0, 10_000, 'the offline alert at B')
    expect((await alertsFor(b, 'Pip is reported missing (PetMayday)'))[0]).toMatchObject({ severity: 'critical', patientId: atB.id })
    expect((await b.call('proveniq.missingMatches', { patientId: atB.id }))[0]).toMatchObject({ kind: 'exact', reportId: pipReport })
    // The list near the clinic comes from the kept list too, and says so.
    const near = await b.call('petmayday.reports', { area: '' })
    expect(near.source).toBe('local')
    expect(near.notice).toContain('cannot be reached')
    expect(near.reports.map((r: { id: string }) => r.id)).toContain(pipReport)
    // "Seen here" cannot go while PetMayday is down: a clear answer, nothing pretended.
    const seen = await b.refused('petmayday.seenHere', { reportId: pipReport, found: true })
    expect(seen.code).toBe('offline')
  })
})
