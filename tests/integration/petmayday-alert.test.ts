/**
 * PetMayday's alert with real processes: the PROVENIQ service in process on a fresh PostgreSQL
 * database, a shelter filing reports, and a demo clinic's app following the active list through
 * its petmayday integration. A microchip match raises one critical notification (at arrival or at
 * check-in, also with the service stopped); a name, species and area match only a warning; a
 * found report leaves the list; without approval for lost_pet_reports nothing is followed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { patients } from '../../src-main/db/schema'
import { makeApp, type TestApp } from '../helpers/app'
import { until } from '../helpers/wait'
import { call, newChip, newMember, report, startService, type TestMember, type TestService } from '../proveniq/fixture'

let svc: (TestService & { close(): Promise<void> }) | null
let shelter: TestMember
let clinic: TestMember
let t: TestApp

interface Pet {
  id: string
  name: string
  species: string
  microchip: string | null
  client_id: string
  address: string | null
}

const sql = () => t.app.core.store.sqlite
const listed = (id: string) => sql().prepare('SELECT 1 FROM missing_pets WHERE id = ?').get(id) !== undefined
const alertsFor = (patientId: string) =>
  sql().prepare("SELECT severity, title, body FROM notifications WHERE patient_id = ? AND kind LIKE 'petmayday.%' ORDER BY created_at").all(patientId) as { severity: string; title: string; body: string }[]
const checkIn = (patientId: string) => t.call('visits.create', { patientId, reason: 'Check-up', status: 'checked_in' })

async function file(fields: Record<string, unknown>): Promise<string> {
  const res = await call(svc!.url, shelter.key, 'POST', '/v1/reports', report(fields))
  expect(res.status, res.text).toBe(201)
  return res.body.id as string
}

beforeAll(async () => {
  // A short long-poll keeps stopping the service quick.
  svc = await startService(1000)
  shelter = await newMember(svc.db, 'Hillside Shelter', 'shelter')
  clinic = await newMember(svc.db, 'Riverside Veterinary Clinic', 'clinic')
  t = makeApp({ demo: true })
  await t.app.start()
  t.signIn('admin')
  const i = t.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc.url, apiKey: clinic.key } })
  t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports'] })
}, 30_000)

afterAll(async () => {
  await t?.close()
  await svc?.close()
})

describe('PetMayday alert', () => {
  let bella: Pet
  let bellaReport: string

  it('keeps the list locally and alerts critically for a microchip match: once on arrival, once at the check-in', async () => {
    bella = sql()
      .prepare('SELECT p.id, p.name, p.species, p.microchip, p.client_id, c.address FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.microchip_norm IS NOT NULL AND p.deleted_at IS NULL AND p.deceased_at IS NULL LIMIT 1')
      .get() as Pet
    bellaReport = await file({ microchip: bella.microchip, name: bella.name, species: bella.species, lastSeenArea: 'Nowhere Heights', ownerName: 'Someone' })
    await until(() => listed(bellaReport), 10_000, 'the report in the local list')
    // The report's arrival tells the desk once that one of its patients is reported missing…
    await until(() => alertsFor(bella.id).length > 0, 5_000, 'the alert on arrival')
    expect(alertsFor(bella.id).map((a) => a.title)).toEqual([`${bella.name} is reported missing (PetMayday)`])
    // …and the check-in tells it again, once for that visit: the pet is here now.
    const visit = checkIn(bella.id)
    await until(() => alertsFor(bella.id).length > 1, 5_000, 'the alert at check-in')
    // The same visit changing again (as any later edit announces it) does not notify again.
    t.app.core.events.emit('changed', { entity: 'visit', id: visit.id, patientId: bella.id })
    await new Promise((r) => setTimeout(r, 100))
    const alerts = alertsFor(bella.id)
    expect(alerts).toHaveLength(2)
    const here = alerts.find((a) => a.title === `${bella.name} is checked in and reported missing (PetMayday)`)!
    expect(here.severity).toBe('critical')
    expect(here.body).toContain('Nowhere Heights')
    expect(here.body).toContain('Hillside Shelter')
    const audit = sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'petmayday.match' AND patient_id = ?").pluck().get(bella.id)
    expect(audit).toBe(2)

    const matches = t.call('proveniq.missingMatches', { patientId: bella.id })
    expect(matches).toHaveLength(1)
    expect(matches[0]).toMatchObject({ kind: 'exact', reportId: bellaReport, lastSeenArea: 'Nowhere Heights', filedBy: { name: 'Hillside Shelter', kind: 'shelter' } })
  })

  it('raises only a warning for a name, species and area match', async () => {
    const pet = sql()
      .prepare("SELECT p.id, p.name, p.species, p.microchip, p.client_id, c.address FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.microchip_norm IS NULL AND c.address LIKE '%, %' AND p.deleted_at IS NULL AND p.deceased_at IS NULL AND p.id != ? LIMIT 1")
      .get(bella.id) as Pet
    const town = pet.address!.split(', ').pop()!
    const id = await file({ microchip: newChip(), name: pet.name.toUpperCase(), species: pet.species, lastSeenArea: town })
    await until(() => listed(id), 10_000, 'the second report in the local list')
    checkIn(pet.id)
    await until(() => alertsFor(pet.id).length > 0, 5_000, 'the warning')
    const alerts = alertsFor(pet.id)
    expect(alerts.map((a) => a.severity)).toEqual(['warning'])
    expect(alerts[0].body).toContain('confirm before acting')
    expect(t.call('proveniq.missingMatches', { patientId: pet.id }).find((m) => m.reportId === id)?.kind).toBe('possible')
  })

  it('drops a report marked found from the list and its matches', async () => {
    const res = await call(svc!.url, shelter.key, 'PATCH', `/v1/reports/${bellaReport}`, { status: 'found' })
    expect(res.status, res.text).toBe(200)
    await until(() => !listed(bellaReport), 10_000, 'the found report to leave the list')
    expect(t.call('proveniq.missingMatches', { patientId: bella.id })).toEqual([])
  })

  it('follows nothing without approval for lost_pet_reports', async () => {
    const other = makeApp({ demo: true })
    try {
      await other.app.start()
      other.signIn('admin')
      const i = other.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc!.url, apiKey: clinic.key } })
      other.call('integrations.approve', { id: i.id, categories: ['patient_identity'] })
      const count = () => other.app.core.store.sqlite.prepare('SELECT count(*) FROM missing_pets').pluck().get() as number
      await new Promise((r) => setTimeout(r, 800))
      expect(count()).toBe(0)
      expect(other.call('integrations.list', {}).find((x) => x.id === i.id)?.status.state).not.toBe('connected')
      // The same workstation, approved: the list arrives (so only the approval held it back).
      other.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports'] })
      await until(() => count() > 0, 10_000, 'the list once approved')
    } finally {
      await other.close()
    }
  })

  it('alerts at check-in from the kept list while the service is stopped', async () => {
    const chip = newChip()
    const id = await file({ microchip: chip, name: 'Rex', species: 'canine', lastSeenArea: 'Old Mill Lane' })
    await until(() => listed(id), 10_000, 'the third report in the local list')
    await svc!.close()
    svc = null
    // A patient that arrived with the chip (as by sync, which checks nothing) and is checked in offline.
    const { store } = t.app.core
    const rex = store.tx(() =>
      store.insert(patients, { clientId: bella.client_id, name: 'Rex', nameNorm: 'rex', species: 'canine', breed: null, sex: 'male', neuterStatus: 'unknown', dateOfBirth: null, dobEstimated: false, color: null, microchip: chip, microchipNorm: chip, microchipType: 'iso', deceasedAt: null })
    )
    expect(alertsFor(rex.id)).toEqual([])
    checkIn(rex.id)
    await until(() => alertsFor(rex.id).length > 0, 5_000, 'the offline alert')
    expect(alertsFor(rex.id)).toEqual([expect.objectContaining({ severity: 'critical', title: 'Rex is checked in and reported missing (PetMayday)' })])
    expect(t.call('proveniq.missingMatches', { patientId: rex.id })[0]).toMatchObject({ kind: 'exact', reportId: id })
  })
})
