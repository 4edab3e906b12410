/**
 * Audit anchoring end to end: a joined workstation's audit entries reach the clinic server; then its
 * local log is rewritten wholesale with a fresh, internally valid chain of the same length. The local
 * check alone still passes (that is what the anchor is for), while the anchor check, the verify
 * command and the workstation's sync all report the rewrite, and nothing is rewritten to hide it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { createApp, type App } from '../../src-main/app'
import { AuditLog, verifyChain } from '../../src-main/audit/chain'
import { newId } from '../../src-main/core/ids'
import { checkAnchor } from '../../src-main/sync/audit'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { freshDatabase, startTestServer, type TestDatabase, type TestServer } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { ROOT } from '../helpers/hub'
import { until } from '../helpers/wait'

/** The verify command as `npm run audit:verify` runs it, from source (asynchronously: the server answering it runs in this process). */
async function verifyCommand(dir: string): Promise<{ status: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src-main/audit-verify.ts', '--data-dir', dir], { cwd: ROOT, encoding: 'utf8' })
    return { status: 0, stdout }
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string }
    return { status: failed.code, stdout: failed.stdout + failed.stderr }
  }
}

describe('the audit chain anchored on the clinic server', () => {
  let pg: TestDatabase
  let server: TestServer
  let app: App | null = null
  let dir: string
  let deviceId: string
  let code: string
  let serverHashes: { seq: number; hash: string }[]
  const others: { app: App; dir: string }[] = []

  const localRows = (sqlite: Database.Database) => sqlite.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Record<string, unknown>[]
  const stored = async (device = deviceId) => server.db.query<{ seq: number; hash: string; entry: Record<string, unknown> }>('SELECT seq, hash, entry FROM sync_audit WHERE device_id = $1 ORDER BY seq', [device])
  const link = (sqlite: Database.Database) => ({ url: server.url, token: sqlite.prepare("SELECT value FROM device_meta WHERE key = 'sync_token'").pluck().get() as string, fetch })

  beforeAll(async () => {
    pg = await freshDatabase()
    server = await startTestServer(pg.url, 2000)
    const { clinicId } = await createClinic(server.db, { name: 'Riverside', timezone: 'UTC', currency: 'USD' })
    ;({ code } = await createEnrollment(server.db, clinicId))
    dir = tempDir('vetos-sync-audit-')
    deviceId = newId()
    const e = await enrollWorkstation(server.url, code, deviceId, 'front-desk')
    app = createApp({ dataDir: dir, host: 'hub', log: () => {}, join: { deviceId, clinicId: e.clinicId, syncUrl: server.url, token: e.deviceToken } })
    await app.start()
  })
  afterAll(async () => {
    for (const w of [...others, ...(app ? [{ app, dir }] : [])]) await w.app.close()
    for (const d of [dir, ...others.map((w) => w.dir)]) if (d) rmSync(d, { recursive: true, force: true })
    await server?.server.close()
    await server?.db.close()
    await pg?.drop()
  })

  it('pushes the workstation’s audit entries to the server, as they are, and keeps the server’s head as the anchor', async () => {
    for (let i = 0; i < 12; i++) app!.core.audit.append({ action: 'test.recorded', direction: 'internal', summary: `entry ${i}`, details: { i } })
    const { sqlite } = app!.core.store
    const local = localRows(sqlite)
    await expect.poll(async () => (await stored()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(local.length)
    const held = await stored()
    expect(held.slice(0, local.length).map((r) => r.entry)).toEqual(local)
    const [dev] = await server.db.query<{ audit_seq: number; audit_hash: string }>('SELECT audit_seq, audit_hash FROM sync_device WHERE device_id = $1', [deviceId])
    await until(() => sqlite.prepare("SELECT value FROM device_meta WHERE key = 'audit_anchor'").pluck().get() === `${dev.audit_seq}:${dev.audit_hash}`, 10_000, 'the anchor in device_meta')
    expect(await checkAnchor(sqlite, link(sqlite))).toEqual({ state: 'ok', seq: dev.audit_seq })
    expect(app!.services.sync!.status().detail).toBeNull()

    const verified = await verifyCommand(dir)
    expect(verified.stdout).toMatch(/Audit log intact/)
    expect(verified.stdout).toMatch(new RegExp(`Anchor verified: entry ${dev.audit_seq}`))
    expect(verified.status).toBe(0)
  })

  it('detects a log rewritten wholesale that the local check alone accepts, and never overwrites either copy', async () => {
    await app!.close()
    app = null
    serverHashes = (await stored()).map(({ seq, hash }) => ({ seq, hash }))

    // Someone with write access to the file replaces the whole log with a fresh, valid chain of the same length.
    const sqlite = new Database(join(dir, 'vetos.db'))
    const length = localRows(sqlite).length
    const clinicId = sqlite.prepare("SELECT value FROM device_meta WHERE key = 'clinic_id'").pluck().get() as string
    sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log')
    const forged = new AuditLog(sqlite, clinicId, deviceId)
    for (let i = 0; i < length; i++) forged.append({ action: 'test.recorded', direction: 'internal', summary: `nothing to see ${i}` })
    expect(verifyChain(sqlite)).toEqual({ ok: true, checked: length, firstBroken: null })

    const head = serverHashes.at(-1)!
    expect(await checkAnchor(sqlite, link(sqlite))).toEqual({ state: 'rewritten', seq: head.seq, message: `the clinic server holds entry ${head.seq} with another content: the local log was rewritten` })
    const forgedRows = localRows(sqlite)
    sqlite.close()

    const verified = await verifyCommand(dir)
    expect(verified.stdout).toMatch(/Audit log intact/)
    expect(verified.stdout).toMatch(new RegExp(`REWRITTEN: the clinic server holds entry ${head.seq} with another content`))
    expect(verified.status).toBe(1)

    // The workstation starts again and syncs: its status names the first entry that differs.
    app = createApp({ dataDir: dir, host: 'hub', log: () => {} })
    await app.start()
    const sync = app.services.sync!
    await until(() => /audit log differs from the copy on the clinic server from entry 1\b/.test(sync.status().detail ?? ''), 15_000, 'the conflict in the sync status')
    expect(sync.status().detail).toBe("this workstation's audit log differs from the copy on the clinic server from entry 1: it was rewritten here; audit entries are no longer sent")
    // Neither copy was changed to make them agree.
    expect((await stored()).map(({ seq, hash }) => ({ seq, hash }))).toEqual(serverHashes)
    expect(localRows(app.core.store.sqlite).slice(0, forgedRows.length)).toEqual(forgedRows)
  })

  it('detects a log rewritten under a running workstation when its next entries no longer continue the server’s copy', async () => {
    const otherDir = tempDir('vetos-sync-audit-')
    const otherId = newId()
    const e = await enrollWorkstation(server.url, code, otherId, 'exam-room')
    const other = createApp({ dataDir: otherDir, host: 'hub', log: () => {}, join: { deviceId: otherId, clinicId: e.clinicId, syncUrl: server.url, token: e.deviceToken } })
    others.push({ app: other, dir: otherDir })
    await other.start()
    for (let i = 0; i < 5; i++) other.core.audit.append({ action: 'test.recorded', direction: 'internal', summary: `entry ${i}` })
    const length = (other.core.store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number)
    await expect.poll(async () => (await stored(otherId)).length, { timeout: 15_000 }).toBe(length)

    // Rewritten through a second connection while the app runs, two entries longer.
    const sqlite = new Database(join(otherDir, 'vetos.db'))
    sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log')
    const forged = new AuditLog(sqlite, e.clinicId, otherId)
    for (let i = 0; i < length + 2; i++) forged.append({ action: 'test.recorded', direction: 'internal', summary: `nothing to see ${i}` })
    sqlite.close()
    other.services.sync!.nudge()
    await until(() => /differs from the copy on the clinic server from entry 1:/.test(other.services.sync!.status().detail ?? ''), 15_000, 'the conflict in the sync status')
    expect(await stored(otherId)).toHaveLength(length)
  })

  it('says the anchor could not be checked while the server is away, and judges by the local chain alone', async () => {
    await app!.close()
    app = null
    await server.server.close()
    const verified = await verifyCommand(dir)
    expect(verified.stdout).toMatch(/Audit log intact/)
    expect(verified.stdout).toMatch(/Could not check the anchor on the clinic server/)
    expect(verified.status).toBe(0)
  })
})
