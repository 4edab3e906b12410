/**
 * The demo clinic on the PROVENIQ network, as `npm start` runs it: the built hub with --demo and
 * --simulators runs the PROVENIQ service in process on embedded PGlite (in the data folder) with
 * its simulated members and reports, and the demo workstation follows the active missing-pet list
 * through its approved PetMayday integration. The demo patient reported missing has a visit
 * booked today; checking it in at the front desk shows the critical alert naming the pet, and
 * proveniq.missingMatches answers the exact match. A second start adds nothing, at the service or
 * on the workstation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DEMO_OTHER_CLINIC, DEMO_REPORTS, DEMO_SHELTER } from '../../src-main/demo/proveniq'
import { openPglite } from '../../src-server/db'
import { PROVENIQ_MIGRATIONS } from '../../src-proveniq/cli/open'
import { tempDir } from '../helpers/app'
import { api, apiSignIn, startHubProcess, type RunningHub } from '../helpers/hub'
import { until } from '../helpers/wait'

const dir = tempDir('vetos-proveniq-demo-')
// Every listener on a free port, so this test runs beside others; the PROVENIQ service takes 8790 when free.
const ARGS = ['--demo', '--simulators', '--data-dir', dir, '--hl7-port', '0', '--dicom-port', '0']
// The demo's own reports still active, and the two made for demo patients (the exact and the possible match).
const ACTIVE = DEMO_REPORTS.filter((r) => !r.status).length + 2

let hub: RunningHub | null = null

/** The workstation's database, read as another process may while the hub runs (WAL). */
function local<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'vetos.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}
const listed = () => local<{ n: number }>('SELECT count(*) AS n FROM missing_pets')[0].n

/** The service's own database, opened once the hub (its one process) has stopped. */
async function atService(): Promise<{ members: string[]; reports: number; active: number; registrations: number }> {
  const db = await openPglite(join(dir, 'proveniq'), PROVENIQ_MIGRATIONS)
  try {
    const members = (await db.query<{ name: string }>('SELECT name FROM members WHERE revoked_at IS NULL ORDER BY name')).map((m) => m.name)
    const [{ reports, active }] = await db.query<{ reports: number; active: number }>("SELECT count(*)::int AS reports, count(*) FILTER (WHERE status = 'active')::int AS active FROM missing_reports")
    const [{ registrations }] = await db.query<{ registrations: number }>('SELECT count(*)::int AS registrations FROM chip_registry')
    return { members, reports, active, registrations }
  } finally {
    await db.close()
  }
}

const start = async () => {
  // The first start fills the demo clinic and creates the service's database (PGlite's first start is slow).
  hub = await startHubProcess(ARGS, 240_000)
  return hub
}

beforeAll(async () => {
  await start()
}, 300_000)

afterAll(async () => {
  await hub?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the demo on the PROVENIQ network', () => {
  let front: string
  let visit: { visit_id: string; patient_id: string; name: string; microchip_norm: string }

  it('starts the service beside the other simulators and follows its active list', async () => {
    expect(hub!.output()).toMatch(/\[proveniq\] PROVENIQ service \(PetMayday, PetLifeLog\) on http:\/\/127\.0\.0\.1:\d+/)
    await until(() => listed() === ACTIVE, 60_000, 'the seeded reports in the local list')
    const names = local<{ name: string }>('SELECT name FROM missing_pets').map((r) => r.name)
    for (const r of DEMO_REPORTS) expect(names.includes(r.name), r.name).toBe(!r.status)
    front = await apiSignIn(hub!, (s) => s.role === 'front_desk')
    const integrations = (await api(hub!, 'integrations.list', {}, front)).json.result as { kind: string; enabled: boolean; approval: { approvedByName: string; categories: string[] } | null; status: { state: string } }[]
    const mayday = integrations.filter((i) => i.kind === 'petmayday')
    const lifelog = integrations.filter((i) => i.kind === 'petlifelog')
    expect(mayday).toHaveLength(1)
    expect(lifelog).toHaveLength(1)
    expect(mayday[0]).toMatchObject({ enabled: true, approval: { approvedByName: 'Alex Morgan', categories: ['lost_pet_reports'] }, status: { state: 'connected' } })
    expect(lifelog[0]).toMatchObject({ enabled: true, approval: { approvedByName: 'Alex Morgan', categories: ['microchip', 'owner_contact'] } })
  })

  it('alerts the front desk and the vet, critically and by name, when the booked visit of the missing patient is checked in', async () => {
    const booked = local<typeof visit>(
      `SELECT v.id AS visit_id, p.id AS patient_id, p.name, p.microchip_norm FROM visits v JOIN patients p ON p.id = v.patient_id
        WHERE v.status = 'booked' AND p.microchip_norm IN (SELECT microchip_norm FROM missing_pets)`
    )
    expect(booked).toHaveLength(1)
    visit = booked[0]
    const checkedIn = await api(hub!, 'visits.setStatus', { id: visit.visit_id, status: 'checked_in' }, front)
    expect(checkedIn.json.ok, JSON.stringify(checkedIn.json)).toBe(true)

    const vet = await apiSignIn(hub!, (s) => s.role === 'veterinarian')
    for (const token of [front, vet]) {
      // The list's arrival already told the desk once; the check-in tells it again that the pet is here now.
      const alerts = async () =>
        ((await api(hub!, 'notifications.list', { limit: 200 }, token)).json.result as { kind: string; severity: string; title: string; body: string; patientId: string }[]).filter(
          (n) => n.kind === 'petmayday.missing' && n.patientId === visit.patient_id && n.title.includes('checked in')
        )
      let seen: Awaited<ReturnType<typeof alerts>> = []
      const end = Date.now() + 10_000
      while ((seen = await alerts()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ severity: 'critical', title: `${visit.name} is checked in and reported missing (PetMayday)` })
      expect(seen[0].body).toContain(`reported by ${DEMO_OTHER_CLINIC} (clinic)`)
    }

    const matches = (await api(hub!, 'proveniq.missingMatches', { patientId: visit.patient_id }, front)).json.result as { kind: string; microchip: string; name: string; filedBy: { name: string } }[]
    expect(matches).toEqual([expect.objectContaining({ kind: 'exact', microchip: visit.microchip_norm, name: visit.name, filedBy: { name: DEMO_OTHER_CLINIC, kind: 'clinic' } })])
  })

  it('raises only a possible match, a warning, for the patient sharing a name and species where its owner lives', async () => {
    const possible = local<{ patient_id: string; title: string; severity: string }>("SELECT patient_id, title, severity FROM notifications WHERE kind LIKE 'petmayday.%' AND patient_id != ?", visit.patient_id)
    expect(possible).toHaveLength(1)
    expect(possible[0].severity).toBe('warning')
    const matches = (await api(hub!, 'proveniq.missingMatches', { patientId: possible[0].patient_id }, front)).json.result as { kind: string; filedBy: { name: string } }[]
    expect(matches).toEqual([expect.objectContaining({ kind: 'possible', filedBy: { name: DEMO_SHELTER, kind: 'shelter' } })])
  })

  it('adds nothing on a second start: members, reports, registrations, integrations, approvals, alerts', async () => {
    await hub!.stop()
    hub = null
    const first = await atService()
    expect(first.members).toEqual(['County Animal Shelter', 'Lakewood Animal Hospital', 'Riverside Veterinary Clinic'])
    expect(first.active).toBe(ACTIVE)
    expect(first.reports).toBe(DEMO_REPORTS.length + 2)
    const localBefore = {
      integrations: local('SELECT id, config, approved_categories FROM integrations ORDER BY id'),
      audit: local("SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'integration.%' GROUP BY action ORDER BY action"),
      visits: local("SELECT id, status FROM visits WHERE status IN ('booked', 'checked_in') ORDER BY id"),
      notifications: local("SELECT id FROM notifications WHERE kind LIKE 'petmayday.%' ORDER BY id")
    }

    await start()
    expect(hub!.output()).toMatch(/\[proveniq\] PROVENIQ service \(PetMayday, PetLifeLog\) on http:\/\/127\.0\.0\.1:\d+: 3 members/)
    front = await apiSignIn(hub!, (s) => s.role === 'front_desk')
    const connected = async () => ((await api(hub!, 'integrations.list', {}, front)).json.result as { kind: string; status: { state: string } }[]).some((i) => i.kind === 'petmayday' && i.status.state === 'connected')
    for (const end = Date.now() + 60_000; !(await connected()); ) {
      if (Date.now() > end) throw new Error('timed out waiting for PetMayday to connect again')
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(listed()).toBe(ACTIVE)
    // The service is back on the port it had, so nothing changed: no new approval either.
    expect(local('SELECT id, config, approved_categories FROM integrations ORDER BY id')).toEqual(localBefore.integrations)
    expect(local("SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'integration.%' GROUP BY action ORDER BY action")).toEqual(localBefore.audit)
    expect(local("SELECT id, status FROM visits WHERE status IN ('booked', 'checked_in') ORDER BY id")).toEqual(localBefore.visits)
    expect(local("SELECT id FROM notifications WHERE kind LIKE 'petmayday.%' ORDER BY id")).toEqual(localBefore.notifications)

    await hub!.stop()
    hub = null
    expect(await atService()).toEqual(first)
  }, 300_000)
})
