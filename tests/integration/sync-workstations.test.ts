/**
 * Two workstations of one clinic and the central server on real PostgreSQL: each joins with the
 * enrollment code, receives the clinic (its administrator signs in), and what one records reaches
 * the other; changes made while the server is down arrive when it returns, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { createApp, type App } from '../../src-main/app'
import { newId } from '../../src-main/core/ids'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { freshDatabase, startTestServer, type TestDatabase, type TestServer } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { until } from '../helpers/wait'
import type { MethodInput, MethodName, MethodOutput } from '../../src-preload/contract'

interface Workstation {
  app: App
  dir: string
  token: string | null
  call<M extends MethodName>(method: M, input: MethodInput<M>): MethodOutput<M>
}

describe('two workstations of one clinic, synced through the central server', () => {
  let pg: TestDatabase
  let server: TestServer
  let clinicId: string
  let adminPin: string
  let code: string
  const stations: Workstation[] = []

  async function workstation(name: string): Promise<Workstation> {
    const dir = tempDir(`vetos-sync-${name}-`)
    const deviceId = newId()
    const e = await enrollWorkstation(server.url, code, deviceId, name)
    const app = createApp({ dataDir: dir, host: 'hub', log: () => {}, join: { deviceId, clinicId: e.clinicId, syncUrl: server.url, token: e.deviceToken } })
    await app.start()
    const w: Workstation = {
      app,
      dir,
      token: null,
      call(method, input) {
        const r = app.dispatch(method, input, w.token)
        if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
        return r.result as never
      }
    }
    stations.push(w)
    return w
  }

  /** Signs the clinic's administrator in, once the staff have arrived. */
  async function signIn(w: Workstation): Promise<void> {
    await until(() => w.app.services.staff.list().some((s) => s.username === 'admin'), 15_000, 'the clinic’s staff to arrive')
    const admin = w.app.services.staff.list().find((s) => s.username === 'admin')!
    w.token = w.call('auth.login', { staffId: admin.id, pin: adminPin }).token
  }

  const outboxEmpty = (w: Workstation) => (w.app.core.store.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0

  beforeAll(async () => {
    pg = await freshDatabase()
    server = await startTestServer(pg.url, 2000)
    ;({ clinicId, adminPin } = await createClinic(server.db, { name: 'Riverside', timezone: 'UTC', currency: 'USD' }))
    ;({ code } = await createEnrollment(server.db, clinicId))
  })
  afterAll(async () => {
    for (const w of stations) {
      await w.app.close()
      rmSync(w.dir, { recursive: true, force: true })
    }
    await server?.close()
    await pg?.drop()
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
    await until(() => (b.app.core.store.sqlite.prepare('SELECT count(*) FROM patients WHERE id = ?').pluck().get(patient.id) as number) === 1, 15_000, 'the patient on B')
    expect(b.call('patients.get', { id: patient.id }).owner.lastName).toBe('Quintana')
    b.call('patients.update', { id: patient.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered', color: 'tan' })
    await until(() => a.call('patients.get', { id: patient.id }).patient.color === 'tan', 15_000, 'the edit on A')
    await until(() => outboxEmpty(a) && outboxEmpty(b), 15_000, 'both outboxes to drain')
    const rows = await server.db.query('SELECT name, color FROM patients WHERE id = $1 AND clinic_id = $2', [patient.id, clinicId])
    expect(rows).toEqual([{ name: 'Pimienta', color: 'tan' }])
  })
})
