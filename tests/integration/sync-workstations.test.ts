/**
 * Two workstations of one clinic and the central server on real PostgreSQL: each joins with the
 * enrollment code, receives the clinic (its administrator signs in), and what one records reaches
 * the other; changes made while the server is down arrive when it returns, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { createApp } from '../../src-main/app'
import { startSyncServer } from '../../src-server/sync/http'
import { joinWorkstation, syncedClinic, type SyncedClinic, type Workstation } from '../helpers/sync'
import { until } from '../helpers/wait'
import { SYNCED } from '../../src-main/sync/tables'

const SYNCED_TABLES = SYNCED.size

describe('two workstations of one clinic, synced through the central server', () => {
  let clinic: SyncedClinic
  let server: SyncedClinic['server']
  let clinicId: string
  const stations: Workstation[] = []

  async function workstation(name: string): Promise<Workstation> {
    const w = await joinWorkstation(clinic, name)
    stations.push(w)
    return w
  }

  const signIn = (w: Workstation) => w.signIn()

  const outboxEmpty = (w: Workstation) => (w.app.core.store.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0

  beforeAll(async () => {
    clinic = await syncedClinic()
    server = clinic.server
    clinicId = clinic.clinicId
  })
  afterAll(async () => {
    for (const w of stations) await w.close()
    await clinic?.close()
  })

  it('joins the clinic: its name and its administrator arrive, and the administrator signs in', async () => {
    const a = await workstation('front-desk')
    await signIn(a)
    await until(() => a.app.services.clinic.find()?.name === 'Riverside', 10_000, 'the clinic row')
    expect(a.call('app.info', {}).clinicName).toBe('Riverside')
    await until(() => a.call('sync.status', {})!.tablesReady === a.call('sync.status', {})!.tables, 15_000, 'the first sync')
  })

  it('shows a client and patient recorded at one workstation on the other, and an edit made there back on the first', async () => {
    const [a] = stations
    const b = await workstation('exam-room')
    await signIn(b)
    const client = a.call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const patient = a.call('patients.create', { clientId: client.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered' })
    // Each table is its own shape: the patient and its owner may land a moment apart.
    const onB = (table: string, id: string) => (b.app.core.store.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE id = ?`).pluck().get(id) as number) === 1
    await until(() => onB('patients', patient.id) && onB('clients', client.id), 15_000, 'the patient and its owner on B')
    expect(b.call('patients.get', { id: patient.id }).owner.lastName).toBe('Quintana')
    b.call('patients.update', { id: patient.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered', color: 'tan' })
    await until(() => a.call('patients.get', { id: patient.id }).patient.color === 'tan', 15_000, 'the edit on A')
    await until(() => outboxEmpty(a) && outboxEmpty(b), 15_000, 'both outboxes to drain')
    const rows = await server.db.query('SELECT name, color FROM patients WHERE id = $1 AND clinic_id = $2', [patient.id, clinicId])
    expect(rows).toEqual([{ name: 'Pimienta', color: 'tan' }])
  })

  it('takes its own append-only records back from the server without a hitch, and goes on following', async () => {
    const [a, b] = stations
    const client = a.call('clients.create', { firstName: 'Lena', lastName: 'Vogel', phones: [] })
    const patient = a.call('patients.create', { clientId: client.id, name: 'Brezel', species: 'canine', sex: 'male', neuterStatus: 'intact' })
    a.call('patients.recordWeight', { patientId: patient.id, weightKg: 12.5 })
    const count = (w: Workstation, table: string) => w.app.core.store.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE patient_id = ?`).pluck().get(patient.id) as number
    const onB = (table: string, id: string) => (b.app.core.store.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE id = ?`).pluck().get(id) as number) === 1
    await until(() => count(b, 'patient_weights') === 1 && onB('patients', patient.id), 15_000, 'the patient and its weight on B')
    // The weight came back to A too (its triggers refuse any UPDATE): later changes still flow both ways.
    await until(() => outboxEmpty(a), 15_000, 'A’s outbox to drain')
    b.call('patients.update', { id: patient.id, name: 'Brezel', species: 'canine', sex: 'male', neuterStatus: 'intact', color: 'red' })
    await until(() => a.call('patients.get', { id: patient.id }).patient.color === 'red', 15_000, 'B’s edit on A')
    a.call('patients.recordWeight', { patientId: patient.id, weightKg: 12.9 })
    await until(() => count(b, 'patient_weights') === 2, 15_000, 'the second weight on B')
    expect(a.call('sync.status', {})!.detail).toBeNull()
  })

  it('keeps working while the server is down and delivers everything, once, when it returns', async () => {
    const [a, b] = stations
    const port = Number(new URL(server.url).port)
    await server.server.close()
    const client = a.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
    const offline = Array.from({ length: 20 }, (_, i) => a.call('patients.create', { clientId: client.id, name: `Offline ${i}`, species: 'feline', sex: 'male', neuterStatus: 'neutered' }))
    const note = b.call('clients.create', { firstName: 'Noor', lastName: 'Haddad', phones: [] })
    await until(() => a.call('sync.status', {})!.state === 'offline', 15_000, 'A to say it is offline')
    expect(a.call('sync.status', {})!.pending).toBeGreaterThanOrEqual(21)
    server.server = await startSyncServer({ db: server.db, port, liveTimeoutMs: 2000 })
    const count = (w: Workstation, sql: string, ...args: unknown[]) => w.app.core.store.sqlite.prepare(sql).pluck().get(...args) as number
    await until(() => count(b, 'SELECT count(*) FROM patients WHERE client_id = ?', client.id) === 20 && count(a, 'SELECT count(*) FROM clients WHERE id = ?', note.id) === 1, 20_000, 'both sides to converge')
    await until(() => outboxEmpty(a) && outboxEmpty(b), 20_000, 'both outboxes to drain')
    expect(a.call('sync.status', {})).toMatchObject({ state: 'online', pending: 0, rejected: [] })
    // Each mutation was applied once, and Postgres holds exactly what the workstations hold.
    const [{ n }] = await server.db.query<{ n: string }>('SELECT count(*) AS n FROM sync_mutation GROUP BY mutation_id HAVING count(*) > 1 UNION ALL SELECT 0')
    expect(Number(n)).toBe(0)
    const names = (await server.db.query<{ name: string }>('SELECT name FROM patients WHERE clinic_id = $1 ORDER BY name', [clinicId])).map((r) => r.name)
    for (const w of [a, b]) expect((w.app.core.store.sqlite.prepare('SELECT name FROM patients ORDER BY name').pluck().all() as string[])).toEqual(names)
    expect(offline.map((p) => p.name).every((name) => names.includes(name))).toBe(true)
  })

  it('resumes every shape from where it stopped after a restart, without reading the clinic again', async () => {
    const [a, b] = stations
    await a.app.close()
    const omar = b.call('clients.create', { firstName: 'Omar', lastName: 'Farouk', phones: [] })
    const asked: string[] = []
    const recording: typeof fetch = (input, init) => {
      asked.push(String(input instanceof Request ? input.url : input))
      return fetch(input, init)
    }
    const app = createApp({ dataDir: a.dir, host: 'hub', log: () => {}, syncFetch: recording })
    await app.start()
    a.app = app
    await until(() => (app.core.store.sqlite.prepare('SELECT count(*) FROM clients WHERE id = ?').pluck().get(omar.id) as number) === 1, 15_000, 'the client recorded on B while A was closed')
    const shapes = asked.filter((u) => u.includes('/v1/shape'))
    expect(shapes.length).toBeGreaterThan(0)
    expect(shapes.filter((u) => new URL(u).searchParams.get('offset') === '-1')).toEqual([])
  })

  it('stops asking the server once closed: no shape or push request leaves after close', async () => {
    const [, b] = stations
    let asked = 0
    const counting: typeof fetch = (input, init) => {
      asked++
      return fetch(input, init)
    }
    const app = createApp({ dataDir: b.dir, host: 'hub', log: () => {}, syncFetch: counting })
    await b.app.close()
    await app.start()
    b.app = app
    await until(() => asked > SYNCED_TABLES, 15_000, 'B to follow every table again')
    await app.close()
    const atClose = asked
    // Live requests end after 2 s here: a stream left running would have asked again twice over.
    await new Promise((r) => setTimeout(r, 5000))
    expect(asked).toBe(atClose)
    b.app = createApp({ dataDir: b.dir, host: 'hub', log: () => {} })
    await b.app.start()
  })

  it('keeps a large first sync in parts: a workstation closed halfway resumes after the last part it kept and counts the table only once whole', async () => {
    const ROWS = 26_000
    await server.db.query(
      `INSERT INTO clients (id, clinic_id, created_at, updated_at, first_name, last_name, first_name_norm, last_name_norm)
       SELECT 'bulk-' || lpad(i::text, 5, '0'), $1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z-0000-bulk0000', 'Bulk', 'Client ' || i, 'bulk', 'client ' || i FROM generate_series(1, $2::int) AS i`,
      [clinicId, ROWS]
    )
    // Slow pages, so the test can close the workstation between two of them.
    const asked: string[] = []
    const slow: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      asked.push(url)
      if (new URL(url).searchParams.get('table') === 'clients') await new Promise((r) => setTimeout(r, 150))
      return fetch(input, init)
    }
    const c = await joinWorkstation(clinic, 'pharmacy', { syncFetch: slow })
    stations.push(c)
    const sqlite = () => c.app.core.store.sqlite
    const bulk = () => sqlite().prepare("SELECT count(*) FROM clients WHERE id LIKE 'bulk-%'").pluck().get() as number
    await until(() => bulk() >= 10_000, 30_000, 'the first pages of clients')
    const shape = () => sqlite().prepare("SELECT ready, offset FROM sync_shapes WHERE tbl = 'clients'").get() as { ready: number; offset: string }
    expect(shape().ready).toBe(0)
    expect(c.app.services.sync!.status().tablesReady).toBeLessThan(SYNCED_TABLES)
    const file = sqlite().name
    await c.app.close()
    // What the closed workstation kept, read from its database file.
    const closed = new Database(file, { readonly: true })
    const kept = closed.prepare("SELECT count(*) FROM clients WHERE id LIKE 'bulk-%'").pluck().get() as number
    const resumeAt = (closed.prepare("SELECT offset FROM sync_shapes WHERE tbl = 'clients'").pluck().get() as string)
    closed.close()
    expect(kept).toBeGreaterThanOrEqual(10_000)
    expect(kept).toBeLessThan(ROWS)

    asked.length = 0
    c.app = createApp({ dataDir: c.dir, host: 'hub', log: () => {}, syncFetch: slow })
    await c.app.start()
    await until(() => bulk() === ROWS && shape().ready === 1, 30_000, 'the rest of the clients')
    const clientsAsked = asked.filter((u) => new URL(u).searchParams.get('table') === 'clients')
    expect(new URL(clientsAsked[0]).searchParams.get('offset')).toBe(resumeAt)
    await until(() => c.app.services.sync!.status().tablesReady === SYNCED_TABLES, 15_000, 'every table ready')
  }, 90_000)
})
