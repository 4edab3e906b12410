import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { openDatabase, DatabaseTooNewError, findMigrationsDir } from '../../src-main/db/open'
import { tempDir } from '../helpers/app'

/** A copy of the migrations as an older VetOS had them: those before `tag`. */
function migrationsBefore(dir: string, tag: string): string {
  const old = join(dir, `drizzle-before-${tag}`)
  cpSync(findMigrationsDir(), old, { recursive: true })
  const journalFile = join(old, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] }
  journal.entries = journal.entries.filter((e) => e.tag < tag)
  writeFileSync(journalFile, JSON.stringify(journal))
  return old
}

describe('migrations', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('build the whole schema on an empty database, with the append-only triggers', () => {
    const dir = tempDir()
    dirs.push(dir)
    const { sqlite } = openDatabase(join(dir, 'v.db'))
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all().map((r) => (r as { name: string }).name)
    expect(tables).toEqual(expect.arrayContaining(['clinics', 'staff', 'clients', 'client_contacts', 'patients', 'patient_weights', 'patient_alerts', 'visits', 'clinical_notes', 'integrations', 'audit_log', 'outbox', 'notifications']))
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all().map((r) => (r as { name: string }).name)
    for (const t of ['audit_log', 'patient_weights', 'patient_alerts', 'clinical_notes', 'lab_order_events', 'lab_reports', 'lab_observations', 'lab_report_links']) {
      expect(triggers).toContain(`${t}_no_update`)
      expect(triggers).toContain(`${t}_no_delete`)
    }
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    // every synced table carries the sync columns
    for (const t of ['clients', 'patients', 'visits', 'clinical_notes', 'patient_weights']) {
      const cols = sqlite.prepare(`PRAGMA table_info(${t})`).all().map((c) => (c as { name: string }).name)
      expect(cols).toEqual(expect.arrayContaining(['id', 'clinic_id', 'created_at', 'updated_at', 'deleted_at', 'server_version']))
    }
    sqlite.close()
  })

  it('are idempotent: reopening changes nothing', () => {
    const dir = tempDir()
    dirs.push(dir)
    openDatabase(join(dir, 'v.db')).sqlite.close()
    const { sqlite } = openDatabase(join(dir, 'v.db'))
    const journal = JSON.parse(readFileSync(join(findMigrationsDir(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
    expect((sqlite.prepare('SELECT count(*) n FROM __drizzle_migrations').get() as { n: number }).n).toBe(journal.entries.length)
    sqlite.close()
  })

  it('index the rows of every waiting outbox mutation (0015), and keep the index with the outbox', () => {
    const dir = tempDir()
    dirs.push(dir)
    const before = openDatabase(join(dir, 'v.db'), migrationsBefore(dir, '0015')).sqlite
    before.prepare(`INSERT INTO outbox (mutation_id, changes, hlc, schema_version, status) VALUES ('m1', '[["clients","c1","insert","h",null],["patients","p1","insert","h",null]]', 'h', 1, 'pending')`).run()
    before.close()
    const { sqlite } = openDatabase(join(dir, 'v.db'))
    const rows = () => sqlite.prepare('SELECT seq, tbl, row_id FROM outbox_rows ORDER BY seq, tbl').all()
    expect(rows()).toEqual([{ seq: 1, tbl: 'clients', row_id: 'c1' }, { seq: 1, tbl: 'patients', row_id: 'p1' }])
    sqlite.prepare(`INSERT INTO outbox (mutation_id, changes, hlc, schema_version, status) VALUES ('m2', '[["patients","p1","update","h",{"name":"Moss"}]]', 'h', 1, 'pending')`).run()
    sqlite.prepare('DELETE FROM outbox WHERE seq = 1').run()
    expect(rows()).toEqual([{ seq: 2, tbl: 'patients', row_id: 'p1' }])
    // Shapes already followed were whole before pages were kept one by one.
    expect(sqlite.prepare('PRAGMA table_info(sync_shapes)').all().map((c) => (c as { name: string }).name)).toContain('ready')
    sqlite.close()
  })

  it('turn the per-row outbox of an older database into one-change mutations, keeping what was waiting', () => {
    const dir = tempDir()
    dirs.push(dir)
    // the migrations as they were before the outbox held one row per transaction
    const before = openDatabase(join(dir, 'v.db'), migrationsBefore(dir, '0007')).sqlite
    before.prepare("INSERT INTO outbox (mutation_id, tbl, row_id, op, payload, hlc, schema_version, status) VALUES ('m1', 'patients', 'p1', 'update', '{\"name\":\"Moss\"}', 'h1', 1, 'pending')").run()
    before.close()
    const { sqlite } = openDatabase(join(dir, 'v.db'))
    const rows = sqlite.prepare('SELECT mutation_id, changes, hlc, status FROM outbox').all() as { mutation_id: string; changes: string; hlc: string; status: string }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ mutation_id: 'm1', hlc: 'h1', status: 'pending' })
    expect(JSON.parse(rows[0].changes)).toEqual([['patients', 'p1', 'update', 'h1', { name: 'Moss' }]])
    sqlite.close()
  })

  it('list what already waits for review when the review queues arrive, and keep them right after', () => {
    const dir = tempDir()
    dirs.push(dir)
    const before = openDatabase(join(dir, 'v.db'), migrationsBefore(dir, '0010')).sqlite
    const report = before.prepare("INSERT INTO lab_reports (id, clinic_id, created_at, updated_at, inbound_id, status, identifiers) VALUES (?, 'c', 't', 'h', 'in', 'F', '{}')")
    const link = before.prepare("INSERT INTO lab_report_links (id, clinic_id, created_at, updated_at, report_id, action, patient_id, automatic, reason) VALUES (?, 'c', 't', 'h', ?, ?, 'p1', 0, 'why')")
    for (const r of ['never-linked', 'attached', 'detached', 'rejected']) report.run(r)
    link.run('l1', 'attached', 'attach')
    link.run('l2', 'detached', 'attach')
    link.run('l3', 'detached', 'detach')
    link.run('l4', 'rejected', 'reject')
    before.close()
    const { sqlite } = openDatabase(join(dir, 'v.db'))
    const pending = () => sqlite.prepare('SELECT report_id FROM lab_review_pending ORDER BY report_seq').pluck().all()
    expect(pending()).toEqual(['never-linked', 'detached'])
    // from here the triggers keep it: a new report waits, an attach takes it out, a detach puts it back
    sqlite.prepare("INSERT INTO lab_reports (id, clinic_id, created_at, updated_at, inbound_id, status, identifiers) VALUES ('new', 'c', 't', 'h', 'in', 'F', '{}')").run()
    sqlite.prepare("INSERT INTO lab_report_links (id, clinic_id, created_at, updated_at, report_id, action, patient_id, automatic, reason) VALUES ('l5', 'c', 't', 'h', 'never-linked', 'attach', 'p1', 0, 'why')").run()
    sqlite.prepare("INSERT INTO lab_report_links (id, clinic_id, created_at, updated_at, report_id, action, patient_id, automatic, reason) VALUES ('l6', 'c', 't', 'h', 'attached', 'detach', 'p1', 0, 'why')").run()
    expect(pending()).toEqual(['attached', 'detached', 'new'])
    sqlite.close()
  })

  it('refuse a database written by a newer VetOS', () => {
    const dir = tempDir()
    dirs.push(dir)
    openDatabase(join(dir, 'v.db')).sqlite.close()
    const raw = new Database(join(dir, 'v.db'))
    raw.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)").run()
    raw.close()
    expect(() => openDatabase(join(dir, 'v.db'))).toThrow(DatabaseTooNewError)
  })
})
