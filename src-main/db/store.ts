import type Database from 'better-sqlite3'
import { Column, eq, getTableColumns, getTableName, type InferInsertModel, type InferSelectModel } from 'drizzle-orm'
import type { SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core'
import { newId } from '../core/ids'
import { Hlc, clockTag } from '../core/hlc'
import type { Db } from './open'
import { outbox, deviceMeta } from './schema'

/** Bumped whenever a synced table changes shape; the sync server accepts N and N-1. */
export const SCHEMA_VERSION = 1

// Any synced table: it has the common sync columns.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SyncedTable = SQLiteTableWithColumns<any> & { id: any; updatedAt: any }

type SyncColumns = 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'serverVersion'

type Mapper = ((value: unknown) => unknown) | null

/** A column's driver mapping, or null where it is the identity (most columns): skipping the call per value adds up on ingest. */
function mapper(column: Column, kind: 'mapToDriverValue' | 'mapFromDriverValue'): Mapper {
  return column[kind] === Column.prototype[kind] ? null : (v) => column[kind](v as never)
}

/** One written row in an outbox mutation: [table, rowId, op, hlc, fields (null for an insert)]. */
export type Change = [table: string, rowId: string, op: 'insert' | 'update' | 'delete', hlc: string, fields: object | null]

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
    this.hlc = new Hlc(clockTag(deviceId), () => this.now().getTime(), last?.value)
  }

  private queries = new Map<string, unknown>()

  /** A drizzle query built and prepared once, for hot paths; parameters are sql.placeholder names. */
  prepared<P>(key: string, build: (db: Db) => { prepare(): P }): P {
    let q = this.queries.get(key) as P | undefined
    if (!q) {
      q = build(this.db).prepare()
      this.queries.set(key, q)
    }
    return q
  }

  private readStmts = new Map<string, { stmt: Database.Statement; keys: string[]; decode: Mapper[] }>()

  private statements = new Map<string, Database.Statement>()

  /** A plain SQL statement prepared once, for hot paths that need no row mapping. */
  statement(text: string): Database.Statement {
    let stmt = this.statements.get(text)
    if (!stmt) this.statements.set(text, (stmt = this.sqlite.prepare(text)))
    return stmt
  }

  /** One row by id, deleted or not. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  byId<T extends SQLiteTableWithColumns<any> & { id: any }>(table: T, id: string): InferSelectModel<T> | undefined {
    return this.firstBy(table, 'id', id)
  }

  /**
   * A row whose column equals value, deleted or not: meant for unique columns (id, order number).
   * A plain prepared statement read as an array and mapped with the columns' own decoders:
   * drizzle's generic row mapping cost more than the lookup itself.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  firstBy<T extends SQLiteTableWithColumns<any>>(table: T, key: keyof InferSelectModel<T> & string, value: unknown): InferSelectModel<T> | undefined {
    const name = getTableName(table)
    const cacheKey = `${name} ${key}`
    let entry = this.readStmts.get(cacheKey)
    if (!entry) {
      const columns = getTableColumns(table) as Record<string, Column>
      if (!columns[key]) throw new Error(`${name} has no column ${key}`)
      const keys = Object.keys(columns)
      const stmt = this.sqlite.prepare(`SELECT ${keys.map((k) => `"${columns[k].name}"`).join(', ')} FROM "${name}" WHERE "${columns[key].name}" = ? LIMIT 1`).raw(true)
      entry = { stmt, keys, decode: keys.map((k) => mapper(columns[k], 'mapFromDriverValue')) }
      this.readStmts.set(cacheKey, entry)
    }
    const values = entry.stmt.get(value) as unknown[] | undefined
    if (!values) return undefined
    const row: Record<string, unknown> = {}
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      const decode = entry.decode[i]
      row[entry.keys[i]] = v === null || !decode ? v : decode(v)
    }
    return row as InferSelectModel<T>
  }

  private nowMs = NaN
  private nowText = ''

  /** Now as ISO-8601; formatted once per millisecond (ingest asks dozens of times in one). */
  nowIso(): string {
    const ms = this.now().getTime()
    if (ms !== this.nowMs) {
      this.nowMs = ms
      this.nowText = new Date(ms).toISOString()
    }
    return this.nowText
  }

  /** The person the open transaction acts for, from its audit entries (attribute). */
  private txActor: string | null = null

  /**
   * The open transaction is this person's act (its audit entry names them): its outbox mutation
   * carries their id, and the server checks their role. Outside a transaction this does nothing.
   */
  attribute(actorId: string): void {
    if (this.pending) this.txActor ??= actorId
  }

  /** Changes of the open Store.tx, written as one outbox row just before it commits. */
  private pending: Change[] | null = null

  /**
   * Runs fn in one transaction (nested calls become savepoints). Every synced row it writes goes
   * into one outbox mutation, so the server applies the transaction whole: another workstation
   * never sees a lab report without its values.
   */
  tx<T>(fn: () => T): T {
    if (this.pending) {
      // A savepoint: if it rolls back, so do the changes it listed.
      const mark = this.pending.length
      try {
        return this.sqlite.transaction(fn)()
      } catch (e) {
        if (this.pending) this.pending.length = mark
        throw e
      }
    }
    const changes: Change[] = []
    this.pending = changes
    this.txActor = null
    try {
      return this.sqlite.transaction(() => {
        const result = fn()
        this.pending = null
        if (changes.length > 0) this.writeMutation(changes, this.txActor)
        return result
      })()
    } finally {
      this.pending = null
      this.txActor = null
    }
  }

  /** The row and its outbox change as one unit: their own transaction, or the caller's (no savepoint per row). */
  private unit<T>(fn: () => T): T {
    return this.sqlite.inTransaction ? fn() : this.tx(fn)
  }

  insert<T extends SyncedTable>(table: T, values: Omit<InferInsertModel<T>, SyncColumns> & { id?: string }): InferSelectModel<T> {
    return this.unit(() => {
      const stamp = this.stamp()
      // The sync columns first and the values spread after: V8 builds this shape fast, while adding
      // properties after a spread of a wide row costs about 10 µs each time (measured).
      const row = { id: '', clinicId: this.clinicId, createdAt: this.nowIso(), updatedAt: stamp, deletedAt: null, serverVersion: null, ...values }
      row.id = values.id ?? newId()
      this.write(table, 'insert', row)
      this.record(table, row.id, 'insert', null, stamp)
      return row as unknown as InferSelectModel<T>
    })
  }

  update<T extends SyncedTable>(table: T, id: string, patch: Partial<Omit<InferInsertModel<T>, SyncColumns>>): void {
    this.unit(() => {
      const stamp = this.stamp()
      const changes = { ...patch, updatedAt: stamp }
      const result = this.write(table, 'update', changes, id)
      if (result.changes !== 1) throw new Error(`${getTableName(table)} ${id} not found`)
      this.record(table, id, 'update', changes, stamp)
    })
  }

  /** Soft delete: a tombstone that sync carries to the other workstations. */
  remove<T extends SyncedTable>(table: T, id: string): void {
    this.unit(() => {
      const stamp = this.stamp()
      const changes = { deletedAt: this.nowIso(), updatedAt: stamp }
      this.write(table, 'update', changes, id)
      this.record(table, id, 'delete', changes, stamp)
    })
  }

  private lastPersistedMs = 0

  private stamp(): string {
    const value = this.hlc.tick()
    // Persisting each new millisecond is enough: after a restart the clock resumes past it.
    const ms = this.hlc.ms
    if (ms !== this.lastPersistedMs) {
      this.persistHlc.run(value)
      this.lastPersistedMs = ms
    }
    return value
  }

  private get persistHlc(): Database.Statement {
    return this.statement("INSERT INTO device_meta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
  }

  /**
   * Lists a change for the outbox. An insert carries no fields: the row as stored is what gets
   * pushed (copying it here doubled what every insert wrote). A transaction opened around Store
   * (sqlite.transaction directly) gets one mutation per change.
   */
  private record(table: SyncedTable, rowId: string, op: Change[2], fields: object | null, hlc: string): void {
    const change: Change = [getTableName(table), rowId, op, hlc, fields]
    if (this.pending) this.pending.push(change)
    else this.writeMutation([change], null)
  }

  private writeMutation(changes: Change[], actorId: string | null): void {
    // HLC strings sort in clock order; the newest is the last stamped.
    this.write(outbox, 'insert', { mutationId: newId(), changes: JSON.stringify(changes), hlc: changes[changes.length - 1][3], schemaVersion: SCHEMA_VERSION, status: 'pending', actorId })
  }

  /** A row of a table that does not sync (archive, notifications): no stamp, no outbox. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  insertLocal<T extends SQLiteTableWithColumns<any>>(table: T, values: InferInsertModel<T>): Database.RunResult {
    return this.write(table, 'insert', values as Record<string, unknown>)
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  updateLocal<T extends SQLiteTableWithColumns<any>>(table: T, id: string, patch: Partial<InferInsertModel<T>>): Database.RunResult {
    return this.write(table, 'update', patch as Record<string, unknown>, id)
  }

  private inserts = new Map<string, { stmt: Database.Statement; keys: string[]; encode: Mapper[] }>()
  private updates = new Map<string, { stmt: Database.Statement; encode: Mapper[] }>()

  /**
   * INSERT (every column; absent is NULL, since no column has a default) or UPDATE ... WHERE id,
   * through statements prepared once: drizzle builds and SQLite prepares a query on each call,
   * which dominated result ingest. Values go through each column's own driver mapping, as drizzle's would.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private write(table: SQLiteTableWithColumns<any>, kind: 'insert' | 'update', values: Record<string, unknown>, id?: string): Database.RunResult {
    const name = getTableName(table)
    if (kind === 'insert') {
      let entry = this.inserts.get(name)
      if (!entry) {
        const columns = getTableColumns(table) as Record<string, Column>
        const keys = Object.keys(columns)
        const cols = keys.map((k) => columns[k])
        entry = { stmt: this.sqlite.prepare(`INSERT INTO "${name}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`), keys, encode: cols.map((c) => mapper(c, 'mapToDriverValue')) }
        this.inserts.set(name, entry)
      }
      const params = new Array<unknown>(entry.keys.length)
      for (let i = 0; i < params.length; i++) {
        const v = values[entry.keys[i]]
        const encode = entry.encode[i]
        params[i] = v === undefined || v === null ? null : encode ? encode(v) : v
      }
      return entry.stmt.run(...params)
    }
    const keys = Object.keys(values).filter((k) => values[k] !== undefined)
    const cacheKey = `${name} ${keys.join(',')}`
    let entry = this.updates.get(cacheKey)
    if (!entry) {
      const all = getTableColumns(table) as Record<string, Column>
      const columns = keys.map((k) => {
        if (!all[k]) throw new Error(`${name} has no column ${k}`)
        return all[k]
      })
      entry = { stmt: this.sqlite.prepare(`UPDATE "${name}" SET ${columns.map((c) => `"${c.name}" = ?`).join(', ')} WHERE "id" = ?`), encode: columns.map((c) => mapper(c, 'mapToDriverValue')) }
      this.updates.set(cacheKey, entry)
    }
    const params = keys.map((k, i) => {
      const v = values[k]
      const encode = entry.encode[i]
      return v === null ? null : encode ? encode(v) : v
    })
    params.push(id)
    return entry.stmt.run(...params)
  }

}
