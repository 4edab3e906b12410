/**
 * The clinic's workstations, for administrators, through the contract on two joined workstations
 * and the central server on real PostgreSQL: the administrator at A lists both and revokes B with
 * their own PIN; B stops at once and says why, nothing more of B's reaches the server, A goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { joinWorkstation, syncedClinic, type SyncedClinic, type Workstation } from '../helpers/sync'
import { makeApp } from '../helpers/app'
import { until } from '../helpers/wait'
import type { SyncRevocation } from '../../src-preload/contract'

const REVOKED = "this workstation's access to the clinic server was revoked"

describe("the clinic's workstations, listed and revoked by an administrator", () => {
  let clinic: SyncedClinic
  let server: SyncedClinic['server']
  let a: Workstation
  let b: Workstation
  const stations: Workstation[] = []

  async function workstation(name: string): Promise<Workstation> {
    const w = await joinWorkstation(clinic, name)
    stations.push(w)
    await w.signIn()
    return w
  }

  /** Polls sync.devices (each call re-reads a stale list in the background) until the revocation is answered. */
  async function outcome(w: Workstation, asked: SyncRevocation): Promise<SyncRevocation> {
    let r = asked
    await until(() => (r = w.call('sync.devices', {}).revocations.find((x) => x.requestId === asked.requestId)!).state !== 'pending', 10_000, 'the server’s answer')
    return r
  }

  const count = async (sql: string, ...args: unknown[]) => Number((await server.db.query<{ n: string }>(sql, args))[0].n)

  beforeAll(async () => {
    clinic = await syncedClinic()
    server = clinic.server
    a = await workstation('front-desk')
    b = await workstation('exam-room')
  })
  afterAll(async () => {
    for (const w of stations) await w.close()
    await clinic?.close()
  })

  it('lists both workstations to the administrator, this one marked', async () => {
    await until(() => a.call('sync.devices', {}).readAt !== null, 10_000, 'the list from the server')
    const { devices, problem } = a.call('sync.devices', {})
    expect(problem).toBeNull()
    expect(devices.map((d) => [d.name, d.current, d.revokedAt])).toEqual([
      ['front-desk', true, null],
      ['exam-room', false, null]
    ])
    expect(Date.now() - Date.parse(devices[1].lastSeenAt!)).toBeLessThan(120_000)
  })

  it('is for administrators only, and for a workstation that joined a server', async () => {
    a.call('staff.create', { displayName: 'Desk', username: 'desk', role: 'front_desk', pin: '2468' })
    const desk = a.app.services.staff.list().find((s) => s.username === 'desk')!
    const deskToken = a.call('auth.login', { staffId: desk.id, pin: '2468' }).token
    expect(a.app.dispatch('sync.devices', {}, deskToken)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(a.app.dispatch('sync.revokeDevice', { deviceId: b.deviceId, pin: '2468', reason: 'test' }, deskToken)).toMatchObject({ ok: false, error: { code: 'forbidden' } })

    const alone = makeApp({ demo: false })
    try {
      const token = alone.call('auth.login', { staffId: alone.app.services.staff.list()[0].id, pin: alone.app.firstRunAdminPin! }).token
      expect(alone.raw('sync.devices', {}, token)).toMatchObject({ ok: false, error: { code: 'not-found', message: 'this workstation has not joined a clinic server' } })
    } finally {
      await alone.close()
    }
  })

  it('refuses a wrong PIN with the server’s reason, and revokes nothing', async () => {
    const wrong = clinic.adminPin === '000000' ? '111111' : '000000'
    const asked = a.call('sync.revokeDevice', { deviceId: b.deviceId, pin: wrong, reason: 'left the clinic' })
    expect(asked.state).toBe('pending')
    const r = await outcome(a, asked)
    expect(r).toMatchObject({ state: 'refused', deviceId: b.deviceId })
    expect(r.message).toMatch(/^wrong PIN for Administrator/)
    expect(await count('SELECT count(*) AS n FROM sync_device WHERE revoked_at IS NOT NULL')).toBe(0)
    expect(a.call('audit.list', { limit: 5 }).some((e) => e.action === 'sync.device.revoked' && e.outcome === 'refused')).toBe(true)
  })

  it('revokes B from A: B goes offline saying why, nothing more of B’s reaches the server, and A goes on', async () => {
    const pushedByB = await count('SELECT last_seq AS n FROM sync_device WHERE device_id = $1', b.deviceId)
    const r = await outcome(a, a.call('sync.revokeDevice', { deviceId: b.deviceId, pin: clinic.adminPin, reason: 'laptop stolen' }))
    expect(r).toMatchObject({ state: 'revoked', message: null })
    await until(() => a.call('sync.devices', {}).devices.find((d) => d.deviceId === b.deviceId)!.revokedAt !== null, 10_000, 'B revoked in the list')
    expect(a.call('sync.devices', {}).devices.find((d) => d.deviceId === b.deviceId)).toMatchObject({ revokedBy: 'Administrator', revokedFrom: 'front-desk', revokeReason: 'laptop stolen' })

    // B's long-polls are ended by the revocation: it stops at once and says why.
    await until(() => b.call('sync.status', {})!.detail === REVOKED, 5_000, 'B to say it was revoked')
    expect(b.call('sync.status', {})!.state).toBe('offline')
    // Its first read of the list (in the background) is refused with the same words.
    await until(() => !b.raw('sync.devices', {}).ok, 5_000, 'B’s list read to be refused')
    expect(b.raw('sync.devices', {})).toMatchObject({ ok: false, error: { code: 'conflict', message: REVOKED } })

    // B keeps working on its own; what it records stays with it.
    const onB = b.call('clients.create', { firstName: 'Held', lastName: 'Back', phones: [] })
    const onA = a.call('clients.create', { firstName: 'Goes', lastName: 'On', phones: [] })
    await until(() => (a.app.core.store.sqlite.prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 0, 15_000, 'A’s outbox to drain')
    expect(await count('SELECT count(*) AS n FROM clients WHERE id = $1', onA.id)).toBe(1)
    expect(await count('SELECT count(*) AS n FROM clients WHERE id = $1', onB.id)).toBe(0)
    expect(await count('SELECT last_seq AS n FROM sync_device WHERE device_id = $1', b.deviceId)).toBe(pushedByB)
    expect(b.call('sync.status', {})).toMatchObject({ state: 'offline', detail: REVOKED })
    expect(b.call('sync.status', {})!.pending).toBeGreaterThan(0)
    expect(a.call('sync.status', {})).toMatchObject({ state: 'online', detail: null })
    expect(a.call('audit.list', { limit: 20 }).some((e) => e.action === 'sync.device.revoked' && e.outcome === 'ok' && e.summary.includes('laptop stolen'))).toBe(true)
  })
})
