/**
 * The synced tables as the wire sees them: SQL column names, and how each column's value is
 * written on a push (JSON) and read from a shape (Postgres text, as Electric sends it).
 */
import { getTableColumns, getTableName, is } from 'drizzle-orm'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from '../db/schema'

export type ColumnKind = 'text' | 'int' | 'bool' | 'real' | 'blob'

export interface SyncedColumn {
  /** the drizzle property name (what Store.update's patches use) */
  key: string
  /** the SQL column name (what the wire uses) */
  name: string
  kind: ColumnKind
  notNull: boolean
  /** the values a text column may hold, where the schema names them (species, sex, status, role…) */
  values?: readonly string[]
}

export interface SyncedTable {
  name: string
  /** rows are never changed once written (triggers refuse UPDATE here): they merge by union */
  appendOnly: boolean
  columns: SyncedColumn[]
  byKey: Map<string, SyncedColumn>
  byName: Map<string, SyncedColumn>
}

function kindOf(columnType: string): ColumnKind {
  if (columnType === 'SQLiteBoolean') return 'bool'
  if (columnType.startsWith('SQLiteInteger') || columnType === 'SQLiteTimestamp') return 'int'
  if (columnType === 'SQLiteReal') return 'real'
  if (columnType.startsWith('SQLiteBlob')) return 'blob'
  return 'text'
}

/** Tables whose rows are never updated on a workstation (refused by triggers in drizzle/, or never written by Store.update). */
const APPEND_ONLY = new Set([
  'patient_weights',
  'patient_alerts',
  'clinical_notes',
  'lab_observations',
  'lab_report_links',
  'lab_reports',
  'lab_order_events',
  'imaging_study_links',
  'imaging_instances',
  'imaging_annotations',
  'documents',
  'payment_allocations',
  'ledger_transactions',
  'ledger_entries',
  'plan_installments'
])

const isTable = (t: unknown): t is SQLiteTable => !!t && typeof t === 'object' && is(t, SQLiteTable)

/** Every table that spreads the synced columns (clinic_id and server_version): the ones that sync. */
export const SYNCED: ReadonlyMap<string, SyncedTable> = new Map(
  Object.values(schema)
    .filter(isTable)
    .map((t) => {
      const columns = Object.entries(getTableColumns(t)).map(([key, col]) => {
        const values = (col as { enumValues?: string[] }).enumValues
        return { key, name: col.name, kind: kindOf(col.columnType), notNull: col.notNull, ...(values?.length ? { values } : {}) }
      })
      return { name: getTableName(t), appendOnly: APPEND_ONLY.has(getTableName(t)), columns, byKey: new Map(columns.map((c) => [c.key, c])), byName: new Map(columns.map((c) => [c.name, c])) }
    })
    .filter((t) => t.byName.has('server_version') && t.byName.has('clinic_id'))
    .map((t) => [t.name, t] as const)
)

/** A stored SQLite value as JSON for a push: booleans as booleans, blobs as base64. */
export function toWire(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (kind === 'bool') return v === true || v === 1
  if (kind === 'blob') return Buffer.isBuffer(v) ? v.toString('base64') : isBufferJson(v) ? Buffer.from(v.data).toString('base64') : v
  return v
}

/** A Postgres text value from a shape as SQLite stores it. */
export function fromShape(kind: ColumnKind, v: string | null | undefined): unknown {
  if (v === null || v === undefined) return null
  switch (kind) {
    case 'int':
      return Number(v)
    case 'real':
      return Number(v)
    case 'bool':
      return v === 't' || v === 'true' ? 1 : 0
    case 'blob':
      return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex')
    default:
      return v
  }
}

const isBufferJson = (v: unknown): v is { type: 'Buffer'; data: number[] } => !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)
