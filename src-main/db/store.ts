import type Database from 'better-sqlite3'
import { eq, getTableName, type InferInsertModel, type InferSelectModel } from 'drizzle-orm'
import type { SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core'
import { newId } from '../core/ids'
import { Hlc } from '../core/hlc'
import type { Db } from './open'
import { outbox, deviceMeta } from './schema'

/** Bumped whenever a synced table changes shape; the sync server accepts N and N-1. */
export const SCHEMA_VERSION = 1

// Any synced table: it has the common sync columns.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SyncedTable = SQLiteTableWithColumns<any> & { id: any; updatedAt: any }

type SyncColumns = 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'serverVersion'

/**
 * The one way domain code writes synced tables: it stamps id, clinic, created_at and the
 * clock, and writes the outbox row in the same transaction as the change (sync pushes the outbox).
 */
export class Store {
  readonly hlc: Hlc
  constructor(
    readonly sqlite: Database.Database,
    readonly db: Db,
    readonly deviceId: string,
    readonly clinicId: string,
    private readonly now: () => Date = () => new Date()
  ) {
    const last = db.select().from(deviceMeta).where(eq(deviceMeta.key, 'hlc')).get()
    this.hlc = new Hlc(deviceId.slice(0, 8), () => this.now().getTime(), last?.value)
  }

  nowIso(): string {
    return this.now().toISOString()
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  tx<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)()
  }

  /** The row and its outbox entry as one unit: their own transaction, or the caller's (no savepoint per row). */
  private unit<T>(fn: () => T): T {
    return this.sqlite.inTransaction ? fn() : this.tx(fn)
  }

  insert<T extends SyncedTable>(table: T, values: Omit<InferInsertModel<T>, SyncColumns> & { id?: string }): InferSelectModel<T> {
    return this.unit(() => {
      const stamp = this.stamp()
      const row = { ...values, id: values.id ?? newId(), clinicId: this.clinicId, createdAt: this.nowIso(), updatedAt: stamp, deletedAt: null, serverVersion: null }
      this.db.insert(table).values(row as never).run()
      this.record(table, row.id, 'insert', row, stamp)
      return row as unknown as InferSelectModel<T>
    })
  }

  update<T extends SyncedTable>(table: T, id: string, patch: Partial<Omit<InferInsertModel<T>, SyncColumns>>): void {
    this.unit(() => {
      const stamp = this.stamp()
      const changes = { ...patch, updatedAt: stamp }
      const result = this.db.update(table).set(changes as never).where(eq(table.id, id)).run()
      if (result.changes !== 1) throw new Error(`${getTableName(table)} ${id} not found`)
      this.record(table, id, 'update', changes, stamp)
    })
  }

  /** Soft delete: a tombstone that sync carries to the other workstations. */
  remove<T extends SyncedTable>(table: T, id: string): void {
    this.unit(() => {
      const stamp = this.stamp()
      const changes = { deletedAt: this.nowIso(), updatedAt: stamp }
      this.db.update(table).set(changes as never).where(eq(table.id, id)).run()
      this.record(table, id, 'delete', changes, stamp)
    })
  }

  private lastPersistedMs = 0

  private stamp(): string {
    const value = this.hlc.tick()
    // Persisting each new millisecond is enough: after a restart the clock resumes past it.
    const ms = Date.parse(value.slice(0, 24))
    if (ms !== this.lastPersistedMs) {
      this.persistHlc.run(value)
      this.lastPersistedMs = ms
    }
    return value
  }

  private persistHlcStmt: Database.Statement | null = null
  private get persistHlc(): Database.Statement {
    return (this.persistHlcStmt ??= this.sqlite.prepare("INSERT INTO device_meta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"))
  }

  private record(table: SyncedTable, rowId: string, op: 'insert' | 'update' | 'delete', payload: object, hlc: string): void {
    this.db
      .insert(outbox)
      .values({ mutationId: newId(), tbl: getTableName(table), rowId, op, payload: JSON.stringify(payload), hlc, schemaVersion: SCHEMA_VERSION, status: 'pending' })
      .run()
  }
}
