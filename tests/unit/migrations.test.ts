import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { readFileSync, rmSync } from 'node:fs'
import { openDatabase, DatabaseTooNewError, findMigrationsDir } from '../../src-main/db/open'
import { tempDir } from '../helpers/app'

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
