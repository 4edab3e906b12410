import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema>

export interface OpenDb {
  sqlite: Database.Database
  db: Db
}

/** The drizzle/ folder: next to package.json in a checkout, in resources when packaged. */
export function findMigrationsDir(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start
  for (;;) {
    const candidate = join(dir, 'drizzle')
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`drizzle/ migrations not found above ${start}`)
    dir = parent
  }
}

export class DatabaseTooNewError extends Error {}

export function openDatabase(file: string, migrationsDir = findMigrationsDir()): OpenDb {
  const sqlite = new Database(file)
  // WAL lets readers proceed during a write; FULL makes a committed transaction survive power loss,
  // which is what "committed before acknowledged" relies on.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  refuseNewerDatabase(sqlite, migrationsDir)
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: migrationsDir })
  return { sqlite, db }
}

/** A database migrated by a newer VetOS must not be opened by an older one. */
function refuseNewerDatabase(sqlite: Database.Database, migrationsDir: string): void {
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'").get()
  if (!hasTable) return
  const applied = (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
  const known = (JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
  if (applied > known) {
    sqlite.close()
    throw new DatabaseTooNewError(`This database has ${applied} migrations applied but this VetOS knows only ${known}: it was written by a newer version.`)
  }
}
