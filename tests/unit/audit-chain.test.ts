import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { makeApp, type TestApp } from '../helpers/app'
import { verifyChain } from '../../src-main/audit/chain'
import { ROOT } from '../helpers/hub'

/** Tampering goes around the app: a second connection that first drops the append-only triggers. */
function tamper(t: TestApp, sql: string): void {
  const db = new Database(join(t.dir, 'vetos.db'))
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;')
  db.exec(sql)
  db.close()
}

describe('audit log hash chain', () => {
  let t: TestApp
  beforeEach(() => {
    t = makeApp()
    t.signIn('front_desk')
    for (let i = 0; i < 5; i++) t.call('clients.create', { firstName: 'Ann', lastName: `Tester${i}`, phones: [] })
  })
  afterEach(() => t.close())

  it('verifies an untouched log', () => {
    const r = t.call('audit.verify', {})
    expect(r.ok).toBe(true)
    expect(r.checked).toBeGreaterThan(10)
  })

  it('refuses UPDATE and DELETE through SQLite itself', () => {
    expect(() => t.app.core.store.sqlite.prepare("UPDATE audit_log SET summary = 'x' WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => t.app.core.store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/)
  })

  it('names the first entry whose contents were edited', async () => {
    await t.app.close()
    tamper(t, "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 4")
    const db = new Database(join(t.dir, 'vetos.db'), { readonly: true })
    const r = verifyChain(db)
    db.close()
    expect(r.ok).toBe(false)
    expect(r.firstBroken).toMatchObject({ seq: 4, reason: expect.stringMatching(/edited/) })
    expect(r.checked).toBe(3)
    t.app = makeApp({ dir: t.dir }).app // reopen so afterEach can close it
  })

  it('detects a removed entry, a reordering and removal of the newest entries', async () => {
    await t.app.close()
    const db = new Database(join(t.dir, 'vetos.db'))
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;')
    const count = (db.prepare('SELECT count(*) n FROM audit_log').get() as { n: number }).n

    const snapshot = db.prepare('SELECT * FROM audit_log ORDER BY seq').all()
    const restore = () => {
      db.exec('DELETE FROM audit_log')
      const ins = db.prepare(`INSERT INTO audit_log VALUES (${Object.keys(snapshot[0] as object).map(() => '?').join(',')})`)
      for (const row of snapshot) ins.run(...Object.values(row as object))
      expect(verifyChain(db).ok).toBe(true)
    }

    db.exec('DELETE FROM audit_log WHERE seq = 3')
    expect(verifyChain(db).firstBroken).toMatchObject({ seq: 4, reason: expect.stringMatching(/entry 3 is missing/) })
    restore()

    // swap two entries' contents, keeping seq in place
    db.exec('UPDATE audit_log SET seq = -5 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = -5')
    expect(verifyChain(db).firstBroken?.seq).toBe(5)
    restore()

    db.exec(`DELETE FROM audit_log WHERE seq >= ${count - 1}`)
    expect(verifyChain(db).firstBroken).toMatchObject({ reason: expect.stringMatching(/newest entries were removed/) })
    db.close()
    t.app = makeApp({ dir: t.dir }).app
  })

  it('the verify command exits 1 and names the broken entry', async () => {
    const cli = join(ROOT, 'out', 'main', 'audit-verify.js')
    if (!existsSync(cli)) throw new Error('out/main/audit-verify.js missing: run npm run build (npm test does)')
    await t.app.close()
    const ok = execFileSync(process.execPath, [cli, '--data-dir', t.dir], { encoding: 'utf8' })
    expect(ok).toMatch(/Audit log intact: \d+ entries/)
    tamper(t, "UPDATE audit_log SET actor_name = 'Someone else' WHERE seq = 2")
    let failed: { status: number; stdout: string } | null = null
    try {
      execFileSync(process.execPath, [cli, '--data-dir', t.dir], { encoding: 'utf8' })
    } catch (e) {
      failed = e as { status: number; stdout: string }
    }
    expect(failed?.status).toBe(1)
    expect(failed?.stdout).toMatch(/BROKEN at entry 2/)
    t.app = makeApp({ dir: t.dir }).app
  })
})
