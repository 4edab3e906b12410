/** The server's PostgreSQL schema follows the workstation's: every synced table, its kind, and migrations that are up to date. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { is } from 'drizzle-orm'
import { PgTable, getTableConfig } from 'drizzle-orm/pg-core'
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api'
import { expect, it } from 'vitest'
import * as server from '../../src-server/schema'
import { ROOT } from '../helpers/hub'

const pgTables = Object.values(server as Record<string, unknown>).filter((t): t is PgTable => is(t, PgTable))

it('exports a PostgreSQL table for every synced workstation table, with its columns and field clocks', () => {
  const names = new Set(pgTables.map((t) => getTableConfig(t).name))
  for (const t of server.SYNCED_TABLES) {
    expect(names.has(t.name), `${t.name} is not exported from src-server/schema.ts`).toBe(true)
    const columns = getTableConfig(pgTables.find((p) => getTableConfig(p).name === t.name)!).columns.map((c) => c.name)
    expect(columns).toEqual([...t.columns.map((c) => c.name), 'field_hlc'])
  }
  expect(server.SYNCED_TABLES.map((t) => t.name)).not.toContain('notifications') // clinic_id but no server_version: local
})

it('treats every table the workstation refuses to UPDATE as append-only', () => {
  const sql = readdirSync(join(ROOT, 'drizzle')).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(join(ROOT, 'drizzle', f), 'utf8')).join('\n')
  const refused = [...sql.matchAll(/CREATE TRIGGER (\w+)_no_update BEFORE UPDATE ON (\w+)/g)].map((m) => m[2])
  for (const table of refused) {
    const synced = server.SYNCED_BY_NAME.get(table)
    if (synced) expect(synced.kind, table).toBe('append')
  }
  expect(server.SYNCED_BY_NAME.get('lab_orders')).toMatchObject({ kind: 'lww', statusColumn: 'status' })
})

it('has migrations up to date with the schema (else: npx drizzle-kit generate --config drizzle.server.config.ts)', async () => {
  const meta = join(ROOT, 'drizzle', 'server', 'meta')
  const latest = readdirSync(meta).filter((f) => f.endsWith('_snapshot.json')).sort().at(-1)!
  const snapshot = JSON.parse(readFileSync(join(meta, latest), 'utf8'))
  const current = generateDrizzleJson(server as Record<string, unknown>, snapshot.id)
  expect(await generateMigration(snapshot, current)).toEqual([])
})
