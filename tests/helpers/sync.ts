/**
 * A clinic on the central sync server (a fresh PostgreSQL database, the server in process) and the
 * workstations that join it: in process (createApp, as the hub builds it) or as hub processes.
 */
import { rmSync } from 'node:fs'
import { createApp, type App } from '../../src-main/app'
import { newId } from '../../src-main/core/ids'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { freshDatabase, startTestServer, type TestDatabase, type TestServer } from '../server/fixture'
import { tempDir } from './app'
import { api, type RunningHub } from './hub'
import { until } from './wait'
import type { ApiResponse, MethodInput, MethodName, MethodOutput } from '../../src-preload/contract'

export interface SyncedClinic {
  pg: TestDatabase
  server: TestServer
  clinicId: string
  adminPin: string
  /** an enrollment code that admits any number of workstations */
  code: string
  /** the hub flags that join a new data folder to this clinic */
  joinFlags: string[]
  close(): Promise<void>
}

export async function syncedClinic(liveTimeoutMs = 2000): Promise<SyncedClinic> {
  const pg = await freshDatabase()
  const server = await startTestServer(pg.url, liveTimeoutMs)
  const { clinicId, adminPin } = await createClinic(server.db, { name: 'Riverside', timezone: 'UTC', currency: 'USD' })
  const { code } = await createEnrollment(server.db, clinicId)
  return {
    pg,
    server,
    clinicId,
    adminPin,
    code,
    joinFlags: ['--sync-url', server.url, '--enroll', code],
    async close() {
      // The server may have been replaced by a restart: close the one running, then the database.
      await server.server.close()
      await server.db.close()
      await pg.drop()
    }
  }
}

export interface Workstation {
  app: App
  dir: string
  deviceId: string
  /** the signed-in administrator's session */
  token: string | null
  raw(method: MethodName, input: unknown): ApiResponse<unknown>
  call<M extends MethodName>(method: M, input: MethodInput<M>): MethodOutput<M>
  /** signs the clinic's administrator in, once the staff have arrived by sync */
  signIn(): Promise<void>
  close(): Promise<void>
}

/** An app on a data folder, joined to the clinic when `join` is given (its first start). */
export function openWorkstation(clinic: SyncedClinic, dir: string, deviceId: string, opts: { join?: { clinicId: string; token: string }; syncFetch?: typeof fetch } = {}): Workstation {
  const app = createApp({ dataDir: dir, host: 'hub', log: () => {}, syncFetch: opts.syncFetch, ...(opts.join ? { join: { deviceId, clinicId: opts.join.clinicId, syncUrl: clinic.server.url, token: opts.join.token } } : {}) })
  const w: Workstation = {
    app,
    dir,
    deviceId,
    token: null,
    // A method that waits on an outside service answers with a promise (await raw() for it); call() is for the others.
    raw: (method, input) => w.app.dispatch(method, input, w.token) as ApiResponse<unknown>,
    call(method, input) {
      const r = w.app.dispatch(method, input, w.token) as ApiResponse<unknown>
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
      return r.result as never
    },
    async signIn() {
      await until(() => w.app.services.staff.list().some((s) => s.username === 'admin'), 15_000, 'the clinic’s staff to arrive')
      w.token = w.call('auth.login', { staffId: w.app.services.staff.list().find((s) => s.username === 'admin')!.id, pin: clinic.adminPin }).token
    },
    /** closes the app now in use (a test may have reopened it) and removes its folder */
    async close() {
      await w.app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return w
}

/** A new data folder that joins the clinic with its enrollment code, started. */
export async function joinWorkstation(clinic: SyncedClinic, name: string, opts: { syncFetch?: typeof fetch } = {}): Promise<Workstation> {
  const deviceId = newId()
  const e = await enrollWorkstation(clinic.server.url, clinic.code, deviceId, name)
  const w = openWorkstation(clinic, tempDir(`vetos-${name}-`), deviceId, { join: { clinicId: e.clinicId, token: e.deviceToken }, syncFetch: opts.syncFetch })
  await w.app.start()
  return w
}

/** The clinic's administrator signed in over a hub process's API, once the staff have arrived by sync. */
export async function hubAdmin(hub: RunningHub, pin: string): Promise<string> {
  const end = Date.now() + 20_000
  for (;;) {
    const staff = (await api(hub, 'auth.staffList', {}, hub.token)).json.result as { id: string; displayName: string }[]
    const admin = staff.find((s) => s.displayName === 'Administrator')
    if (admin) return (await api(hub, 'auth.login', { staffId: admin.id, pin }, hub.token)).json.result.token
    if (Date.now() > end) throw new Error('the clinic’s staff never arrived on the hub')
    await new Promise((r) => setTimeout(r, 100))
  }
}
