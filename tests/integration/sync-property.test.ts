/**
 * Property: whatever three workstations of one clinic do, online or cut off from the server in any
 * order, once every link heals they all hold exactly what PostgreSQL holds for the clinic, every
 * mutation was applied once, and no outbox keeps anything. fast-check generates the schedules
 * (seeded and bounded; a failure prints the seed and the schedule to replay).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import fc from 'fast-check'
import { createApp, type App } from '../../src-main/app'
import { newId } from '../../src-main/core/ids'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { freshDatabase, startTestServer, type TestDatabase, type TestServer } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { until } from '../helpers/wait'

interface Station {
  app: App
  dir: string
  online: boolean
  token: string
}

type Op =
  | { kind: 'client'; at: number; last: string }
  | { kind: 'rename'; at: number; pick: number; last: string }
  | { kind: 'patient'; at: number; pick: number; name: string }
  | { kind: 'edit-patient'; at: number; pick: number; color: string }
  | { kind: 'deceased'; at: number; pick: number }
  | { kind: 'offline'; at: number }
  | { kind: 'online'; at: number }

const NAMES = ['Adair', 'Baptiste', 'Chen', 'Dubois', 'Eze', 'Farouk', 'García', "O'Neill"]

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('client' as const), at: fc.nat(2), last: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(2), pick: fc.nat(), last: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('patient' as const), at: fc.nat(2), pick: fc.nat(), name: fc.constantFrom('Luna', 'Max', 'Bella', 'Milo') }),
  fc.record({ kind: fc.constant('edit-patient' as const), at: fc.nat(2), pick: fc.nat(), color: fc.constantFrom('black', 'tan', 'white', 'brindle') }),
  fc.record({ kind: fc.constant('deceased' as const), at: fc.nat(2), pick: fc.nat() }),
  fc.record({ kind: fc.constant('offline' as const), at: fc.nat(2) }),
  fc.record({ kind: fc.constant('online' as const), at: fc.nat(2) })
)

describe('sync converges whatever the workstations do and whenever they are cut off', () => {
  let pg: TestDatabase
  let server: TestServer
  let clinicId: string
  const stations: Station[] = []

  beforeAll(async () => {
    pg = await freshDatabase()
    server = await startTestServer(pg.url, 1000)
    ;({ clinicId } = await createClinic(server.db, { name: 'Riverside', timezone: 'UTC', currency: 'USD' }))
    const { code } = await createEnrollment(server.db, clinicId)
    for (let i = 0; i < 3; i++) {
      const dir = tempDir(`vetos-prop-${i}-`)
      const deviceId = newId()
      const e = await enrollWorkstation(server.url, code, deviceId, `ws-${i}`)
      const station = { dir, online: true, token: '' } as Station
      // A workstation cut off from the server: its requests fail as on a pulled cable.
      const cable: typeof fetch = (input, init) => (station.online ? fetch(input, init) : Promise.reject(new TypeError('fetch failed: network unreachable')))
      station.app = createApp({ dataDir: dir, host: 'hub', log: () => {}, join: { deviceId, clinicId: e.clinicId, syncUrl: server.url, token: e.deviceToken }, syncFetch: cable })
      await station.app.start()
      stations.push(station)
    }
    for (const s of stations) {
      await until(() => s.app.services.staff.list().some((m) => m.username === 'admin'), 20_000, 'the administrator to arrive')
      const admin = s.app.services.staff.list().find((m) => m.username === 'admin')!
      s.token = admin.id
    }
  }, 120_000)
  afterAll(async () => {
    for (const s of stations) {
      await s.app.close()
      rmSync(s.dir, { recursive: true, force: true })
    }
    await server?.close()
    await pg?.drop()
  })

  const actor = (s: Station) => ({ id: s.token, name: 'Administrator', role: 'admin' as const })
  const ids = (s: Station, table: string) => s.app.core.store.sqlite.prepare(`SELECT id FROM ${table} WHERE deleted_at IS NULL ORDER BY id`).pluck().all() as string[]

  function run(o: Op): void {
    const s = stations[o.at]
    const { clients, patients } = s.app.services
    const pick = (table: string, n: number) => {
      const all = ids(s, table)
      return all.length ? all[n % all.length] : null
    }
    switch (o.kind) {
      case 'client':
        clients.create(actor(s), { firstName: 'Ana', lastName: o.last, phones: [{ label: 'mobile', number: '555-0100' }] })
        break
      case 'rename': {
        const id = pick('clients', o.pick)
        // Contacts are replaced as a set: the old ones become tombstones.
        if (id) clients.update(actor(s), id, { firstName: 'Ana', lastName: o.last, phones: [{ label: 'mobile', number: `555-01${String(o.pick % 100).padStart(2, '0')}` }] })
        break
      }
      case 'patient': {
        const id = pick('clients', o.pick)
        if (id) patients.create(actor(s), { clientId: id, name: o.name, species: 'canine', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
        break
      }
      case 'edit-patient': {
        const id = pick('patients', o.pick)
        if (id) {
          const p = patients.get(id).patient
          patients.update(actor(s), { id, name: p.name, species: p.species, sex: p.sex, neuterStatus: p.neuterStatus, dobEstimated: false, color: o.color })
        }
        break
      }
      case 'deceased': {
        const id = pick('patients', o.pick)
        if (id) {
          const p = patients.get(id).patient
          patients.update(actor(s), { id, name: p.name, species: p.species, sex: p.sex, neuterStatus: p.neuterStatus, dobEstimated: false, color: p.color, deceasedAt: '2026-11-30' })
        }
        break
      }
      case 'offline':
        s.online = false
        break
      case 'online':
        s.online = true
        s.app.services.sync!.nudge()
        break
    }
  }

  /** What a workstation holds of the clinic's clients and patients, in one canonical form. */
  const local = (s: Station) => ({
    clients: s.app.core.store.sqlite.prepare('SELECT id, first_name, last_name, deleted_at FROM clients ORDER BY id').all(),
    patients: s.app.core.store.sqlite.prepare('SELECT id, client_id, name, color, deceased_at, deleted_at FROM patients ORDER BY id').all()
  })
  const central = async () => ({
    clients: await server.db.query('SELECT id, first_name, last_name, deleted_at FROM clients WHERE clinic_id = $1 ORDER BY id', [clinicId]),
    patients: await server.db.query('SELECT id, client_id, name, color, deceased_at, deleted_at FROM patients WHERE clinic_id = $1 ORDER BY id', [clinicId])
  })
  const drained = (s: Station) => (s.app.core.store.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0

  it('converges: every workstation equals PostgreSQL, each mutation applied once, no outbox left', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          run(o)
          // Let some pushes and shape batches interleave with the next operations.
          if (o.kind === 'online' || o.kind === 'offline') await new Promise((r) => setImmediate(r))
        }
        for (const s of stations) {
          s.online = true
          s.app.services.sync!.nudge()
        }
        await until(() => stations.every(drained), 30_000, 'every outbox to drain')
        const want = await central()
        let last = ''
        await until(
          () => {
            const have = stations.map(local)
            last = JSON.stringify(have.map((h, i) => (JSON.stringify(h) === JSON.stringify(want) ? 'equal' : `station ${i} differs`)))
            return have.every((h) => JSON.stringify(h) === JSON.stringify(want))
          },
          30_000,
          `every workstation to equal PostgreSQL (${last})`
        )
        const twice = await server.db.query('SELECT mutation_id FROM sync_mutation GROUP BY mutation_id HAVING count(*) > 1')
        expect(twice).toEqual([])
        const refused = stations.flatMap((s) => s.app.services.sync!.status().rejected)
        expect(refused).toEqual([])
      }),
      { numRuns: Number(process.env.VETOS_SYNC_RUNS ?? 6), seed: Number(process.env.VETOS_SYNC_SEED ?? Date.now() % 100000) }
    )
  })
})
